"""The person's viewing frame: the camera frame turned so that the ray through the pelvis is the
optical axis.

Root-centred, scale-normalised 2D input no longer says *where* in the image a person is, so it
cannot tell the camera-frame orientation of someone seen off-axis (15–20° at the edges of a
Human3.6M frame). The models therefore predict the pose in this viewing frame, which the input does
determine; with known intrinsics the pelvis pixel gives the ray and the pose is turned back into the
camera frame (evaluation does this). Without intrinsics (the app) the viewing-frame pose is what a
camera looking straight at the person would see.
"""
from __future__ import annotations

import numpy as np


def ray_rotation(rays: np.ndarray) -> np.ndarray:
    """``(N, 3)`` unit rays → ``(N, 3, 3)`` rotations taking each ray to +z (yaw about y, then pitch
    about x, so the camera's horizontal axis stays horizontal)."""
    d = np.asarray(rays, np.float64)
    yaw = np.arctan2(d[:, 0], d[:, 2])
    pitch = np.arctan2(d[:, 1], np.hypot(d[:, 0], d[:, 2]))
    cy, sy, cp, sp = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch)
    zeros, ones = np.zeros_like(yaw), np.ones_like(yaw)
    r_yaw = np.stack([np.stack([cy, zeros, -sy], -1), np.stack([zeros, ones, zeros], -1),
                      np.stack([sy, zeros, cy], -1)], -2)
    r_pitch = np.stack([np.stack([ones, zeros, zeros], -1), np.stack([zeros, cp, -sp], -1),
                        np.stack([zeros, sp, cp], -1)], -2)
    return r_pitch @ r_yaw


def to_viewing_frame(joints3d: np.ndarray, rays: np.ndarray) -> np.ndarray:
    """Camera-frame ``(N, J, 3)`` → root-relative viewing-frame coordinates."""
    rel = joints3d - joints3d[:, :1]
    return np.einsum("nij,nkj->nki", ray_rotation(rays), rel).astype(np.float32)


def from_viewing_frame(joints3d: np.ndarray, rays: np.ndarray) -> np.ndarray:
    """Inverse of :func:`to_viewing_frame` (root-relative, camera frame)."""
    return np.einsum("nji,nkj->nki", ray_rotation(rays), joints3d).astype(np.float32)
