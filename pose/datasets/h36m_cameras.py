"""Human3.6M camera parameters from a JSON file in the layout of ``shared/data/h36m/h36m_cameras.json``.

``{subject: {camera_id: {"R_w2c": 3×3, "T": camera centre in world mm, "f": [fx, fy], "c": [cx, cy]}}}``;
``X_cam = R_w2c @ (X_world − T)``. (VideoPose3D hard-codes the same numbers in ``h36m_dataset.py``.)
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pose.datasets.sample import DatasetError


@dataclass(frozen=True)
class Camera:
    rotation: np.ndarray  # (3, 3) world → camera
    centre: np.ndarray  # (3,) mm, camera centre in world coordinates
    focal: np.ndarray  # (2,) px
    principal: np.ndarray  # (2,) px

    def world_to_camera(self, points: np.ndarray) -> np.ndarray:
        """``(..., 3)`` world mm → camera-frame mm."""
        return (np.asarray(points, np.float64) - self.centre) @ self.rotation.T


def load_h36m_cameras(path: str | Path) -> dict[tuple[str, str], Camera]:
    """All cameras keyed by ``(subject, camera_id)``."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"camera file not found: {path} (DATASET.CAMERAS)")
    try:
        tree = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise DatasetError(f"{path}: not valid JSON ({err})") from err
    cameras = {}
    for subject, per_camera in tree.items():
        if subject.startswith("_"):
            continue
        for cam_id, p in per_camera.items():
            try:
                cameras[(subject, cam_id)] = Camera(
                    np.asarray(p["R_w2c"], np.float64).reshape(3, 3), np.asarray(p["T"], np.float64).reshape(3),
                    np.asarray(p["f"], np.float64).reshape(2), np.asarray(p["c"], np.float64).reshape(2))
            except (KeyError, TypeError, ValueError) as err:
                raise DatasetError(f"{path}: camera {subject}/{cam_id} lacks or mangles {err}") from err
    return cameras
