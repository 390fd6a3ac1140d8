"""Residual fully-connected lifter (Martinez et al. 2017, "A simple yet effective baseline")."""
from __future__ import annotations

import torch
from torch import nn


class _ResidualBlock(nn.Module):
    """Two Linear-BN-ReLU-Dropout layers with a skip connection."""

    def __init__(self, width: int, dropout: float) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(inplace=True), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.layers(x)


class LinearLifter(nn.Module):
    """Flattened ``(N, J, 3)`` input features → ``(N, J, 3)`` normalised 3D."""

    def __init__(self, num_joints: int = 17, in_features: int = 3, width: int = 1024,
                 blocks: int = 2, dropout: float = 0.5) -> None:
        super().__init__()
        self.num_joints = num_joints
        self.stem = nn.Sequential(nn.Linear(num_joints * in_features, width), nn.BatchNorm1d(width),
                                  nn.ReLU(inplace=True), nn.Dropout(dropout))
        self.blocks = nn.Sequential(*[_ResidualBlock(width, dropout) for _ in range(blocks)])
        self.head = nn.Linear(width, num_joints * 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.head(self.blocks(self.stem(x.flatten(1))))
        return out.view(-1, self.num_joints, 3)
