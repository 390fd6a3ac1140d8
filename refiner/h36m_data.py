"""Human3.6M loader for the ``shared/data/h36m`` layout: per-subject world-mm mocap npz files,
Stacked-Hourglass detections npz and ``h36m_cameras.json``.

Files are recognised by what they hold, never by their names: a mocap npz has keys
``"S1/Walking 1"`` → ``(N, 17, 3)``, an SH npz has keys ``"S1/Walking 1/54138969"`` → ``(M, 16, 2)``.
Subjects are read from those keys, so any directory with the same kinds of files works.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from refiner.camera import Camera, CameraError, get_camera, load_cameras

# Stacked-Hourglass 16-joint order → H36M-17 indices (SOURCES.md §1); H36M neck/nose (9) has no SH joint.
SH_TO_H36M_SRC = np.array([6, 2, 1, 0, 3, 4, 5, 7, 8, 9, 13, 14, 15, 12, 11, 10])
SH_TO_H36M_DST = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16])
SH_STRIDE = 5  # SH detections exist for original frames 0, 5, 10, …


class DatasetError(ValueError):
    """A data directory, file or subject that cannot be used."""


@dataclass
class ViewSequence:
    """One sequence seen by one camera: camera-frame 3D and its 2D input, frame-aligned."""

    sequence: str  # "S8/Walking 1"
    camera: Camera
    joints3d: np.ndarray  # (N, 17, 3) camera-frame mm
    joints2d: np.ndarray  # (N, 17, 2) px (projected ground truth or a detector's output)
    visible: np.ndarray  # (N, 17) bool: which 2D joints are observed
    frames: np.ndarray  # (N,) original 50 Hz frame indices
    rays: np.ndarray  # (N, 3) camera-frame unit ray through the 2D pelvis (mid-hips), see viewing_frame

    @property
    def subject(self) -> str:
        return self.sequence.split("/")[0]

    @property
    def camera_id(self) -> str:
        return self.camera.id


@dataclass
class H36MFiles:
    """The files of a data directory, classified by content."""

    poses3d: list[Path]
    detections: list[Path]
    cameras: Path


def _key_depth(path: Path) -> int | None:
    """2 for a mocap npz ("S1/Walking"), 3 for a detections npz ("S1/Walking/cam"), None otherwise."""
    with np.load(path) as data:
        keys = list(data.keys())
    depths = {k.count("/") + 1 for k in keys}
    return depths.pop() if len(depths) == 1 and keys and keys[0].startswith("S") else None


def find_files(data_dir: str | Path) -> H36MFiles:
    """Classify the npz/json files of ``data_dir``; errors say what is missing."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DatasetError(f"data directory not found: {data_dir}")
    poses3d, detections = [], []
    for path in sorted(data_dir.glob("*.npz")):
        depth = _key_depth(path)
        if depth == 2:
            poses3d.append(path)
        elif depth == 3:
            detections.append(path)
    cameras = [p for p in sorted(data_dir.glob("*.json")) if '"R_w2c"' in p.read_text()]
    if not poses3d:
        raise DatasetError(f"{data_dir}: no mocap npz (keys like 'S1/Walking' → (N,17,3)) found")
    if not cameras:
        raise DatasetError(f"{data_dir}: no camera json with 'R_w2c' entries found")
    return H36MFiles(poses3d, detections, cameras[0])


def subjects_in(files: H36MFiles) -> list[str]:
    """Subjects that have mocap, read from the npz keys."""
    found = set()
    for path in files.poses3d:
        with np.load(path) as data:
            found.update(k.split("/")[0] for k in data.keys())
    return sorted(found, key=lambda s: (len(s), s))


def load_poses3d(files: H36MFiles, subjects: list[str]) -> dict[str, np.ndarray]:
    """World-mm mocap ``{"S8/Walking 1": (N, 17, 3)}`` for the requested subjects."""
    wanted = set(subjects)
    out: dict[str, np.ndarray] = {}
    for path in files.poses3d:
        with np.load(path) as data:
            for key in data.keys():
                if key.split("/")[0] in wanted:
                    arr = data[key]
                    if arr.ndim != 3 or arr.shape[1:] != (17, 3):
                        raise DatasetError(f"{path}: {key} has shape {arr.shape}, expected (N, 17, 3)")
                    out[key] = arr.astype(np.float32)
    missing = wanted - {k.split("/")[0] for k in out}
    if missing:
        raise DatasetError(f"subjects {sorted(missing)} not found in mocap files; "
                           f"available: {subjects_in(files)}")
    return dict(sorted(out.items()))


