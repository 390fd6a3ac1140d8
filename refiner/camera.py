"""Human3.6M camera model: world → camera frame and the radial/tangential distortion projection.

Conventions (shared/data/SOURCES.md §1): ``X_cam = R_w2c @ (X_world − T)`` in mm, then
``u = f * distort(X_cam[:2] / X_cam[2]) + c`` with the 3d-pose-baseline distortion model.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class CameraError(ValueError):
    """A camera file, subject or camera id that cannot be used."""


@dataclass(frozen=True)
class Camera:
    """Intrinsics and extrinsics of one Human3.6M camera for one subject."""

    id: str
    R_w2c: np.ndarray  # (3, 3) world → camera rotation
    T: np.ndarray  # (3,) camera centre in world mm
    f: np.ndarray  # (2,) focal length px
    c: np.ndarray  # (2,) principal point px
    k: np.ndarray  # (3,) radial distortion
    p: np.ndarray  # (2,) tangential distortion
    width: int
    height: int

    def world_to_camera(self, points_world: np.ndarray) -> np.ndarray:
        """``(..., 3)`` world mm → camera-frame mm."""
        return (np.asarray(points_world, np.float64) - self.T) @ self.R_w2c.T

    def camera_to_world(self, points_cam: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`world_to_camera`."""
        return np.asarray(points_cam, np.float64) @ self.R_w2c + self.T

    def project(self, points_cam: np.ndarray) -> np.ndarray:
        """Camera-frame mm ``(..., 3)`` → distorted pixels ``(..., 2)``."""
        points_cam = np.asarray(points_cam, np.float64)
        xy = points_cam[..., :2] / points_cam[..., 2:3]
        r2 = (xy ** 2).sum(axis=-1, keepdims=True)
        radial = 1 + self.k[0] * r2 + self.k[1] * r2 ** 2 + self.k[2] * r2 ** 3
        tan = self.p[0] * xy[..., 1:2] + self.p[1] * xy[..., 0:1]
        xy_d = xy * (radial + tan) + np.array([self.p[1], self.p[0]]) * r2
        return self.f * xy_d + self.c

    def pixel_rays(self, uv: np.ndarray, iterations: int = 20) -> np.ndarray:
        """Distorted pixels ``(..., 2)`` → unit viewing rays ``(..., 3)`` in the camera frame.

        Inverts the distortion by fixed-point iteration (converges for H36M's mild distortion).
        """
        xy_d = (np.asarray(uv, np.float64) - self.c) / self.f
        xy = xy_d.copy()
        for _ in range(iterations):
            r2 = (xy ** 2).sum(axis=-1, keepdims=True)
            radial = 1 + self.k[0] * r2 + self.k[1] * r2 ** 2 + self.k[2] * r2 ** 3
            tan = self.p[0] * xy[..., 1:2] + self.p[1] * xy[..., 0:1]
            xy = (xy_d - np.array([self.p[1], self.p[0]]) * r2) / (radial + tan)
        rays = np.concatenate([xy, np.ones_like(xy[..., :1])], axis=-1)
        return rays / np.linalg.norm(rays, axis=-1, keepdims=True)


def load_cameras(path: str | Path) -> dict[str, dict[str, Camera]]:
    """Read ``h36m_cameras.json`` into ``{subject: {camera_id: Camera}}``."""
    path = Path(path)
    if not path.is_file():
        raise CameraError(f"camera file not found: {path}")
    raw = json.loads(path.read_text())
    cameras: dict[str, dict[str, Camera]] = {}
    for subject, cams in raw.items():
        if subject.startswith("_"):
            continue
        try:
            cameras[subject] = {
                cam_id: Camera(cam_id, np.array(c["R_w2c"], np.float64), np.array(c["T"], np.float64),
                               np.array(c["f"], np.float64), np.array(c["c"], np.float64),
                               np.array(c["k"], np.float64), np.array(c["p"], np.float64),
                               int(c["width"]), int(c["height"]))
                for cam_id, c in cams.items()}
        except KeyError as err:
            raise CameraError(f"{path}: subject {subject} lacks camera field {err}") from err
    return cameras


def get_camera(cameras: dict[str, dict[str, Camera]], subject: str, camera_id: str) -> Camera:
    """One camera, with an error that names what exists when the lookup fails."""
    if subject not in cameras:
        raise CameraError(f"no cameras for subject {subject!r}; known: {sorted(cameras)}")
    if camera_id not in cameras[subject]:
        raise CameraError(f"camera id {camera_id!r} does not exist for {subject}; "
                          f"known: {sorted(cameras[subject])}")
    return cameras[subject][camera_id]
