"""MPII Human Pose as 2D-only H36M-17 samples, for mixing into training (depth term masked).

Layout (as the seed, after HRNet / Simple Baselines): ``<root>/annot/{train,valid}.json``, a list of
``{"image", "center", "scale", "joints": 16×2, "joints_vis": 16}`` with MATLAB 1-based pixels, and
``<root>/images/<image>``. MPII's spine/neck have no H36M-17 counterpart and stay unlabelled;
MPII thorax → thorax and head top → head, as the integral-regression code mixes them.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pose.datasets.sample import DatasetError, PoseSample

# H36M-17 index → MPII-16 index (-1: no counterpart).
MPII_FOR_H36M = np.array([6, 2, 1, 0, 3, 4, 5, -1, 7, -1, 9, 13, 14, 15, 12, 11, 10])
BOX_PADDING = 1.25  # HRNet/Simple Baselines enlarge MPII's person scale by this factor


def load_mpii(root: str | Path, image_set: str = "train") -> list[PoseSample]:
    root = Path(root)
    path = root / "annot" / f"{image_set}.json"
    if not path.is_file():
        raise DatasetError(f"MPII annotations not found: {path}")
    try:
        records = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise DatasetError(f"{path}: not valid JSON ({err})") from err
    samples = []
    for index, rec in enumerate(records):
        try:
            joints = np.asarray(rec["joints"], np.float64).reshape(16, 2) - 1.0
            vis = np.asarray(rec["joints_vis"], np.float64).reshape(16)
            center = np.asarray(rec["center"], np.float64).reshape(2) - 1.0
            size = float(rec["scale"]) * 200.0 * BOX_PADDING
            image = root / "images" / rec["image"]
        except (KeyError, TypeError, ValueError) as err:
            raise DatasetError(f"{path}: record {index} is not an MPII record ({err})") from err
        has = MPII_FOR_H36M >= 0
        joints_2d = np.zeros((17, 2))
        visible = np.zeros(17, np.float32)
        joints_2d[has] = joints[MPII_FOR_H36M[has]]
        visible[has] = vis[MPII_FOR_H36M[has]] > 0
        samples.append(PoseSample(image=image, center=center, size=size, joints_2d=joints_2d,
                                  visible=visible, sequence="MPII"))
    return samples
