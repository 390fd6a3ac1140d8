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
otherwise every ``detect_every``-th frame. A soon keyframe may be *regional*
(:func:`regional_keyframe`): the detector searches only around the people who need it and takes
over those it sees whole, everyone else is followed as between keyframes.
"""
from __future__ import annotations

import numpy as np
import torch
from torchvision.ops import box_iou

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


FULL, REGION, FOLLOW = "full", "region", "follow"  # what a frame runs (KeyframeSchedule.plan)
REGION_GROWTH = 1.0  # a region of need reaches this many of a needy person's heights beyond their box
MAX_REGION_SHARE = 0.35  # a region of need larger than this share of the frame is searched whole (PETS09: 0.5 gave IDF1 80.7, 0.35 84.0, 0.25 83.8)
REGION_MAX_PERSON = 0.25  # a taller needy person (share of the frame height) is the coarse pass's: whole frame
SAME_PERSON_IOU = 0.3  # a regional detection overlapping a followed person this much is that person


class KeyframeSchedule:
    """Decides which frames run the detector, and where, by need (see the module docstring).

    ``by_need=False`` gives the fixed schedule: every ``detect_every``-th frame, or when nobody
    is followed. ``soon_every`` is the interval while someone is weak or near an edge. With
    ``regions``, such a soon keyframe searches only the region around the people who need it
    (the fine detector pass costs by area) when that region is small, and every person still gets
    a whole-frame keyframe every ``detect_every`` frames.
    """

    def __init__(self, detect_every: int = 1, by_need: bool = True, soon_every: int = 2, regions: bool = False):
        if detect_every < 1 or soon_every < 1:
            raise ValueError(f"detect_every and soon_every must be >= 1, got {detect_every}, {soon_every}")
        self.detect_every, self.by_need, self.soon_every = detect_every, by_need, soon_every
        self.regions = regions
        self._since_key = self._since_full = 0

    def plan(self, follower: "KeypointFollower", frame_size: tuple[int, int]) -> tuple[str, np.ndarray | None]:
        """What this frame runs: ``(FULL, None)``, ``(REGION, xyxy)`` or ``(FOLLOW, None)``."""
        kind, region = FOLLOW, None
        needy = (follower.weak() | follower.near_edge(frame_size)) if self.by_need else np.zeros(len(follower), bool)
        if len(follower) == 0 or (self.by_need and follower.lost) or self._since_full + 1 >= self.detect_every:
            kind = FULL
        elif needy.any() and self._since_key + 1 >= min(self.soon_every, self.detect_every):
            region = region_of_need(follower.boxes[needy], frame_size) if self.regions else None
            kind = FULL if region is None else REGION
        self._since_key = 0 if kind != FOLLOW else self._since_key + 1
        self._since_full = 0 if kind == FULL else self._since_full + 1
        return kind, region


def region_of_need(boxes: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray | None:
    """xyxy hull of ``boxes`` grown by ``REGION_GROWTH`` of each one's height and clipped to the
    frame (people near them, and the edge where newcomers enter, are searched too); None when
    it covers more than ``MAX_REGION_SHARE`` of the frame or someone is taller than
    ``REGION_MAX_PERSON`` of it (large people need the detector's coarse whole-frame pass)."""
    width, height = frame_size
    heights = boxes[:, 3] - boxes[:, 1]
    if heights.max() > REGION_MAX_PERSON * height:
        return None
    grow = heights[:, None] * REGION_GROWTH
    lo = np.maximum((boxes[:, :2] - grow).min(axis=0), 0.0)
    hi = np.minimum((boxes[:, 2:] + grow).max(axis=0), [width, height])
    if np.prod(np.maximum(hi - lo, 0.0)) > MAX_REGION_SHARE * width * height:
        return None
    return np.concatenate([lo, hi]).astype(np.float32)


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

    def without(self, drop: np.ndarray) -> "KeypointFollower":
        """A follower of the people not in ``drop`` (N,) bool: the rest of a regional keyframe."""
        other = KeypointFollower()
        keep = ~drop
        other.boxes, other.scores = self.boxes[keep], self.scores[keep]
        if self.poses is not None:
            other.poses = Poses2D(self.poses.keypoints[keep], self.poses.scores[keep], self.poses.layout)
        return other

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


def held_by_region(boxes: np.ndarray, region: np.ndarray, frame_size: tuple[int, int],
                   margin: float = 4.0) -> np.ndarray:
    """(N,) boxes that ``region`` holds wholly: ``margin`` px clear of each of its sides that is
    not also a side of the frame (the detector sees these people whole, so it takes them over)."""
    width, height = frame_size
    x0, y0, x1, y1 = region
    return (((boxes[:, 0] >= x0 + margin) | (x0 <= 0)) & ((boxes[:, 1] >= y0 + margin) | (y0 <= 0))
            & ((boxes[:, 2] <= x1 - margin) | (x1 >= width)) & ((boxes[:, 3] <= y1 - margin) | (y1 >= height)))


def regional_keyframe(image: np.ndarray, region: np.ndarray, follower: KeypointFollower, detector, estimator,
                      frame_size: tuple[int, int]) -> tuple[Detections, Poses2D, Detections]:
    """A keyframe for part of the frame: the detector searches ``region`` (``detector.detect_in``)
    and takes over the people it holds wholly; everyone else is followed. A detection overlapping
    a followed person (IoU >= ``SAME_PERSON_IOU``) is that person, already followed, and is dropped.

    Returns the people followed, their joints, and the people found (whose joints the caller
    estimates, so that the detector's and the estimator's costs are timed apart).
    """
    held = held_by_region(follower.boxes, region, frame_size)
    followed, followed_poses = follower.without(held).follow(image, estimator)
    found = detector.detect_in(image, region)
    if len(found) and len(followed):
        overlap = box_iou(torch.from_numpy(found.boxes).float(), torch.from_numpy(followed.boxes).float())
        found = found.take((overlap < SAME_PERSON_IOU).all(dim=1).numpy())
    return followed, followed_poses, found


def join(first: tuple[Detections, Poses2D], second: tuple[Detections, Poses2D]) -> tuple[Detections, Poses2D]:
    """Two sets of people of one frame (detections with their joints) as one."""
    (d1, p1), (d2, p2) = first, second
    return (Detections.concat(d1, d2),
            Poses2D(np.concatenate([p1.keypoints, p2.keypoints]), np.concatenate([p1.scores, p2.scores]), p1.layout))


def _mean_confident_score(scores: np.ndarray, confident: np.ndarray) -> np.ndarray:
    """(N,) mean score of each person's confident joints (0 without any)."""
    return np.where(confident, scores, 0.0).sum(axis=1) / np.maximum(confident.sum(axis=1), 1)
