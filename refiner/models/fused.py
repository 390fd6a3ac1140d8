"""Fusion of the fully-connected and the graph branch: a learned per-joint, per-axis blend.

``out = a * linear(x) + (1 - a) * gcn(x)`` with ``a = sigmoid(w)``; ``w`` starts at 0 (plain
average), so the blend can only improve on averaging if training finds a better weighting.
"""
from __future__ import annotations

import torch
from torch import nn

from refiner.models.linear import LinearLifter
from refiner.models.semgcn import SemGCNLifter


class FusedLifter(nn.Module):
    def __init__(self, linear: dict | None = None, gcn: dict | None = None, learned_blend: bool = True) -> None:
        super().__init__()
        self.linear = LinearLifter(**(linear or {}))
        self.gcn = SemGCNLifter(**(gcn or {}))
        self.blend_logits = nn.Parameter(torch.zeros(17, 3), requires_grad=learned_blend)

    def branches(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.linear(x), self.gcn(x)

    def blend(self, lin: torch.Tensor, gcn: torch.Tensor) -> torch.Tensor:
        a = torch.sigmoid(self.blend_logits)
        return a * lin + (1 - a) * gcn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blend(*self.branches(x))
