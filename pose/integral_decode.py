"""Between crops/network coordinates and the image: input normalisation and output decoding.

Shared by training, evaluation and the pipeline estimator so that all three agree on the
label convention: x, y = crop pixel / S − 0.5 and z = depth relative to the root / (R × scale),
R being the millimetres a crop spans at the root's depth (the seed's 2000 mm box).
"""
from __future__ import annotations

import numpy as np
import torch

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def crops_to_tensor(crops: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 RGB ``(B, S, S, 3)`` → normalised float ``(B, 3, S, S)``."""
    x = torch.as_tensor(crops).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(IMAGENET_MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def encode_targets(uv_crop: np.ndarray, depth: np.ndarray | None, input_size: int, depth_range_mm: float
                   ) -> np.ndarray:
    """Crop pixels ``(J, 2)`` and root-relative depth ``(J,)`` mm → normalised ``(J, 3)`` label."""
    target = np.zeros((len(uv_crop), 3), np.float32)
    target[:, :2] = uv_crop / input_size - 0.5
    if depth is not None:
        target[:, 2] = depth / depth_range_mm
    return target


def decode_predictions(coords: np.ndarray, inverse: np.ndarray, input_size: int, depth_range_mm: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Normalised ``(B, J, 3)`` → image pixels ``(B, J, 2)`` and root-relative depth ``(B, J)`` mm.

    ``inverse`` holds each crop's ``(2, 3)`` crop→image matrix; ``depth_range_mm`` ``(B,)`` is the
    millimetres each crop spans (R × augmentation scale; R at test time).
    """
    coords = np.asarray(coords, np.float64)
    crop_px = (coords[..., :2] + 0.5) * input_size
    uv = np.einsum("bij,bkj->bki", inverse[:, :, :2], crop_px) + inverse[:, None, :, 2]
    depth = coords[..., 2] * np.asarray(depth_range_mm, np.float64)[:, None]
    return uv, depth - depth[:, :1]
