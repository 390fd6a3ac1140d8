"""CenterNet prediction heads of MoveNet: one small separable-conv branch per output map."""
from __future__ import annotations

import torch
from torch import nn

from nets.layers import SeparableConv, pointwise
from nets.tfjs_archive import GraphWeights

HEAD_CHANNELS = {"center": 1, "kpt_heatmap": 17, "kpt_regress": 34, "kpt_offset": 34, "box_scale": 2, "box_offset": 2}


class CenterNetHead(nn.Module):
    """3x3 depthwise, 1x1 to 96 (ReLU), 1x1 to the output channels (raw logits / offsets)."""

    def __init__(self, in_ch: int, out_ch: int, hidden: int = 96):
        super().__init__()
        self.hidden = SeparableConv(in_ch, hidden, act="relu")
        self.out = pointwise(hidden, out_ch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.hidden(x))


class CenterNetHeads(nn.Module):
    """Named heads over the stride-4 features; returns raw maps keyed by head name."""

    def __init__(self, names: tuple[str, ...], in_ch: int = 24):
        super().__init__()
        self.heads = nn.ModuleDict({name: CenterNetHead(in_ch, HEAD_CHANNELS[name]) for name in names})

    def forward(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        return {name: head(features) for name, head in self.heads.items()}

    def load_tfjs(self, w: GraphWeights) -> None:
        for name, head in self.heads.items():
            base = rf"{name}_0/separable_conv2d_\d+/"
            head.hidden.depthwise.load_tf(w.take(base + "separable_conv2d/ReadVariableOp"))
            head.hidden.pointwise.load_tf(w.take(base + "separable_conv2d/ReadVariableOp_1"),
                                          w.take(base + "BiasAdd/ReadVariableOp"))
            head.out.load_tf(w.take(rf"{name}_0/conv2d_\d+/Conv2D/ReadVariableOp"),
                             w.take(rf"{name}_0/conv2d_\d+/BiasAdd/ReadVariableOp"))
