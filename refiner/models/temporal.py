"""Temporal lifter: dilated temporal convolutions over a window of 2D frames (VideoPose3D, Pavllo et
al. 2019), in the strided "one output per window" form.

Input ``(N, T, F)``: ``T = prod(filter_widths)`` frames of per-frame features (see
refiner.temporal_windows); output ``(N, 17, 3)`` normalised 3D of *one* frame of the window. Each
level is a convolution of width ``w`` with stride ``w`` (equivalent to VideoPose3D's dilated
convolutions evaluated at one output), followed by a 1×1 convolution, batch norm, ReLU, dropout and
a residual connection. ``causal`` selects which frame the window answers for, and which slice of
each level the residual takes: the last one (only past frames) or the centre one (two-sided). One
code path for both variants; the weights of one are not valid for the other.
"""
from __future__ import annotations

import math

import torch
from torch import nn


def _conv_bn(in_ch: int, out_ch: int, kernel: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Conv1d(in_ch, out_ch, kernel, stride=kernel, bias=False),
                         nn.BatchNorm1d(out_ch, momentum=0.1), nn.ReLU(inplace=True), nn.Dropout(dropout))


class _Level(nn.Module):
    """Strided temporal convolution + 1×1 convolution with a residual from the kept frame of each group."""

    def __init__(self, width: int, filter_width: int, dropout: float, causal: bool) -> None:
        super().__init__()
        self.filter_width = filter_width
        self.pick = filter_width - 1 if causal else filter_width // 2
        self.temporal = _conv_bn(width, width, filter_width, dropout)
        self.pointwise = _conv_bn(width, width, 1, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x[:, :, self.pick::self.filter_width]
        return residual + self.pointwise(self.temporal(x))


class TemporalLifter(nn.Module):
    """``(N, T, in_features)`` window features → ``(N, num_joints, 3)`` normalised 3D of the output frame."""

    def __init__(self, in_features: int = 54, num_joints: int = 17, width: int = 256,
                 filter_widths: tuple[int, ...] | list[int] = (3, 3, 3), dropout: float = 0.25,
                 causal: bool = False) -> None:
        super().__init__()
        if any(w < 1 or w % 2 == 0 for w in filter_widths):
            raise ValueError(f"filter widths must be odd and positive, got {filter_widths}")
        self.num_joints, self.in_features, self.causal = num_joints, in_features, causal
        self.receptive_field = math.prod(filter_widths)
        self.expand = _conv_bn(in_features, width, filter_widths[0], dropout)
        self.levels = nn.Sequential(*[_Level(width, w, dropout, causal) for w in filter_widths[1:]])
        self.head = nn.Conv1d(width, num_joints * 3, 1)

    @property
    def output_index(self) -> int:
        """Which frame of the window the output belongs to."""
        return self.receptive_field - 1 if self.causal else self.receptive_field // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 3 or x.shape[1] != self.receptive_field or x.shape[2] != self.in_features:
            raise ValueError(f"expected windows (N, {self.receptive_field}, {self.in_features}), got {tuple(x.shape)}")
        out = self.head(self.levels(self.expand(x.transpose(1, 2))))
        return out.view(-1, self.num_joints, 3)
