"""Integral regression (Sun et al. 2018): soft-argmax over volumetric heatmaps, and its L1 loss.

Coordinates are normalised to the heatmap volume: x and y in [-0.5, 0.5] of the map width/height,
depth in [-0.5, 0.5] of the depth bins (depth 0 is the root joint's plane), the convention of the
seed code, so that a label does not depend on the map resolution.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def soft_argmax_3d(volumes: torch.Tensor, num_joints: int, depth_bins: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(B, J*D, H, W)`` logits → normalised ``(B, J, 3)`` coordinates and ``(B, J, D, H, W)`` probabilities.

    A softmax over each joint's whole volume turns its logits into a distribution; the expected
    voxel index (the integral) is differentiable and sub-voxel accurate.
    """
    b, channels, h, w = volumes.shape
    if channels != num_joints * depth_bins:
        raise ValueError(f"heatmap channels {channels} != joints {num_joints} x depth bins {depth_bins}")
    probs = F.softmax(volumes.reshape(b, num_joints, -1).float(), dim=-1)
    probs = probs.reshape(b, num_joints, depth_bins, h, w)
    grid = lambda n: torch.arange(n, dtype=probs.dtype, device=probs.device)  # noqa: E731
    x = (probs.sum(dim=(2, 3)) * grid(w)).sum(-1) / w - 0.5
    y = (probs.sum(dim=(2, 4)) * grid(h)).sum(-1) / h - 0.5
    z = (probs.sum(dim=(3, 4)) * grid(depth_bins)).sum(-1) / depth_bins - 0.5
    return torch.stack([x, y, z], dim=-1), probs


def joint_confidence(probs: torch.Tensor, coords: torch.Tensor, radius: int = 2) -> torch.Tensor:
    """Probability mass of each joint's 2D marginal within ``radius`` heatmap pixels of its estimate.

    Integral regression has no score of its own; a peaked, well-placed distribution gives ~1,
    a diffuse one (occluded or absent joint) gives little.
    """
    marginal = probs.sum(dim=2)  # (B, J, H, W)
    b, j, h, w = marginal.shape
    k = 2 * radius + 1
    mass = F.avg_pool2d(marginal.reshape(b * j, 1, h, w), k, stride=1, padding=radius,
                        count_include_pad=True).reshape(b, j, h, w) * (k * k)
    col = ((coords[..., 0] + 0.5) * w).long().clamp(0, w - 1)
    row = ((coords[..., 1] + 0.5) * h).long().clamp(0, h - 1)
    flat = mass.reshape(b, j, -1)
    return flat.gather(-1, (row * w + col).unsqueeze(-1)).squeeze(-1).clamp(0.0, 1.0)


def integral_l1_loss(pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Weighted L1 over joint coordinates ``(B, J, 3)``.

    ``weight`` zeroes invisible joints and, for 2D-only samples (MPII), the depth term; the sum is
    divided by the number of weighted terms so that mixing in 2D samples does not shrink the loss.
    """
    return (weight * (pred - target).abs()).sum() / weight.sum().clamp(min=1.0)
