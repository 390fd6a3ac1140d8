"""Following people by their keypoints between detector keyframes.

The detector is the most expensive stage. With ``detect_every = k`` it runs on every k-th frame;
in between, each person's box is re-derived from the joints estimated on the previous frame and
handed to the tracker as that frame's detections. People who enter between keyframes are found
at the next keyframe (recall is measured by the benchmark, see docs/pipeline.md).
"""
from __future__ import annotations

import numpy as np

from common.types import Detections, Poses2D

MIN_JOINT_SCORE = 0.3
MIN_CONFIDENT_JOINTS = 5
BOX_MARGIN = 0.12  # of the joints' extent on each side: joints are inside the body outline


def boxes_from_keypoints(poses2d: Poses2D, min_score: float = MIN_JOINT_SCORE) -> Detections:
    """One box per person around the confident joints; people with too few joints are dropped."""
    confident = (poses2d.scores >= min_score) & np.isfinite(poses2d.keypoints).all(-1)
    keep = confident.sum(axis=1) >= MIN_CONFIDENT_JOINTS
    if not keep.any():
        return Detections.empty()
    kp = np.where(confident[..., None], poses2d.keypoints, np.nan)[keep]
    lo, hi = np.nanmin(kp, axis=1), np.nanmax(kp, axis=1)
    pad = (hi - lo) * BOX_MARGIN + 4.0
    boxes = np.concatenate([lo - pad, hi + pad], axis=1)
    scores = np.nanmean(np.where(confident, poses2d.scores, np.nan)[keep], axis=1)
    return Detections(boxes, scores)


class KeyframeSchedule:
    """Decides which frames run the detector: every k-th processed frame, or when nobody is followed."""

    def __init__(self, detect_every: int = 1):
        if detect_every < 1:
            raise ValueError("detect_every must be >= 1")
        self.detect_every = detect_every
        self._since_key = 0

    def is_keyframe(self, following: int) -> bool:
        key = self.detect_every == 1 or following == 0 or self._since_key + 1 >= self.detect_every
        self._since_key = 0 if key else self._since_key + 1
        return key
