"""How much lifted 3D shakes on real footage, where there is no 3D ground truth: stores side by side.

    python main.py process VIDEO -o /tmp/a.mp4 --store single.npz --lifter single
    python main.py process VIDEO -o /tmp/b.mp4 --store temporal.npz --lifter temporal
    python -m tools.footage_jitter single.npz temporal.npz

Per store: the mean root-relative joint acceleration ``|Δ²joints|`` (mm per frame², over runs of
consecutive frames of one track) and the mean bone-length change between consecutive frames (mm; a
body does not change size, so this is pure error). Lower is smoother, not necessarily truer: read it
beside the S8 accuracy tables (docs/refiner.md).
"""
from __future__ import annotations

import argparse

import numpy as np

from common.skeleton import H36M17
from common.store import ResultsStore

PARENTS = np.array(H36M17.parents)


def consecutive_runs(frames: np.ndarray, valid: np.ndarray) -> list[slice]:
    """Slices of rows whose frames follow one another and whose 3D is valid."""
    breaks = np.flatnonzero((np.diff(frames) != 1) | ~valid[1:] | ~valid[:-1]) + 1
    starts, ends = np.r_[0, breaks], np.r_[breaks, len(frames)]
    return [slice(s, e) for s, e in zip(starts, ends) if valid[s]]


def track_shake(joints: np.ndarray, frames: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per-frame acceleration and bone-length change of one track's ``(T, 17, 3)`` joints."""
    valid = np.isfinite(joints).all(axis=(1, 2))
    accel, bone_change = [], []
    bones = np.flatnonzero(PARENTS >= 0)
    for run in consecutive_runs(frames, valid):
        rel = joints[run] - joints[run][:, :1]
        if len(rel) >= 3:
            accel.append(np.linalg.norm(rel[2:] - 2 * rel[1:-1] + rel[:-2], axis=-1).mean(axis=-1))
        if len(rel) >= 2:
            lengths = np.linalg.norm(rel[:, bones] - rel[:, PARENTS[bones]], axis=-1)
            bone_change.append(np.abs(np.diff(lengths, axis=0)).mean(axis=-1))
    return accel, bone_change


def store_shake(store: ResultsStore) -> dict[str, float]:
    accel, bone_change = [], []
    for track_id in store.track_ids():
        track = store.track(track_id)
        a, b = track_shake(track.joints3d, track.frames)
        accel += a
        bone_change += b
    if not accel:
        return {"frames": 0, "accel": float("nan"), "bone_change": float("nan")}
    return {"frames": int(sum(len(a) for a in accel)), "accel": float(np.concatenate(accel).mean()),
            "bone_change": float(np.concatenate(bone_change).mean())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+", help="ResultsStore .npz files (main.py process --store)")
    args = parser.parse_args(argv)
    print(f"{'store':<40}{'frames':>8}{'accel mm/frame²':>18}{'bone change mm':>16}")
    for path in args.stores:
        s = store_shake(ResultsStore.load(path))
        print(f"{path:<40}{s['frames']:>8d}{s['accel']:>18.2f}{s['bone_change']:>16.2f}")


if __name__ == "__main__":
    main()
