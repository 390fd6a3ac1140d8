"""The refiner's input representation, identical at training and inference.

Each person's 17 H36M joints become ``(x, y, visible)`` per joint: pixels centred on the pelvis
(or the mean of the visible joints when the pelvis is unobserved) and divided by the RMS distance
of the visible joints from that centre. This per-person normalisation makes the input independent
of image size, person size and position, which matters for small people anywhere in a video.
Unobserved joints (low score, NaN, or absent from the source layout) are *masked*: their
coordinates are zero and their flag is 0; the models are trained with random masks to handle it.

Input "styles" bridge the gap between Human3.6M's own 2D joints and what detectors give:
  - ``h36m``: all 17 H36M joints as they are (ground-truth projections).
  - ``coco``: torso joints re-derived as COCO-17 input has them (pelvis = mid-hips, thorax =
    mid-shoulders, spine = midway) and neck/nose + head masked, because COCO's nose and eyes are
    not H36M's neck/nose and head-top. MoveNet / BlazePose input always uses this style.
  - ``sh``: as ``coco`` but the Stacked-Hourglass head-top is kept for the H36M head.
"""
from __future__ import annotations

import torch

PELVIS, R_HIP, L_HIP, SPINE, THORAX, NECK_NOSE, HEAD, L_SHOULDER, R_SHOULDER = 0, 1, 4, 7, 8, 9, 10, 11, 14
STYLES = ("h36m", "coco", "sh")
MIN_VISIBLE = 4  # fewer observed joints than this cannot be lifted (the output is NaN)


def apply_style(joints2d: torch.Tensor, visible: torch.Tensor, style: str
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """Re-derive the torso and mask the head joints the way a detector's input looks (see module doc)."""
    if style == "h36m":
        return joints2d, visible
    if style not in STYLES:
        raise ValueError(f"unknown input style {style!r}; use one of {STYLES}")
    j, v = joints2d.clone(), visible.clone()
    j[..., PELVIS, :] = (joints2d[..., R_HIP, :] + joints2d[..., L_HIP, :]) / 2
    v[..., PELVIS] = visible[..., R_HIP] & visible[..., L_HIP]
    j[..., THORAX, :] = (joints2d[..., L_SHOULDER, :] + joints2d[..., R_SHOULDER, :]) / 2
    v[..., THORAX] = visible[..., L_SHOULDER] & visible[..., R_SHOULDER]
    j[..., SPINE, :] = (j[..., PELVIS, :] + j[..., THORAX, :]) / 2
    v[..., SPINE] = v[..., PELVIS] & v[..., THORAX]
    v[..., NECK_NOSE] = False
    if style == "coco":
        v[..., HEAD] = False
    return j, v


def normalize_2d(joints2d: torch.Tensor, visible: torch.Tensor) -> torch.Tensor:
    """``(N, 17, 2)`` px + ``(N, 17)`` bool → ``(N, 17, 3)`` features ``(x, y, visible)``.

    Non-finite joints count as unobserved. People with fewer than MIN_VISIBLE observed joints get
    all-zero features (callers turn their output into NaN).
    """
    return normalize_with_frame(joints2d, visible)[0]


def normalize_with_frame(joints2d: torch.Tensor, visible: torch.Tensor
                         ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`normalize_2d` plus the per-person centre ``(..., 2)`` px and scale ``(...)`` px it used
    (the temporal lifter feeds their changes over time as motion features)."""
    visible = visible & torch.isfinite(joints2d).all(dim=-1)
    weight = visible.to(joints2d.dtype)
    joints = torch.where(visible[..., None], joints2d, torch.zeros_like(joints2d))
    count = weight.sum(dim=-1, keepdim=True).clamp(min=1)
    mean = (joints * weight[..., None]).sum(dim=-2) / count
    centre = torch.where(visible[..., PELVIS, None], joints[..., PELVIS, :], mean)
    offsets = (joints - centre[..., None, :]) * weight[..., None]
    scale = ((offsets ** 2).sum(dim=(-1, -2)) / count[..., 0]).sqrt().clamp(min=1e-6)
    features = torch.cat([offsets / scale[..., None, None], weight[..., None]], dim=-1)
    enough = (visible.sum(dim=-1) >= MIN_VISIBLE)[..., None, None]
    return torch.where(enough, features, torch.zeros_like(features)), centre, scale


def liftable(visible: torch.Tensor, joints2d: torch.Tensor) -> torch.Tensor:
    """``(N,)`` bool: people with enough finite observed joints to be lifted."""
    return (visible & torch.isfinite(joints2d).all(dim=-1)).sum(dim=-1) >= MIN_VISIBLE
