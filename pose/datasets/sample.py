"""One annotated person in one image, the common currency of every dataset loader."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


class DatasetError(ValueError):
    """A dataset that is missing, in the wrong layout, or holds a record that cannot be used."""


@dataclass
class PoseSample:
    """A person box in an image with its H36M-17 joints.

    ``depth`` is each joint's camera-frame depth minus the root's (mm); it is None for 2D-only
    samples (MPII), whose depth term is masked in the loss. ``focal``/``principal``/``root_cam``
    are present for 3D samples so that predictions can be back-projected to the camera frame and
    compared with ``joints_cam`` (Protocol #1/#2).
    """

    image: Path
    center: np.ndarray  # (2,) px, centre of the square crop region
    size: float  # side of the square crop region in px
    joints_2d: np.ndarray  # (J, 2) px in the image
    visible: np.ndarray  # (J,) 1 = labelled, 0 = unknown
    sequence: str  # 'S9/Walking 1', 'MPII', … (per-action tables pool by action name)
    depth: np.ndarray | None = None  # (J,) mm relative to the root joint
    joints_cam: np.ndarray | None = None  # (J, 3) mm, camera frame (ground truth)
    focal: np.ndarray | None = None  # (2,) px
    principal: np.ndarray | None = None  # (2,) px

    @property
    def has_3d(self) -> bool:
        return self.depth is not None


def back_project(uv: np.ndarray, depth: np.ndarray, focal: np.ndarray, principal: np.ndarray) -> np.ndarray:
    """Pinhole back-projection of pixels ``(..., 2)`` at camera depths ``(...)`` mm → ``(..., 3)`` mm."""
    xy = (np.asarray(uv, np.float64) - principal) / focal * np.asarray(depth, np.float64)[..., None]
    return np.concatenate([xy, np.asarray(depth, np.float64)[..., None]], axis=-1)


def project(points_cam: np.ndarray, focal: np.ndarray, principal: np.ndarray) -> np.ndarray:
    """Pinhole projection of camera-frame points ``(..., 3)`` mm → pixels ``(..., 2)``."""
    points_cam = np.asarray(points_cam, np.float64)
    return points_cam[..., :2] / points_cam[..., 2:3] * focal + principal


def root_box(root_cam: np.ndarray, focal: np.ndarray, principal: np.ndarray, rect_mm: float
             ) -> tuple[np.ndarray, float]:
    """The seed's crop region: a ``rect_mm`` square around the root, at the root's depth, projected."""
    center = project(root_cam, focal, principal)
    return center, float(rect_mm * np.mean(focal) / root_cam[2])
