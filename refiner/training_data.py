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


@dataclass
class Samples:
    joints2d: torch.Tensor  # (M, 17, 2) px
    visible: torch.Tensor  # (M, 17) bool
    joints3d: torch.Tensor  # (M, 17, 3) camera mm
    detected: torch.Tensor  # (M,) bool: 2D from the Stacked-Hourglass detector (style 'sh')

    def __len__(self) -> int:
        return len(self.joints2d)

    def take(self, idx: torch.Tensor) -> "Samples":
        return Samples(self.joints2d[idx], self.visible[idx], self.joints3d[idx], self.detected[idx])

    @staticmethod
    def from_views(views: list[ViewSequence], detected: bool) -> "Samples":
        j2 = torch.from_numpy(np.concatenate([v.joints2d for v in views]))
        return Samples(j2, torch.from_numpy(np.concatenate([v.visible for v in views])),
                       torch.from_numpy(np.concatenate([v.joints3d for v in views])),
                       torch.full((len(j2),), detected))

    @staticmethod
    def concat(parts: list["Samples"]) -> "Samples":
        return Samples(*(torch.cat([getattr(p, f) for p in parts]) for f in
                         ("joints2d", "visible", "joints3d", "detected")))


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
