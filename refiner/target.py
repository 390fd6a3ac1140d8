"""Normalisation of the 3D output: root-relative mm, standardised per joint and axis.

The statistics are computed on the training set and stored inside the weights file, so the same
numbers are used at training and at inference.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class TargetStats:
    mean: torch.Tensor  # (17, 3) mm
    std: torch.Tensor  # (17, 3) mm, ≥ 1 (the root's is 0 before clamping)

    @staticmethod
    def fit(joints3d: torch.Tensor) -> "TargetStats":
        rel = root_relative(joints3d)
        return TargetStats(rel.mean(dim=0), rel.std(dim=0).clamp(min=1.0))

    def normalize(self, joints3d: torch.Tensor) -> torch.Tensor:
        return (root_relative(joints3d) - self.mean) / self.std

    def denormalize(self, output: torch.Tensor) -> torch.Tensor:
        """Network output → root-relative mm (the predicted root is subtracted)."""
        return root_relative(output * self.std + self.mean)


def root_relative(joints3d: torch.Tensor) -> torch.Tensor:
    return joints3d - joints3d[..., :1, :]
