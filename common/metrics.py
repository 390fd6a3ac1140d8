"""Human3.6M protocols: MPJPE (Protocol #1) and P-MPJPE (Protocol #2), shared by every model.

Both the refiner and the SE-ResNet estimator report through these functions so that their
numbers are comparable by construction.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np


def mpjpe(pred: np.ndarray, target: np.ndarray, root: int | None = 0) -> np.ndarray:
    """Per-sample mean joint error ``(N,)`` for ``(N, J, 3)`` arrays, root-aligned when ``root``."""
    pred, target = np.asarray(pred, np.float64), np.asarray(target, np.float64)
    if root is not None:
        pred = pred - pred[:, root:root + 1]
        target = target - target[:, root:root + 1]
    return np.linalg.norm(pred - target, axis=-1).mean(axis=-1)


def procrustes_align(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Best similarity transform (rotation, scale, translation) of ``pred`` onto ``target``.

    Batched over ``(N, J, 3)``; reflections are excluded by flipping the last singular vector
    when the determinant is negative (Umeyama 1991).
    """
    pred, target = np.asarray(pred, np.float64), np.asarray(target, np.float64)
    mu_p, mu_t = pred.mean(axis=1, keepdims=True), target.mean(axis=1, keepdims=True)
    p, t = pred - mu_p, target - mu_t
    norm_p = np.sqrt((p ** 2).sum(axis=(1, 2), keepdims=True)) + 1e-12
    norm_t = np.sqrt((t ** 2).sum(axis=(1, 2), keepdims=True)) + 1e-12
    p, t = p / norm_p, t / norm_t
    u, s, vt = np.linalg.svd(np.einsum("nji,njk->nik", t, p))  # H = T^T P
    d = np.sign(np.linalg.det(np.einsum("nij,njk->nik", u, vt)))
    s[:, -1] *= d
    u[:, :, -1] *= d[:, None]
    rot = np.einsum("nij,njk->nik", u, vt)  # maps p onto t
    scale = s.sum(axis=1)[:, None, None] * norm_t / norm_p
    return scale * np.einsum("nij,nkj->nki", rot, pred - mu_p) + mu_t


def p_mpjpe(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-sample error ``(N,)`` after similarity Procrustes alignment (Protocol #2)."""
    return mpjpe(procrustes_align(pred, target), target, root=None)


def action_name(sequence: str) -> str:
    """'S1/Walking 1' or 'Walking 1' → 'Walking' (trials of one action are pooled)."""
    name = sequence.split("/")[-1]
    return name.split(" ")[0].split(".")[0]


def per_action_table(errors: Iterable[tuple[str, np.ndarray, np.ndarray]]) -> dict[str, dict[str, float]]:
    """Pool per-frame (p1, p2) errors by action; 'mean' is the mean over actions, as in the papers."""
    pooled: dict[str, list[list[np.ndarray]]] = defaultdict(lambda: [[], []])
    for sequence, p1, p2 in errors:
        pooled[action_name(sequence)][0].append(np.asarray(p1))
        pooled[action_name(sequence)][1].append(np.asarray(p2))
    table = {a: {"p1": float(np.concatenate(v[0]).mean()), "p2": float(np.concatenate(v[1]).mean()),
                 "frames": int(sum(len(x) for x in v[0]))} for a, v in sorted(pooled.items())}
    if table:
        table["mean"] = {"p1": float(np.mean([r["p1"] for r in table.values()])),
                         "p2": float(np.mean([r["p2"] for r in table.values()])),
                         "frames": int(sum(r["frames"] for r in table.values()))}
    return table


def format_table(table: dict[str, dict[str, float]]) -> str:
    """Plain-text per-action table in mm."""
    lines = [f"{'action':<16}{'frames':>9}{'P1 (mm)':>10}{'P2 (mm)':>10}"]
    for action, row in table.items():
        lines.append(f"{action:<16}{row['frames']:>9d}{row['p1']:>10.1f}{row['p2']:>10.1f}")
    return "\n".join(lines)
