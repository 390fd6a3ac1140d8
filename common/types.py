"""Plain data passed between pipeline stages.

Every stage takes and returns these dataclasses so that stages stay independent of each other,
of Qt and of files. Arrays are numpy; coordinates follow the conventions in docs/DESIGN notes:
boxes are ``xyxy`` float pixels in the original frame, 2D joints are pixels, 3D joints are
millimetres in the camera frame (x right, y down, z forward), root-relative.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _as(array: np.ndarray | None, shape_tail: tuple[int, ...], dtype=np.float32) -> np.ndarray:
    """Coerce to ``dtype`` and check the trailing shape, so a bad array fails where it is made."""
    with np.errstate(over="ignore"):  # absurd values become inf, which stages treat as invalid
        out = np.asarray(array if array is not None else np.zeros((0, *shape_tail)), dtype=dtype)
    if out.ndim != 1 + len(shape_tail) or (shape_tail and out.shape[1:] != shape_tail):
        raise ValueError(f"expected shape (N, {', '.join(map(str, shape_tail))}), got {out.shape}")
    return out


@dataclass
class Frame:
    """One decoded RGB frame with its position in the stream."""

    index: int
    timestamp: float  # seconds from the start of the stream
    image: np.ndarray  # (H, W, 3) uint8 RGB

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])


@dataclass
class Detections:
    """People found in one frame by the detector."""

    boxes: np.ndarray  # (N, 4) xyxy px
    scores: np.ndarray  # (N,)
    keypoints: np.ndarray | None = None  # (N, 17, 3) coarse COCO-17 (x px, y px, score), if any

    def __post_init__(self) -> None:
        self.boxes = _as(self.boxes, (4,))
        self.scores = _as(self.scores, ())
        if len(self.scores) != len(self.boxes):
            raise ValueError("boxes and scores differ in length")
        if self.keypoints is not None:
            self.keypoints = _as(self.keypoints, (17, 3))

    def __len__(self) -> int:
        return len(self.boxes)

    @staticmethod
    def empty() -> "Detections":
        return Detections(np.zeros((0, 4)), np.zeros((0,)))

    def take(self, index: np.ndarray) -> "Detections":
        """The detections at ``index`` (indices or a boolean mask)."""
        return Detections(self.boxes[index], self.scores[index], None if self.keypoints is None else self.keypoints[index])

    @staticmethod
    def concat(*parts: "Detections") -> "Detections":
        """All detections of ``parts`` in order; keypoints kept when every non-empty part has them."""
        parts = tuple(d for d in parts if len(d))
        if not parts:
            return Detections.empty()
        keypoints = None
        if all(d.keypoints is not None for d in parts):
            keypoints = np.concatenate([d.keypoints for d in parts])
        return Detections(np.concatenate([d.boxes for d in parts]), np.concatenate([d.scores for d in parts]),
                          keypoints)


@dataclass
class Tracks:
    """Tracker output for one frame: the confirmed tracks with their ids."""

    ids: np.ndarray  # (N,) int64, never reused within a stream
    boxes: np.ndarray  # (N, 4) xyxy px (the tracker's estimate)
    scores: np.ndarray  # (N,) score of the matched detection
    det_indices: np.ndarray  # (N,) index into the frame's Detections, -1 if none matched

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=np.int64).reshape(-1)
        self.boxes = _as(self.boxes, (4,))
        self.scores = _as(self.scores, ())
        self.det_indices = np.asarray(self.det_indices, dtype=np.int64).reshape(-1)
        if not len(self.ids) == len(self.boxes) == len(self.scores) == len(self.det_indices):
            raise ValueError("track arrays differ in length")

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def empty() -> "Tracks":
        return Tracks(np.zeros(0), np.zeros((0, 4)), np.zeros(0), np.zeros(0))


@dataclass
class Poses2D:
    """2D joints of N people in one layout (see common.skeleton)."""

    keypoints: np.ndarray  # (N, J, 2) px
    scores: np.ndarray  # (N, J) in [0, 1]
    layout: str  # a name in common.skeleton.LAYOUTS

    def __post_init__(self) -> None:
        self.keypoints = np.asarray(self.keypoints, dtype=np.float32)
        self.scores = np.asarray(self.scores, dtype=np.float32)
        if self.keypoints.ndim != 3 or self.keypoints.shape[2] != 2:
            raise ValueError(f"keypoints must be (N, J, 2), got {self.keypoints.shape}")
        if self.scores.shape != self.keypoints.shape[:2]:
            raise ValueError("scores must be (N, J) matching keypoints")

    def __len__(self) -> int:
        return len(self.keypoints)


@dataclass
class Poses3D:
    """Root-relative 3D joints (mm, camera frame) of N people, H36M-17 layout."""

    joints: np.ndarray  # (N, 17, 3) mm, joint 0 (pelvis) at the origin
    root: np.ndarray | None = None  # (N, 3) mm, estimated pelvis position in the camera frame

    def __post_init__(self) -> None:
        self.joints = _as(self.joints, (17, 3))
        if self.root is not None:
            self.root = _as(self.root, (3,))

    def __len__(self) -> int:
        return len(self.joints)


@dataclass
class FrameResult:
    """Everything computed for one frame, one row per tracked person."""

    index: int
    timestamp: float
    track_ids: np.ndarray  # (N,) int64
    boxes: np.ndarray  # (N, 4) xyxy px
    box_scores: np.ndarray  # (N,)
    poses2d: Poses2D | None = None
    poses3d: Poses3D | None = None
    frame_size: tuple[int, int] = (0, 0)  # (width, height)
    extras: dict = field(default_factory=dict)  # per-stage timings etc., not saved

    def __post_init__(self) -> None:
        self.track_ids = np.asarray(self.track_ids, dtype=np.int64).reshape(-1)
        self.boxes = _as(self.boxes, (4,))
        self.box_scores = _as(self.box_scores, ())
        n = len(self.track_ids)
        for name, part in (("poses2d", self.poses2d), ("poses3d", self.poses3d)):
            if part is not None and len(part) != n:
                raise ValueError(f"{name} has {len(part)} people, expected {n}")

    def __len__(self) -> int:
        return len(self.track_ids)
