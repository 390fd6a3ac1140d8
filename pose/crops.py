"""Square person crops by affine warp, and the exact inverse mapping of joints to the frame.

Coordinates are continuous pixels: (0, 0) is the top-left corner of the top-left pixel, so a
pixel's centre is at (i + 0.5). Boxes and joints use this convention everywhere; the only
half-pixel shift is applied where OpenCV (pixel centres at integers) is called.
"""
from __future__ import annotations

import cv2
import numpy as np


def square_crop_transforms(boxes: np.ndarray, size: int, scale: float = 1.25) -> np.ndarray:
    """(N, 2, 3) affine maps frame -> crop for a square of side ``scale * max(w, h)`` per box.

    The crop keeps the aspect ratio (letterboxing happens naturally where the square leaves
    the frame: those pixels are black).
    """
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2
    side = np.maximum((boxes[:, 2:] - boxes[:, :2]).max(axis=1), 1.0) * scale
    s = size / side
    out = np.zeros((len(boxes), 2, 3))
    out[:, 0, 0] = out[:, 1, 1] = s
    out[:, :, 2] = size / 2 - s[:, None] * centre
    return out


def warp_crops(image: np.ndarray, transforms: np.ndarray, size: int) -> np.ndarray:
    """(N, size, size, C) crops of ``image`` under the frame -> crop ``transforms``."""
    out = np.zeros((len(transforms), size, size, image.shape[2]), image.dtype)
    for i, a in enumerate(transforms):
        m = a.copy()
        m[:, 2] += a[:, :2].sum(axis=1) * 0.5 - 0.5  # continuous -> OpenCV pixel-centre convention
        cv2.warpAffine(image, m, (size, size), dst=out[i], flags=cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return out


def crop_to_frame(points: np.ndarray, transforms: np.ndarray) -> np.ndarray:
    """Map (N, J, 2) crop points (continuous px, x/y) back to the frame with the inverse affine."""
    linear = transforms[:, :, :2]
    inverse = np.linalg.inv(linear)
    shifted = points - transforms[:, None, :, 2]
    return np.einsum("nij,nkj->nki", inverse, shifted).astype(np.float32)
