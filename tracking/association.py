"""Assignment of detections to tracks, solved with ``scipy.optimize.linear_sum_assignment``."""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def match_by_iou(iou: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SORT's association of detections (rows) to tracks (columns) by overlap.

    When every row and column has at most one overlap above ``threshold`` those pairs are the
    answer; otherwise the Hungarian solution maximising total IoU is taken. Either way pairs below
    ``threshold`` are rejected. This is the reference code's rule, kept exactly so results match it.
    Returns ``(matches (K, 2) [row, col], unmatched rows, unmatched cols)``.
    """
    n_rows, n_cols = iou.shape
    if n_rows == 0 or n_cols == 0:
        return np.empty((0, 2), dtype=np.int64), np.arange(n_rows), np.arange(n_cols)
    above = iou > threshold
    if above.sum(axis=1).max() == 1 and above.sum(axis=0).max() == 1:
        rows, cols = np.nonzero(above)
    else:
        rows, cols = linear_sum_assignment(-iou)
        keep = iou[rows, cols] >= threshold
        rows, cols = rows[keep], cols[keep]
    return _with_unmatched(rows, cols, n_rows, n_cols)


def min_cost_matching(cost: np.ndarray, max_cost: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deep SORT's gated assignment: minimise total cost, rejecting pairs costing more than ``max_cost``.

    Costs above the gate are clipped just above it first, so a gated pair can never pull the solver
    away from an admissible one. Returns ``(matches (K, 2) [row, col], unmatched rows, unmatched cols)``.
    """
    n_rows, n_cols = cost.shape
    if n_rows == 0 or n_cols == 0:
        return np.empty((0, 2), dtype=np.int64), np.arange(n_rows), np.arange(n_cols)
    clipped = np.minimum(cost, max_cost + 1e-5)
    rows, cols = linear_sum_assignment(clipped)
    keep = clipped[rows, cols] <= max_cost
    return _with_unmatched(rows[keep], cols[keep], n_rows, n_cols)


def _with_unmatched(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int):
    row_free = np.ones(n_rows, dtype=bool)
    col_free = np.ones(n_cols, dtype=bool)
    row_free[rows] = False
    col_free[cols] = False
    matches = np.stack([rows, cols], axis=1).astype(np.int64).reshape(-1, 2)
    return matches, np.flatnonzero(row_free), np.flatnonzero(col_free)
