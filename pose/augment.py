"""Crop geometry and photometric augmentation for person crops.

A crop is an affine map from image pixels to crop pixels: a square region of side ``size × scale``
centred on ``center``, rotated by ``rotation`` degrees, optionally mirrored, resampled to
``out_size`` px. The same matrix moves the joints, and its inverse brings predictions back.
Pixel indices are the coordinates (OpenCV's ``warpAffine`` convention), so mirroring sends x to
``out_size − 1 − x``.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class CropAugmentation:
    """Random draw for one training sample (identity by default)."""

    scale: float = 1.0
    rotation: float = 0.0  # degrees, counter-clockwise in the image
    flip: bool = False
    colour: tuple[float, float, float] = (1.0, 1.0, 1.0)  # per-channel gains


def crop_matrix(center: np.ndarray, size: float, out_size: int, scale: float = 1.0,
                rotation: float = 0.0, flip: bool = False) -> np.ndarray:
    """``(2, 3)`` affine matrix image px → crop px (see module docstring)."""
    theta = np.deg2rad(rotation)
    zoom = out_size / (size * scale)
    cos, sin = np.cos(theta) * zoom, np.sin(theta) * zoom
    linear = np.array([[cos, sin], [-sin, cos]])  # rotate the image region by -rotation onto the crop
    half = (out_size - 1) / 2.0
    offset = np.array([half, half]) - linear @ np.asarray(center, np.float64)
    matrix = np.hstack([linear, offset[:, None]])
    if flip:
        matrix = np.array([[-1.0, 0.0, out_size - 1.0], [0.0, 1.0, 0.0]]) @ np.vstack([matrix, [0, 0, 1]])
    return matrix


def transform_points(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Apply a ``(2, 3)`` affine matrix to ``(..., 2)`` points."""
    points = np.asarray(points, np.float64)
    return points @ matrix[:, :2].T + matrix[:, 2]


def invert(matrix: np.ndarray) -> np.ndarray:
    return cv2.invertAffineTransform(np.asarray(matrix, np.float64))


def warp(image: np.ndarray, matrix: np.ndarray, out_size: int) -> np.ndarray:
    """Resample the crop (bilinear, black outside the image)."""
    return cv2.warpAffine(image, matrix, (out_size, out_size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))


def sample_augmentation(rng: np.random.Generator, scale: float, rotation: float, rotation_rate: float,
                        flip_rate: float, colour: float) -> CropAugmentation:
    """The seed's draws: clipped-normal scale (±1σ) and rotation (±2σ), coin-flip mirror, channel gains."""
    return CropAugmentation(
        scale=float(1.0 + np.clip(rng.standard_normal(), -1.0, 1.0) * scale),
        rotation=float(np.clip(rng.standard_normal(), -2.0, 2.0) * rotation) if rng.random() < rotation_rate else 0.0,
        flip=bool(rng.random() < flip_rate),
        colour=tuple(float(g) for g in rng.uniform(1.0 - colour, 1.0 + colour, size=3)),
    )


def apply_colour(image: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    """Per-channel gain on a uint8 RGB image, clipped to [0, 255]."""
    return np.clip(image.astype(np.float32) * np.asarray(gains, np.float32), 0, 255).astype(np.uint8)
