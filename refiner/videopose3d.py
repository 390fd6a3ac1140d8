"""Loader for the common VideoPose3D layout of Human3.6M, for users who have the official data.

``data_3d_h36m.npz`` holds ``positions_3d[subject][action]`` → ``(N, 32, 3)`` world metres and
``data_2d_h36m_<name>.npz`` holds ``positions_2d[subject][action]`` → list of 4 ``(N, 17, 2)`` pixel
arrays in the camera order 54138969, 55011271, 58860488, 60457274 (H36M-17 joint order).
These files store Python dicts, so they can only be read with ``allow_pickle=True``: load only
files you trust (your own copy of the official preprocessing output).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from refiner.camera import Camera, get_camera
from refiner.h36m_data import DatasetError, ViewSequence, pelvis_rays

CAMERA_ORDER = ("54138969", "55011271", "58860488", "60457274")
# The 17 of the 32 Human3.6M mocap joints that make H36M-17 (same as VideoPose3D's remove_joints).
J17 = np.array([0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27])


def _load_dict(path: Path, key: str) -> dict:
    if not path.is_file():
        raise DatasetError(f"VideoPose3D file not found: {path}")
    with np.load(path, allow_pickle=True) as data:
        if key not in data:
            raise DatasetError(f"{path} has no {key!r} entry (keys: {list(data.keys())})")
        return data[key].item()


def is_videopose3d_dir(data_dir: str | Path) -> bool:
    return (Path(data_dir) / "data_3d_h36m.npz").is_file()


def load_videopose3d_views(path_3d: str | Path, cameras: dict[str, dict[str, Camera]], subjects: list[str],
                           path_2d: str | Path | None = None) -> list[ViewSequence]:
    """Views with camera-frame mm 3D and 2D from ``path_2d`` (or projected ground truth when None)."""
    poses = _load_dict(Path(path_3d), "positions_3d")
    poses_2d = _load_dict(Path(path_2d), "positions_2d") if path_2d else None
    missing = [s for s in subjects if s not in poses]
    if missing:
        raise DatasetError(f"subjects {missing} not in {path_3d}; available: {sorted(poses)}")
    views = []
    for subject in subjects:
        for action, world in sorted(poses[subject].items()):
            world = np.asarray(world, np.float64)
            world_mm = (world[:, J17] if world.shape[1] == 32 else world) * 1000.0
            for cam_index, cam_id in enumerate(CAMERA_ORDER):
                cam = get_camera(cameras, subject, cam_id)
                cam3d = cam.world_to_camera(world_mm)
                if poses_2d is not None:
                    joints2d = np.asarray(poses_2d[subject][action][cam_index], np.float32)[:len(cam3d)]
                    if joints2d.shape[1:] != (17, 2):
                        raise DatasetError(f"{path_2d}: {subject}/{action} cam {cam_id} is {joints2d.shape}, "
                                           "expected (N, 17, 2) in H36M-17 order")
                else:
                    joints2d = cam.project(cam3d).astype(np.float32)
                n = len(joints2d)
                views.append(ViewSequence(f"{subject}/{action}", cam, cam3d[:n].astype(np.float32), joints2d,
                                          np.ones((n, 17), bool), np.arange(n), pelvis_rays(cam, joints2d)))
    return views
