"""Appearance features without a pretrained network: colour histograms of torso and legs.

Clothing colour is what most often tells two nearby people apart, and it needs no weights. Each
person's box is split into a torso band (shoulders to hips) and a legs band (hips to feet), taken
from the COCO-17 keypoints when they are confident and from fixed fractions of the box otherwise;
the central part of each band is histogrammed in HSV (hue × saturation for coloured pixels, value
for grey ones, which hue cannot describe). Square roots of the normalised histograms make the
cosine distance a Hellinger distance between colour distributions.
"""
from __future__ import annotations

import cv2
import numpy as np

from common.skeleton import COCO17

HUE_BINS, SAT_BINS, GREY_BINS = 8, 3, 4
GREY_SATURATION = 40  # below this (of 255) a pixel's hue is noise: count it by brightness instead
PATCH = 16  # each band is resampled to PATCH × PATCH pixels
KEYPOINT_MIN_SCORE = 0.3
DEFAULT_BANDS = ((0.15, 0.5), (0.5, 0.95))  # torso and legs as fractions of the box height
_SHOULDERS = [COCO17.index("l_shoulder"), COCO17.index("r_shoulder")]
_HIPS = [COCO17.index("l_hip"), COCO17.index("r_hip")]
_FEET = [COCO17.index(j) for j in ("l_knee", "r_knee", "l_ankle", "r_ankle")]


class ColourEncoder:
    """:class:`tracking.appearance.AppearanceEncoder` from torso and legs colour histograms."""

    bins_per_band = HUE_BINS * SAT_BINS + GREY_BINS

    def __call__(self, image: np.ndarray, boxes: np.ndarray,
                 keypoints: np.ndarray | None = None) -> np.ndarray:
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"ColourEncoder needs an (H, W, 3) RGB image, got {image.shape}")
        image = np.ascontiguousarray(image, dtype=np.uint8)
        patches = np.zeros((len(boxes), 2, PATCH, PATCH, 3), dtype=np.uint8)
        filled = np.zeros((len(boxes), 2), dtype=bool)
        for i, box in enumerate(np.asarray(boxes, dtype=np.float64)):
            person_keypoints = None if keypoints is None else keypoints[i]
            for band, (top, bottom) in enumerate(_bands(box, person_keypoints)):
                crop = _crop(image, box, top, bottom)
                if crop is not None:
                    patches[i, band] = cv2.resize(crop, (PATCH, PATCH), interpolation=cv2.INTER_AREA)
                    filled[i, band] = True
        return _histograms(patches, filled)


def _bands(box: np.ndarray, keypoints: np.ndarray | None) -> list[tuple[float, float]]:
    """Image rows (top, bottom) of the torso and legs bands of one person."""
    y1, height = box[1], box[3] - box[1]
    fallback = [(y1 + a * height, y1 + b * height) for a, b in DEFAULT_BANDS]
    if keypoints is None:
        return fallback

    def mean_y(joints: list[int]) -> float | None:
        seen = keypoints[joints, 2] >= KEYPOINT_MIN_SCORE
        return float(keypoints[joints, 1][seen].mean()) if seen.any() else None

    shoulders, hips, feet = mean_y(_SHOULDERS), mean_y(_HIPS), mean_y(_FEET)
    torso_found = shoulders is not None and hips is not None and hips > shoulders
    legs_found = hips is not None and feet is not None and feet > hips
    return [(shoulders, hips) if torso_found else fallback[0],
            (hips, feet) if legs_found else fallback[1]]


def _crop(image: np.ndarray, box: np.ndarray, top: float, bottom: float) -> np.ndarray | None:
    """Central 60 % of the box's width between two rows, clipped to the image; None if empty."""
    width = box[2] - box[0]
    x1 = int(np.clip(box[0] + 0.2 * width, 0, image.shape[1]))
    x2 = int(np.clip(np.ceil(box[2] - 0.2 * width), 0, image.shape[1]))
    y1 = int(np.clip(top, 0, image.shape[0]))
    y2 = int(np.clip(np.ceil(bottom), 0, image.shape[0]))
    return image[y1:y2, x1:x2] if x2 > x1 and y2 > y1 else None


def _histograms(patches: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """Square-rooted normalised HSV histograms, (N, 2 × bins_per_band); empty bands are zero."""
    n = len(patches)
    bins = ColourEncoder.bins_per_band
    if n == 0:
        return np.zeros((0, 2 * bins))
    hsv = cv2.cvtColor(patches.reshape(-1, PATCH, 3), cv2.COLOR_RGB2HSV).reshape(n, 2, -1, 3)
    hue = hsv[..., 0].astype(np.int64) * HUE_BINS // 180  # OpenCV hue is 0..179
    sat = hsv[..., 1].astype(np.int64)
    val = hsv[..., 2].astype(np.int64)
    colour_bin = hue * SAT_BINS + np.minimum((sat - GREY_SATURATION) * SAT_BINS // (256 - GREY_SATURATION),
                                             SAT_BINS - 1)
    grey_bin = HUE_BINS * SAT_BINS + val * GREY_BINS // 256
    bin_index = np.where(sat >= GREY_SATURATION, colour_bin, grey_bin)
    band_index = np.arange(n * 2).reshape(n, 2, 1) * bins
    counts = np.bincount((band_index + bin_index).ravel(), minlength=n * 2 * bins)
    hist = counts.reshape(n, 2, bins).astype(np.float64) * filled[..., None]
    hist /= np.maximum(hist.sum(axis=2, keepdims=True), 1.0)
    return np.sqrt(hist).reshape(n, 2 * bins)
