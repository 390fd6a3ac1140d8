"""Levelling the scene: which way is up, from the people themselves.

The camera frame's "up" (−y) is only the world's up for a level camera; a camera looking down
on a street makes every person lean back by its pitch. People mostly stand, so the median
direction from their ankles to their thorax, over everybody and every frame, is the world's
up. One rotation for the whole scene (the smallest that turns that direction to +Y) keeps
people where they are relative to each other and the camera's heading unchanged.
"""
from __future__ import annotations

import numpy as np

from common.bvh.skeleton import CAMERA_TO_BVH
from common.bvh.solver import swing
from common.skeleton import H36M17
from common.store import ResultsStore

_ANKLES = [H36M17.index("l_ankle"), H36M17.index("r_ankle")]
_THORAX = H36M17.index("thorax")
MIN_FRAMES = 10  # fewer person-frames than this: too little to tell, the camera is taken as level


def people_up(joints_mm: np.ndarray) -> np.ndarray | None:
    """Unit up direction (camera frame) from H36M-17 joints (N, 17, 3), or None with too few frames."""
    joints_mm = joints_mm[np.isfinite(joints_mm).all(axis=(1, 2))]
    if len(joints_mm) < MIN_FRAMES:
        return None
    body = joints_mm[:, _THORAX] - joints_mm[:, _ANKLES].mean(axis=1)
    body /= np.maximum(np.linalg.norm(body, axis=-1, keepdims=True), 1e-9)
    up = np.median(body, axis=0)
    return up / np.linalg.norm(up)


def levelling(up_camera: np.ndarray | None) -> np.ndarray:
    """Camera frame to a BVH world whose +Y is ``up_camera`` (CAMERA_TO_BVH when None)."""
    if up_camera is None:
        return CAMERA_TO_BVH
    return swing(CAMERA_TO_BVH @ up_camera, np.array([0.0, 1.0, 0.0])) @ CAMERA_TO_BVH


def scene_levelling(store: ResultsStore) -> np.ndarray:
    """The camera-to-BVH rotation for every person of ``store``: one up for the whole scene."""
    joints = [store.track(tid).joints3d for tid in store.track_ids()]
    return levelling(people_up(np.concatenate(joints)) if joints else None)
