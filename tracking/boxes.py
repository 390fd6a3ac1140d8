"""Box conversions and overlap, vectorised over all boxes at once.

Boxes enter and leave the trackers as ``xyxy`` pixels (common.types). Inside, SORT's filter works on
``(cx, cy, area, aspect)`` and Deep SORT's on ``(cx, cy, aspect, height)``; these helpers move
between the three without Python loops.
"""
from __future__ import annotations

import numpy as np


def valid_boxes(boxes: np.ndarray) -> np.ndarray:
    """Mask of boxes a tracker can use: finite coordinates and a positive width and height."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    with np.errstate(invalid="ignore"):
        return (np.isfinite(boxes).all(axis=1)
                & (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1]))


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box in ``a`` (N, 4) with every box in ``b`` (M, 4), xyxy."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(1, -1, 4)
    w = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0.0, None)
    h = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0.0, None)
    inter = w * h
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        out = inter / union
    return np.where(union > 0, out, 0.0)


def xyxy_to_xysr(boxes: np.ndarray) -> np.ndarray:
    """xyxy → SORT's measurement (centre x, centre y, area, width / height)."""
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    return np.stack([boxes[:, 0] + w / 2, boxes[:, 1] + h / 2, w * h, w / h], axis=1)


def xysr_to_xyxy(xysr: np.ndarray) -> np.ndarray:
    """SORT's (centre x, centre y, area, aspect) → xyxy; NaN where area × aspect is negative."""
    with np.errstate(invalid="ignore"):
        w = np.sqrt(xysr[:, 2] * xysr[:, 3])
    with np.errstate(invalid="ignore", divide="ignore"):
        h = xysr[:, 2] / w
    return np.stack([xysr[:, 0] - w / 2, xysr[:, 1] - h / 2,
                     xysr[:, 0] + w / 2, xysr[:, 1] + h / 2], axis=1)


def xyxy_to_xyah(boxes: np.ndarray) -> np.ndarray:
    """xyxy → Deep SORT's measurement (centre x, centre y, width / height, height)."""
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    return np.stack([boxes[:, 0] + w / 2, boxes[:, 1] + h / 2, w / h, h], axis=1)


def xyah_to_xyxy(xyah: np.ndarray) -> np.ndarray:
    """Deep SORT's (centre x, centre y, aspect, height) → xyxy."""
    w = xyah[:, 2] * xyah[:, 3]
    h = xyah[:, 3]
    return np.stack([xyah[:, 0] - w / 2, xyah[:, 1] - h / 2,
                     xyah[:, 0] + w / 2, xyah[:, 1] + h / 2], axis=1)
