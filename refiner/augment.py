"""Training-time input augmentation, applied per batch on the ground-truth 2D joints.

Mixing input styles and randomly masking joints teaches the models the detector-style input
(COCO-derived torso, no head joints) and missing joints they meet at inference; left/right flips
double the pose variety.
"""
from __future__ import annotations

import torch

from common.skeleton import H36M17
from refiner.inputs import STYLES, apply_style

FLIP = torch.as_tensor(H36M17.flip_permutation)
MIRROR_X = torch.tensor([-1.0, 1.0, 1.0])  # negates x of (x, y, z) 3D joints and of (x, y, visible) features


def flip(joints2d: torch.Tensor, joints3d: torch.Tensor, visible: torch.Tensor, rows: torch.Tensor
         ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mirror the chosen rows: negate x (image and camera frame) and swap left/right joints."""
    sign = torch.tensor([-1.0, 1.0])
    j2 = torch.where(rows[:, None, None], joints2d[:, FLIP] * sign, joints2d)
    j3 = torch.where(rows[:, None, None], joints3d[:, FLIP] * MIRROR_X, joints3d)
    vis = torch.where(rows[:, None], visible[:, FLIP], visible)
    return j2, j3, vis


def style_rows(n: int, probs: dict[str, float], generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
    """Assign each of ``n`` samples one input style, drawn with ``probs``."""
    names = [s for s in STYLES if probs.get(s, 0) > 0]
    weights = torch.tensor([probs[s] for s in names], dtype=torch.float)
    pick = torch.multinomial(weights, n, replacement=True, generator=generator)
    return {s: pick == i for i, s in enumerate(names)}


def apply_styles(joints2d: torch.Tensor, visible: torch.Tensor, rows: dict[str, torch.Tensor]
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample styles (see refiner.inputs)."""
    out_j, out_v = joints2d, visible
    for style, mask in rows.items():
        if style == "h36m" or not mask.any():
            continue
        j, v = apply_style(joints2d, visible, style)
        out_j = torch.where(mask[:, None, None], j, out_j)
        out_v = torch.where(mask[:, None], v, out_v)
    return out_j, out_v


def drop_joints(visible: torch.Tensor, rate: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Mask each joint independently with probability ``rate`` (the pelvis included)."""
    if rate <= 0:
        return visible
    return visible & (torch.rand(visible.shape, generator=generator) >= rate)
