"""The scene's axes in the file: upright, with the floor at Y = 0, found from the people themselves.

The camera frame's "up" (−y) is only the world's up for a level camera; a camera looking down
on a street makes every person lean back by its pitch. People mostly stand, so the median
direction from their ankles to their thorax, over everybody and every frame, is the world's
up. One rotation for the whole scene (the smallest that turns that direction to +Y) keeps
people where they are relative to each other and the camera's heading unchanged. The floor is
then the median height of the lower ankle of every placed person-frame: it goes to Y = 0, so the
camera sits at (0, camera height, 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from common.bvh.skeleton import CAMERA_TO_BVH
from common.bvh.solver import swing
from common.skeleton import H36M17
from common.store import ResultsStore

_ANKLES = [H36M17.index("l_ankle"), H36M17.index("r_ankle")]
_THORAX = H36M17.index("thorax")
MIN_FRAMES = 10  # fewer person-frames than this: too little to tell, the camera is taken as level


@dataclass(frozen=True)
class SceneAxes:
    """Camera frame (mm) to the file's world (mm; the file stores cm): a rotation, then a lift."""

    rotation: np.ndarray = field(default_factory=lambda: CAMERA_TO_BVH)  # (3, 3) camera axes to Y-up world
    camera_height_mm: float = 0.0  # the world's Y of the camera, i.e. its height above the floor

    def to_world(self, points_mm: np.ndarray) -> np.ndarray:
        return points_mm @ self.rotation.T + np.array([0.0, self.camera_height_mm, 0.0])

    def to_camera(self, points_mm: np.ndarray) -> np.ndarray:
        return (points_mm - np.array([0.0, self.camera_height_mm, 0.0])) @ self.rotation


CAMERA_AXES = SceneAxes()  # the camera's own axes turned Y-up, camera at the origin: no levelling


def people_up(joints_mm: np.ndarray) -> np.ndarray | None:
    """Unit up direction (camera frame) from H36M-17 joints (N, 17, 3), or None with too few frames."""
    joints_mm = joints_mm[np.isfinite(joints_mm).all(axis=(1, 2))]
    if len(joints_mm) < MIN_FRAMES:
        return None
    body = joints_mm[:, _THORAX] - joints_mm[:, _ANKLES].mean(axis=1)
    body /= np.maximum(np.linalg.norm(body, axis=-1, keepdims=True), 1e-9)
    up = np.median(body, axis=0)
    return up / np.linalg.norm(up)


def levelled_axes(joints_mm: np.ndarray, placed_mm: np.ndarray) -> SceneAxes:
    """Axes from everybody's root-relative joints (N, 17, 3) and their placed joints (M, 17, 3)."""
    up = people_up(joints_mm)
    if up is None:
        return CAMERA_AXES
    rotation = swing(CAMERA_TO_BVH @ up, np.array([0.0, 1.0, 0.0])) @ CAMERA_TO_BVH
    placed_mm = placed_mm[np.isfinite(placed_mm).all(axis=(1, 2))]
    if len(placed_mm) < MIN_FRAMES:
        return SceneAxes(rotation)
    ankle_heights = (placed_mm[:, _ANKLES] @ rotation.T)[..., 1].min(axis=1)
    return SceneAxes(rotation, float(-np.median(ankle_heights)))


def scene_axes(store: ResultsStore) -> SceneAxes:
    """The levelled axes for every person of ``store``: one up and one floor for the whole scene."""
    tracks = [store.track(tid) for tid in store.track_ids()]
    if not tracks:
        return CAMERA_AXES
    joints = np.concatenate([t.joints3d for t in tracks])
    placed = np.concatenate([t.joints3d + t.root3d[:, None] for t in tracks])
    return levelled_axes(joints, placed)
