"""Human3.6M as mmpose's ``test_h36m_body3d.npz`` + ``cameras.pkl`` (its test fixtures' format).

``imgname`` (paths relative to the folder), ``center`` px, ``scale`` (box side / 200), ``part``
(J×3: u, v, visibility) and ``S`` (J×4: camera-frame metres + visibility), H36M-17 order. The
camera id and subject are parsed from the image name (``S1_Directions_1.54138969_000001.jpg``) to
look up the intrinsics in ``cameras.pkl`` (read with the restricted unpickler).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pose.datasets.safe_pickle import load_pickle
from pose.datasets.sample import DatasetError, PoseSample


def load_mmpose_h36m(root: str | Path, annotation: str = "test_h36m_body3d") -> list[PoseSample]:
    root = Path(root)
    npz, cams_file = root / f"{annotation}.npz", root / "cameras.pkl"
    for needed in (npz, cams_file):
        if not needed.is_file():
            raise DatasetError(f"mmpose H36M layout needs {needed}")
    with np.load(npz, allow_pickle=False) as data:
        missing = [k for k in ("imgname", "center", "scale", "part", "S") if k not in data.files]
        if missing:
            raise DatasetError(f"{npz}: missing array(s) {missing}")
        names, centers, scales = data["imgname"], data["center"], data["scale"]
        parts, cam_joints = data["part"], data["S"]
    cameras = load_pickle(cams_file)
    samples = []
    for i, name in enumerate(names):
        stem = Path(str(name)).stem  # S1_Directions_1.54138969_000001
        sequence, camera_id = stem.rsplit("_", 1)[0].rsplit(".", 1)
        subject, action = sequence.split("_", 1)
        if (subject, camera_id) not in cameras:
            raise DatasetError(f"{cams_file}: no camera {(subject, camera_id)} for {name}")
        cam = cameras[(subject, camera_id)]
        joints_cam = np.asarray(cam_joints[i, :, :3], np.float64) * 1000.0
        samples.append(PoseSample(
            image=root / str(name), center=np.asarray(centers[i], np.float64),
            size=float(scales[i]) * 200.0, joints_2d=np.asarray(parts[i, :, :2], np.float64),
            visible=(parts[i, :, 2] > 0).astype(np.float32),
            sequence=f"{subject}/{action.replace('_', ' ')}",
            depth=joints_cam[:, 2] - joints_cam[0, 2], joints_cam=joints_cam,
            focal=np.asarray(cam["f"], np.float64).reshape(2), principal=np.asarray(cam["c"], np.float64).reshape(2)))
    return samples
