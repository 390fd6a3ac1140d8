"""Training losses: supervised 3D error plus three optional self-supervised terms.

All self-supervised terms need no 3D labels, so they also let the refiner learn from 2D-only data:
  - reprojection: the predicted 3D, projected (scaled orthographic, via the same per-person 2D
    normalisation as the input), must match the observed 2D joints;
  - rotation cycle: rotate the prediction about the camera's vertical axis, project, lift again,
    rotate back: the result must equal the first prediction (Chen et al. CVPR 2019);
  - bone symmetry: left and right limb bones must have equal lengths.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import torch

from refiner.inputs import apply_style, normalize_2d
from refiner.target import TargetStats

# (left bone, right bone) as (parent, child) pairs of H36M-17.
SYMMETRIC_BONES = (((0, 4), (0, 1)), ((4, 5), (1, 2)), ((5, 6), (2, 3)),
                   ((8, 11), (8, 14)), ((11, 12), (14, 15)), ((12, 13), (15, 16)))
_UNIT = 300.0  # mm; 3D self-supervised terms use about the output std as unit, like the supervised MSE


def supervised(output: torch.Tensor, target_normalized: torch.Tensor) -> torch.Tensor:
    """MSE on standardised coordinates (Martinez et al.)."""
    return ((output - target_normalized) ** 2).mean()


def project_features(joints3d_mm: torch.Tensor, visible: torch.Tensor, style_mask: dict[str, torch.Tensor]
                     ) -> torch.Tensor:
    """3D → input features, by orthographic projection then the input's own style and normalisation."""
    xy = joints3d_mm[..., :2]
    full = torch.ones_like(visible)
    styled = xy
    for style, rows in style_mask.items():
        if style != "h36m" and rows.any():
            styled = torch.where(rows[:, None, None], apply_style(xy, full, style)[0], styled)
    return normalize_2d(styled, visible)


def reprojection(pred_mm: torch.Tensor, features: torch.Tensor, style_mask: dict[str, torch.Tensor]) -> torch.Tensor:
    """Squared 2D distance between the projected prediction and the observed joints (visible only)."""
    visible = features[..., 2] > 0
    projected = project_features(pred_mm, visible, style_mask)
    diff = ((projected[..., :2] - features[..., :2]) ** 2).mean(-1)
    return (diff * visible).sum() / visible.sum().clamp(min=1)


def rotate_y(joints: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """Rotate ``(N, J, 3)`` about the camera y (vertical) axis by ``angle`` ``(N,)`` radians."""
    c, s = torch.cos(angle)[:, None], torch.sin(angle)[:, None]
    x, y, z = joints.unbind(-1)
    return torch.stack([c * x + s * z, y, -s * x + c * z], dim=-1)


def rotation_cycle(pred_mm: torch.Tensor, features: torch.Tensor, style_mask: dict[str, torch.Tensor],
                   lift: Callable[[torch.Tensor], torch.Tensor], max_angle: float = math.pi / 2
                   ) -> torch.Tensor:
    """Lift → rotate → project → lift → rotate back must return the first lift (squared, in units of _UNIT)."""
    angle = (torch.rand(len(pred_mm), device=pred_mm.device) * 2 - 1) * max_angle
    visible = features[..., 2] > 0
    rotated = rotate_y(pred_mm, angle)
    relifted = lift(project_features(rotated, visible, style_mask))
    back = rotate_y(relifted, -angle)
    return (((back - pred_mm) / _UNIT) ** 2).mean()


def bone_symmetry(pred_mm: torch.Tensor) -> torch.Tensor:
    """Squared left/right bone-length difference, in units of _UNIT."""
    def length(bone: tuple[int, int]) -> torch.Tensor:
        return (pred_mm[:, bone[1]] - pred_mm[:, bone[0]]).norm(dim=-1)
    return torch.stack([(length(lb) - length(rb)) ** 2 for lb, rb in SYMMETRIC_BONES]).mean() / _UNIT ** 2


def label_free_terms(pred_mm: torch.Tensor, features: torch.Tensor, style_mask: dict[str, torch.Tensor],
                     weights: dict[str, float]) -> dict[str, torch.Tensor]:
    """The enabled terms that need neither 3D labels nor a second pass through the model (reprojection
    onto ``features``, the ``(N, 17, 3)`` input of the predicted frame, and bone symmetry)."""
    parts = {}
    if weights.get("reprojection", 0) > 0:
        parts["reprojection"] = reprojection(pred_mm, features, style_mask)
    if weights.get("symmetry", 0) > 0:
        parts["symmetry"] = bone_symmetry(pred_mm)
    return parts


def total_loss(model: torch.nn.Module, stats: TargetStats, features: torch.Tensor, target_mm: torch.Tensor,
               style_mask: dict[str, torch.Tensor], weights: dict[str, float]) -> tuple[torch.Tensor, dict[str, float]]:
    """Weighted sum of the supervised loss and the enabled self-supervised ones, with a breakdown."""
    output = model(features)
    parts = {"supervised": supervised(output, stats.normalize(target_mm))}
    pred_mm = stats.denormalize(output)
    parts.update(label_free_terms(pred_mm, features, style_mask, weights))
    if weights.get("cycle", 0) > 0:
        parts["cycle"] = rotation_cycle(pred_mm, features, style_mask, lambda f: stats.denormalize(model(f)))
    loss = parts["supervised"] + sum(weights[k] * v for k, v in parts.items() if k != "supervised")
    return loss, {k: float(v.detach()) for k, v in parts.items()}
