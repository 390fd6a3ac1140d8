"""Following people by their joints between detector keyframes.

The detector is the most expensive stage. With ``detect_every = k`` it runs on every k-th frame;
in between, each person seen on the previous frame is cropped around their previous joints, the
pose estimator finds the joints again, and the person's detector box is moved by how far the
joints moved. The tracker thus sees boxes of one consistent style (the detector's), which keeps
IoU matching and the Kalman filter's box shape stable. People who enter between keyframes are
found at the next keyframe (the benchmark reports the resulting people per frame).
"""
from __future__ import annotations

import numpy as np

from common.types import Detections, Poses2D

MIN_JOINT_SCORE = 0.3
MIN_CONFIDENT_JOINTS = 5
BOX_MARGIN = 0.12  # of the joints' extent on each side: joints are inside the body outline


def confident_joints(poses2d: Poses2D, min_score: float = MIN_JOINT_SCORE) -> np.ndarray:
    """(N, J) mask of joints that are finite and scored at least ``min_score``."""
    return (poses2d.scores >= min_score) & np.isfinite(poses2d.keypoints).all(-1)


def boxes_from_keypoints(poses2d: Poses2D) -> np.ndarray:
    """(N, 4) crop boxes around each person's confident joints (people must have some)."""
    kp = np.where(confident_joints(poses2d)[..., None], poses2d.keypoints, np.nan)
    lo, hi = np.nanmin(kp, axis=1), np.nanmax(kp, axis=1)
    pad = (hi - lo) * BOX_MARGIN + 4.0
    return np.concatenate([lo - pad, hi + pad], axis=1)


class KeyframeSchedule:
    """Decides which frames run the detector: every k-th frame, or when nobody is followed."""

    def __init__(self, detect_every: int = 1):
        if detect_every < 1:
            raise ValueError("detect_every must be >= 1")
        self.detect_every = detect_every
        self._since_key = 0

    def is_keyframe(self, following: int) -> bool:
        key = self.detect_every == 1 or following == 0 or self._since_key + 1 >= self.detect_every
        self._since_key = 0 if key else self._since_key + 1
        return key


class KeypointFollower:
    """Carries each person's detector box and joints from one frame to the next."""

    def __init__(self) -> None:
        self.boxes = np.zeros((0, 4), np.float32)
        self.poses: Poses2D | None = None

    def __len__(self) -> int:
        return len(self.boxes)

    def remember(self, detections: Detections, poses: Poses2D) -> None:
        """Keep the people of this frame whose joints are good enough to follow."""
        keep = confident_joints(poses).sum(axis=1) >= MIN_CONFIDENT_JOINTS
        self.boxes = detections.boxes[keep]
        self.poses = Poses2D(poses.keypoints[keep], poses.scores[keep], poses.layout)

    def follow(self, image: np.ndarray, estimator) -> tuple[Detections, Poses2D]:
        """This frame's detections and joints for the remembered people, without the detector."""
        if len(self) == 0:
            return Detections.empty(), self.poses
        poses = estimator.estimate(image, boxes_from_keypoints(self.poses))
        before, now = confident_joints(self.poses), confident_joints(poses)
        both = (before & now)[..., None]
        moved = np.where(both, poses.keypoints - self.poses.keypoints, 0.0).sum(axis=1)
        shift = moved / np.maximum(both.sum(axis=1), 1)  # mean motion of joints seen in both frames
        boxes = self.boxes + np.concatenate([shift, shift], axis=1)
        scores = np.array([poses.scores[i][now[i]].mean() if now[i].any() else 0.0 for i in range(len(self))])
        alive = now.sum(axis=1) >= MIN_CONFIDENT_JOINTS
        return (Detections(boxes[alive], scores[alive]),
                Poses2D(poses.keypoints[alive], poses.scores[alive], poses.layout))
