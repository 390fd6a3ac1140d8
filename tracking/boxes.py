"""Box conversions and overlap, vectorised over all boxes at once.

Boxes enter and leave the trackers as ``xyxy`` pixels (common.types). Inside, SORT's filter works on
``(cx, cy, area, aspect)`` and Deep SORT's on ``(cx, cy, aspect, height)``; these helpers move
between the three without Python loops.
"""
from __future__ import annotations

import numpy as np


MAX_COORDINATE = 1e6  # px; farther than any real image, near enough that areas stay finite
MIN_SIZE = 1e-2  # px; smaller boxes would make Deep SORT's height-scaled covariances singular


def valid_boxes(boxes: np.ndarray) -> np.ndarray:
    """Mask of boxes a tracker can use: coordinates within ±MAX_COORDINATE, sides ≥ MIN_SIZE."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    with np.errstate(invalid="ignore"):  # inf − inf in a rejected box
        size = boxes[:, 2:] - boxes[:, :2]
    return (np.abs(boxes) <= MAX_COORDINATE).all(axis=1) & (size >= MIN_SIZE).all(axis=1)


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box in ``a`` (N, 4) with every box in ``b`` (M, 4), xyxy."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(1, -1, 4)
    w = np.maximum(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0.0)
    h = np.maximum(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0.0)
    inter = w * h
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    return inter / np.maximum(area_a + area_b - inter, np.finfo(np.float64).tiny)


def xyxy_to_xysr(boxes: np.ndarray) -> np.ndarray:
    """xyxy → SORT's measurement (centre x, centre y, area, width / height)."""
    out = np.empty((len(boxes), 4))
    size = boxes[:, 2:] - boxes[:, :2]
    out[:, :2] = boxes[:, :2] + size / 2
    out[:, 2] = size[:, 0] * size[:, 1]
    out[:, 3] = size[:, 0] / size[:, 1]
    return out


def xysr_to_xyxy(xysr: np.ndarray) -> np.ndarray:
    """SORT's (centre x, centre y, area, aspect) → xyxy; area and aspect must be positive."""
    half = np.empty((len(xysr), 2))
    half[:, 0] = np.sqrt(xysr[:, 2] * xysr[:, 3])  # width
    half[:, 1] = xysr[:, 2] / half[:, 0]  # height
    half *= 0.5
    return np.concatenate([xysr[:, :2] - half, xysr[:, :2] + half], axis=1)


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
