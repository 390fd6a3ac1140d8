"""How Deep SORT gets appearance features, and the per-track gallery it compares them against.

Any callable ``encoder(image, boxes, keypoints) -> (N, D) features`` can serve (a learned re-id
network included); :class:`tracking.colour_encoder.ColourEncoder` is the one shipped, needing no
pretrained weights. Features are compared by cosine distance, so they are L2-normalised here.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np


class AppearanceError(ValueError):
    """An appearance encoder returned something that is not one finite feature row per box."""


class AppearanceEncoder(Protocol):
    def __call__(self, image: np.ndarray, boxes: np.ndarray,
                 keypoints: np.ndarray | None) -> np.ndarray:
        """Features (N, D) for the N ``xyxy`` boxes in the RGB ``image``; keypoints (N, 17, 3) or None."""


def encode(encoder: AppearanceEncoder, image: np.ndarray, boxes: np.ndarray,
           keypoints: np.ndarray | None) -> np.ndarray:
    """Run ``encoder``, check its output and L2-normalise each row."""
    features = np.asarray(encoder(image, boxes, keypoints), dtype=np.float64)
    if features.ndim != 2 or len(features) != len(boxes) or not np.isfinite(features).all():
        raise AppearanceError(f"{type(encoder).__name__} returned shape {features.shape} (or "
                              f"non-finite values) for {len(boxes)} boxes; expected (N, D) finite")
    return features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-12)


class FeatureGallery:
    """The last ``budget`` features seen for each track; distance = nearest stored sample."""

    def __init__(self, budget: int | None = 100) -> None:
        self.budget = budget
        self._samples: dict[int, np.ndarray] = {}

    def add(self, track_ids: np.ndarray, features: np.ndarray) -> None:
        for track_id, feature in zip(track_ids.tolist(), features):
            old = self._samples.get(track_id)
            stack = feature[None] if old is None else np.concatenate([old, feature[None]])
            self._samples[track_id] = stack if self.budget is None else stack[-self.budget:]

    def has(self, track_id: int) -> bool:
        return track_id in self._samples

    def keep_only(self, track_ids: np.ndarray) -> None:
        """Forget deleted tracks."""
        alive = set(track_ids.tolist())
        self._samples = {k: v for k, v in self._samples.items() if k in alive}

    def cosine_distance(self, track_ids: np.ndarray, features: np.ndarray) -> np.ndarray:
        """(N tracks, M features) smallest ``1 − cos`` to each track's samples; NaN without samples."""
        out = np.full((len(track_ids), len(features)), np.nan)
        for row, track_id in enumerate(track_ids.tolist()):
            samples = self._samples.get(track_id)
            if samples is not None and len(features):
                out[row] = 1.0 - (samples @ features.T).max(axis=0)
        return out
