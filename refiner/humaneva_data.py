"""HumanEva-I tracks (VideoPose3D preprocessing, shared/data/humaneva) as the lifters see them.

Cross-dataset data: another lab, other cameras (640×480, 60 Hz), other actors and a 15-joint
skeleton. Each (chunk, camera) is one track of 2D ground truth mapped to H36M-17; HumanEva has no
spine and no neck/nose, so those are unobserved, and the 'sh' input style re-derives pelvis,
thorax and spine from hips and shoulders and keeps the head, as for Stacked-Hourglass input. The 3D
is world-frame (no intrinsics are shipped), which is why evaluation uses P-MPJPE (Procrustes
removes the camera rotation).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

HUMANEVA_HZ = 60.0
FILE_NAME = "humaneva15_vp3d_3d_m_world_and_2d_gt_px.npz"
# H36M-17 index of each HumanEva-15 joint (pelvis, thorax, l_sho, l_elb, l_wri, r_sho, r_elb, r_wri,
# l_hip, l_knee, l_ank, r_hip, r_knee, r_ank, head).
H36M_OF_HUMANEVA = np.array([0, 8, 11, 12, 13, 14, 15, 16, 4, 5, 6, 1, 2, 3, 10])
INPUT_STYLE = "sh"


@dataclass
class HumanEvaTrack:
    """One chunk seen by one camera."""

    split: str  # Train / Validate
    subject: str
    sequence: str  # e.g. "Walking 1 chunk0"
    camera: str  # C1..C3
    joints2d: np.ndarray  # (N, 17, 2) px, H36M-17 order (unobserved joints 0)
    visible: np.ndarray  # (N, 17) bool
    joints3d: np.ndarray  # (N, 15, 3) world mm, HumanEva-15 order

    @property
    def action(self) -> str:
        return self.sequence.split(" ")[0]

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.joints2d)) / HUMANEVA_HZ


def to_h36m17(joints15: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """HumanEva-15 2D ``(N, 15, 2)`` → H36M-17 ``(N, 17, 2)`` and visibility (spine, neck/nose unobserved)."""
    out = np.zeros((len(joints15), 17, 2), np.float32)
    visible = np.zeros((len(joints15), 17), bool)
    out[:, H36M_OF_HUMANEVA] = joints15
    visible[:, H36M_OF_HUMANEVA] = np.isfinite(joints15).all(-1)
    return out, visible


def load_humaneva(data_dir: str | Path, split: str, subjects: list[str] | None = None) -> list[HumanEvaTrack]:
    """Every (chunk, camera) track of ``split`` ('Train' or 'Validate'), optionally of some subjects."""
    path = Path(data_dir)
    path = path / FILE_NAME if path.is_dir() else path
    if not path.exists():
        raise FileNotFoundError(f"HumanEva file not found: {path} (see shared/data/SOURCES.md §3)")
    tracks = []
    with np.load(path) as data:
        for key in sorted(k for k in data.files if k.startswith(f"2d/{split}/")):
            _, _, subject, sequence, camera = key.split("/")
            if subjects and subject not in subjects:
                continue
            joints2d, visible = to_h36m17(data[key].astype(np.float32))
            joints3d = data[f"3d/{split}/{subject}/{sequence}"].astype(np.float32) * 1000.0
            if len(joints3d) != len(joints2d):
                raise ValueError(f"{key}: {len(joints2d)} 2D frames but {len(joints3d)} 3D frames")
            tracks.append(HumanEvaTrack(split, subject, sequence, camera, joints2d, visible, joints3d))
    if not tracks:
        raise ValueError(f"no HumanEva tracks of split {split!r} (subjects {subjects}) in {path}")
    return tracks