def load_detections(files: H36MFiles, subjects: list[str]) -> dict[str, np.ndarray]:
    """SH detections ``{"S8/Walking 1/54138969": (M, 16, 2)}`` (row i is frame 5·i)."""
    if not files.detections:
        raise DatasetError("no Stacked-Hourglass npz (keys like 'S1/Walking/54138969') in the data directory")
    wanted = set(subjects)
    out: dict[str, np.ndarray] = {}
    for path in files.detections:
        with np.load(path) as data:
            for key in data.keys():
                if key.split("/")[0] in wanted:
                    out[key] = data[key].astype(np.float32)
    return out


def sh_to_h36m17(sh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SH 16 joints ``(M, 16, 2)`` → H36M-17 ``(M, 17, 2)`` and visibility (neck/nose unobserved)."""
    out = np.zeros((*sh.shape[:-2], 17, 2), np.float32)
    out[..., SH_TO_H36M_DST, :] = sh[..., SH_TO_H36M_SRC, :]
    visible = np.zeros(out.shape[:-1], bool)
    visible[..., SH_TO_H36M_DST] = True
    return out, visible


def pelvis_rays(camera: Camera, joints2d: np.ndarray) -> np.ndarray:
    """Viewing rays ``(N, 3)`` through the mid-hip pixel (the pelvis of every input style)."""
    return camera.pixel_rays((joints2d[:, 1] + joints2d[:, 4]) / 2).astype(np.float32)


def camera_views(poses3d: dict[str, np.ndarray], cameras: dict[str, dict[str, Camera]],
                 camera_ids: list[str] | None = None, stride: int = 1) -> list[ViewSequence]:
    """Every (sequence, camera) pair with camera-frame 3D and projected ground-truth 2D."""
    views = []
    for sequence, world in poses3d.items():
        subject = sequence.split("/")[0]
        if subject not in cameras:
            raise CameraError(f"no cameras for subject {subject!r} in the camera file")
        for cam_id in camera_ids or sorted(cameras[subject]):
            cam = get_camera(cameras, subject, cam_id)
            frames = np.arange(0, len(world), stride)
            cam3d = cam.world_to_camera(world[frames])
            joints2d = cam.project(cam3d).astype(np.float32)
            views.append(ViewSequence(sequence, cam, cam3d.astype(np.float32), joints2d,
                                      np.ones((len(frames), 17), bool), frames, pelvis_rays(cam, joints2d)))
    return views


def detection_views(poses3d: dict[str, np.ndarray], detections: dict[str, np.ndarray],
                    cameras: dict[str, dict[str, Camera]],
                    camera_ids: list[str] | None = None) -> list[ViewSequence]:
    """(sequence, camera) pairs with SH detections as 2D input, at the frames that have them."""
    views = []
    for sequence, world in poses3d.items():
        subject = sequence.split("/")[0]
        for cam_id in camera_ids or sorted(cameras.get(subject, {})):
            cam = get_camera(cameras, subject, cam_id)
            key = f"{sequence}/{cam_id}"
            if key not in detections:
                continue
            frames = np.arange(0, len(world), SH_STRIDE)
            n = min(len(frames), len(detections[key]))
            joints2d, visible = sh_to_h36m17(detections[key][:n])
            views.append(ViewSequence(sequence, cam, cam.world_to_camera(world[frames[:n]]).astype(np.float32),
                                      joints2d, visible, frames[:n], pelvis_rays(cam, joints2d)))
    return views


def load_views(data_dir: str | Path, subjects: list[str], source: str = "gt",
               camera_ids: list[str] | None = None, stride: int = 1) -> list[ViewSequence]:
    """Views of ``subjects`` with 2D from ``source``: ``"gt"`` (projected mocap) or ``"sh"`` (detections)."""
    files = find_files(data_dir)
    cameras = load_cameras(files.cameras)
    poses3d = load_poses3d(files, subjects)
    if source == "gt":
        return camera_views(poses3d, cameras, camera_ids, stride)
    if source == "sh":
        views = detection_views(poses3d, load_detections(files, subjects), cameras, camera_ids)
        if not views:
            raise DatasetError(f"no SH detections for subjects {subjects} in {data_dir}")
        return views
    raise ValueError(f"unknown 2D source {source!r}; use 'gt' or 'sh'")
