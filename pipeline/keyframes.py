"""Following people by their joints between detector keyframes, and deciding when to detect.

The detector is the most expensive stage. Between keyframes each person seen on the previous
frame is cropped around their previous joints and detector box (so the crop covers the whole body
even where the legs are cut by the frame edge or scored low), the pose estimator finds the joints
again, and the person's detector box is moved by how far the joints moved. The tracker thus sees
boxes of one consistent style (the detector's), which keeps IoU matching and the Kalman filter's
box shape stable. A followed person whose joints are no longer found (fewer than
``MIN_CONFIDENT_JOINTS`` confident ones) is dropped rather than left to drift onto the background.

Keyframes are scheduled by need (:class:`KeyframeSchedule`): the detector runs when nobody is
followed or someone was just lost (fewer people than on the frame before), soon when a followed
person is weak (low joint scores) or near the frame edge (where people enter and leave), and
otherwise every ``detect_every``-th frame.
"""
from __future__ import annotations

import numpy as np

from common.types import Detections, Poses2D

MIN_JOINT_SCORE = 0.3
MIN_CONFIDENT_JOINTS = 5
BOX_MARGIN = 0.12  # of the joints' extent on each side: joints are inside the body outline
WEAK_SCORE = 0.45  # a followed person whose mean confident-joint score is below this is "weak"
EDGE_MARGIN = 0.03  # of the frame's size: a box this close to an edge is "near the edge"


def confident_joints(poses2d: Poses2D, min_score: float = MIN_JOINT_SCORE) -> np.ndarray:
    """(N, J) mask of joints that are finite and scored at least ``min_score``."""
    return (poses2d.scores >= min_score) & np.isfinite(poses2d.keypoints).all(-1)


def boxes_from_keypoints(poses2d: Poses2D) -> np.ndarray:
    """(N, 4) crop boxes around each person's confident joints (people must have some)."""
    kp = np.where(confident_joints(poses2d)[..., None], poses2d.keypoints, np.nan)
    lo, hi = np.nanmin(kp, axis=1), np.nanmax(kp, axis=1)
    pad = (hi - lo) * BOX_MARGIN + 4.0
    return np.concatenate([lo - pad, hi + pad], axis=1)


def union_boxes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, 4) smallest boxes holding each pair of xyxy boxes."""
    return np.concatenate([np.minimum(a[:, :2], b[:, :2]), np.maximum(a[:, 2:], b[:, 2:])], axis=1)


class KeyframeSchedule:
    """Decides which frames run the detector, by need (see the module docstring).

    ``by_need=False`` gives the fixed schedule: every ``detect_every``-th frame, or when nobody
    is followed. ``soon_every`` is the interval while someone is weak or near an edge.
    """

    def __init__(self, detect_every: int = 1, by_need: bool = True, soon_every: int = 2):
        if detect_every < 1 or soon_every < 1:
            raise ValueError(f"detect_every and soon_every must be >= 1, got {detect_every}, {soon_every}")
        self.detect_every, self.by_need, self.soon_every = detect_every, by_need, soon_every
        self._since_key = 0

    def interval(self, follower: "KeypointFollower", frame_size: tuple[int, int]) -> int:
        """Frames between keyframes that the current scene allows (1: detect now)."""
        if len(follower) == 0 or (self.by_need and follower.lost):
            return 1
        if self.by_need and (follower.weak().any() or follower.near_edge(frame_size).any()):
            return min(self.soon_every, self.detect_every)
        return self.detect_every

    def is_keyframe(self, follower: "KeypointFollower", frame_size: tuple[int, int]) -> bool:
        key = self._since_key + 1 >= self.interval(follower, frame_size)
        self._since_key = 0 if key else self._since_key + 1
        return key


class KeypointFollower:
    """Carries each person's detector box and joints from one frame to the next."""

    def __init__(self) -> None:
        self.boxes = np.zeros((0, 4), np.float32)
        self.scores = np.zeros(0, np.float32)  # mean confident-joint score per person
        self.poses: Poses2D | None = None
        self.lost = 0  # how many fewer people than on the frame before

    def __len__(self) -> int:
        return len(self.boxes)

    def weak(self) -> np.ndarray:
        """(N,) people followed with low joint scores (about to be lost, or drifting)."""
        return self.scores < WEAK_SCORE

    def near_edge(self, frame_size: tuple[int, int]) -> np.ndarray:
        """(N,) people whose box touches the frame border (entering, leaving, or cut by it)."""
        width, height = frame_size
        margin = EDGE_MARGIN * np.array([width, height, width, height])
        b = self.boxes
        return ((b[:, 0] <= margin[0]) | (b[:, 1] <= margin[1])
                | (b[:, 2] >= width - 1 - margin[2]) | (b[:, 3] >= height - 1 - margin[3]))

    def remember(self, detections: Detections, poses: Poses2D) -> None:
        """Keep the people of this frame whose joints are good enough to follow."""
        confident = confident_joints(poses)
        keep = confident.sum(axis=1) >= MIN_CONFIDENT_JOINTS
        self.lost = max(0, len(self) - int(keep.sum()))
        self.boxes = detections.boxes[keep]
        self.scores = _mean_confident_score(poses.scores[keep], confident[keep])
        self.poses = Poses2D(poses.keypoints[keep], poses.scores[keep], poses.layout)

    def follow(self, image: np.ndarray, estimator) -> tuple[Detections, Poses2D]:
        """This frame's detections and joints for the remembered people, without the detector."""
        if len(self) == 0:
            return Detections.empty(), self.poses
        crops = union_boxes(boxes_from_keypoints(self.poses), self.boxes)
        poses = estimator.estimate(image, crops)
        before, now = confident_joints(self.poses), confident_joints(poses)
        both = (before & now)[..., None]
        moved = np.where(both, poses.keypoints - self.poses.keypoints, 0.0).sum(axis=1)
        shift = moved / np.maximum(both.sum(axis=1), 1)  # mean motion of joints seen in both frames
        boxes = self.boxes + np.concatenate([shift, shift], axis=1)
        scores = _mean_confident_score(poses.scores, now)
        alive = now.sum(axis=1) >= MIN_CONFIDENT_JOINTS
        joints = np.concatenate([poses.keypoints, poses.scores[..., None]], axis=-1)[alive]  # for appearance bands
        return (Detections(boxes[alive], scores[alive], joints if poses.layout == "coco17" else None),
                Poses2D(poses.keypoints[alive], poses.scores[alive], poses.layout))


def _mean_confident_score(scores: np.ndarray, confident: np.ndarray) -> np.ndarray:
    """(N,) mean score of each person's confident joints (0 without any)."""
    return np.where(confident, scores, 0.0).sum(axis=1) / np.maximum(confident.sum(axis=1), 1)
