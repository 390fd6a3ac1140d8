"""Flat training/validation arrays built from Human3.6M views, resampled every epoch.

Mocap at 50 Hz is highly redundant, so each epoch draws a fresh random ``1/stride`` of the frames
of every camera instead of walking all of them; over epochs the whole set is still seen.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from refiner.h36m_data import ViewSequence, load_views
from refiner.viewing_frame import to_viewing_frame


@dataclass
class Samples:
    joints2d: torch.Tensor  # (M, 17, 2) px
    visible: torch.Tensor  # (M, 17) bool
    target: torch.Tensor  # (M, 17, 3) root-relative mm in the viewing frame (refiner.viewing_frame)
    rays: torch.Tensor  # (M, 3) pelvis viewing rays, to turn predictions back into the camera frame
    detected: torch.Tensor  # (M,) bool: 2D from the Stacked-Hourglass detector (style 'sh')

    FIELDS = ("joints2d", "visible", "target", "rays", "detected")

    def __len__(self) -> int:
        return len(self.joints2d)

    def take(self, idx: torch.Tensor) -> "Samples":
        return Samples(*(getattr(self, f)[idx] for f in self.FIELDS))

    @staticmethod
    def from_views(views: list[ViewSequence], detected: bool) -> "Samples":
        def cat(field: str) -> np.ndarray:
            return np.concatenate([getattr(v, field) for v in views])
        rays = cat("rays")
        return Samples(torch.from_numpy(cat("joints2d")), torch.from_numpy(cat("visible")),
                       torch.from_numpy(to_viewing_frame(cat("joints3d"), rays)), torch.from_numpy(rays),
                       torch.full((len(rays),), detected))

    @staticmethod
    def concat(parts: list["Samples"]) -> "Samples":
        return Samples(*(torch.cat([getattr(p, f) for p in parts]) for f in Samples.FIELDS))


@dataclass
class TrainingSet:
    """Ground-truth-2D samples and (optionally) detector-2D samples, each with its epoch stride."""

    gt: Samples
    sh: Samples | None
    gt_stride: int
    sh_stride: int

    @staticmethod
    def load(data_dir: str | Path, subjects: list[str], gt_stride: int, sh_stride: int) -> "TrainingSet":
        gt = Samples.from_views(load_views(data_dir, subjects, "gt"), detected=False)
        sh = Samples.from_views(load_views(data_dir, subjects, "sh"), detected=True) if sh_stride > 0 else None
        return TrainingSet(gt, sh, gt_stride, sh_stride)

    def epoch(self, generator: torch.Generator) -> Samples:
        """A fresh random subset for one epoch, shuffled."""
        parts = [self.gt.take(torch.randperm(len(self.gt), generator=generator)[:len(self.gt) // self.gt_stride])]
        if self.sh is not None:
            parts.append(self.sh.take(torch.randperm(len(self.sh), generator=generator)[:len(self.sh) // self.sh_stride]))
        both = Samples.concat(parts)
        return both.take(torch.randperm(len(both), generator=generator))
