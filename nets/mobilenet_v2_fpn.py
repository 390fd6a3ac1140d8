"""MoveNet's feature extractor: MobileNetV2 (width ``alpha``) with a 3-level FPN to stride 4.

Shared by the multi-person detector and the single-person estimators; only the width differs
(multipose 1.5, thunder 1.75, lightning 1.0). Batch-norm is already folded into conv biases.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from nets.layers import SeparableConv, TfConv2d, depthwise, pointwise
from nets.tfjs_archive import GraphWeights

# (expansion, base channels, repeats, first stride) of MobileNetV2
_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
# blocks whose outputs feed the FPN (strides 4, 8, 16); stride 32 is the final 1x1 conv
_TAPS = (2, 5, 9)
_EXTRACTOR = "center_net_mobile_net_v2fpn_feature_extractor/model_1/"


def _divisible(value: float, divisor: int = 8) -> int:
    """Keras' channel rounding for width multipliers."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand (ReLU6), 3x3 depthwise (ReLU6), 1x1 project, residual."""

    def __init__(self, in_ch: int, out_ch: int, expansion: int, stride: int):
        super().__init__()
        hidden = in_ch * expansion
        self.expand = pointwise(in_ch, hidden, act="relu6") if expansion != 1 else None
        self.depthwise = depthwise(hidden, stride, bias=True, act="relu6")
        self.project = pointwise(hidden, out_ch)
        self.residual = stride == 1 and in_ch == out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y

    def load_tfjs(self, w: GraphWeights, name: str) -> None:
        base = _EXTRACTOR + "model/" + name
        if self.expand is not None:
            self.expand.load_tf(w.take(base + "_expand/Conv2D_weights"), w.take(base + "_expand/Conv2D_bn_offset"))
        self.depthwise.load_tf(w.take(base + "_depthwise/depthwise_weights"),
                               w.take(base + "_depthwise/depthwise_bn_offset"))
        self.project.load_tf(w.take(base + "_project/Conv2D_weights"), w.take(base + "_project/Conv2D_bn_offset"))


class MobileNetV2FPN(nn.Module):
    """RGB image (N, 3, H, W) in 0..255 -> 24-channel features at stride 4 (H, W multiples of 32).

    The graph normalises inside as ``(x - mean) * scale - 1`` with float16-rounded constants;
    they are buffers here so the port matches the original to float32 rounding.
    """

    FPN_CHANNELS = (64, 32, 24)

    def __init__(self, alpha: float):
        super().__init__()
        self.register_buffer("input_mean", torch.zeros(1, 3, 1, 1))
        self.register_buffer("input_scale", torch.full((1, 3, 1, 1), 1 / 127.5))
        first = _divisible(32 * alpha)
        self.stem = TfConv2d(3, first, 3, stride=2, act="relu6")
        blocks, tap_channels, in_ch = [], [], first
        for t, c, n, s in _STAGES:
            out_ch = _divisible(c * alpha)
            for i in range(n):
                blocks.append(InvertedResidual(in_ch, out_ch, t, s if i == 0 else 1))
                in_ch = out_ch
                if len(blocks) - 1 in _TAPS:
                    tap_channels.append(out_ch)
        self.blocks = nn.ModuleList(blocks)
        self.head = pointwise(in_ch, 1280, act="relu6")
        c4, c3, c2 = self.FPN_CHANNELS
        self.lateral32 = pointwise(1280, c4)
        self.lateral16 = pointwise(tap_channels[2], c4)
        self.lateral8 = pointwise(tap_channels[1], c3)
        self.lateral4 = pointwise(tap_channels[0], c2)
        self.smooth16 = SeparableConv(c4, c3)
        self.smooth8 = SeparableConv(c3, c2)
        self.smooth4 = SeparableConv(c2, c2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem((x - self.input_mean) * self.input_scale - 1.0)
        taps = []
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i in _TAPS:
                taps.append(x)
        c4, c8, c16 = taps
        y = self.lateral32(self.head(x))
        y = self.smooth16(_up2(y) + self.lateral16(c16))
        y = self.smooth8(_up2(y) + self.lateral8(c8))
        return self.smooth4(_up2(y) + self.lateral4(c4))

    def load_tfjs(self, w: GraphWeights) -> None:
        with torch.no_grad():
            self.input_mean.copy_(torch.from_numpy(w.take("Reshape", (1, 1, 1, 3))).permute(0, 3, 1, 2))
            self.input_scale.copy_(torch.from_numpy(w.take("truediv", (1, 1, 1, 3))).permute(0, 3, 1, 2))
        w.constant("sub_1/y", 1.0)
        m = _EXTRACTOR + "model/"
        self.stem.load_tf(w.take(m + "Conv1/Conv2D_weights"), w.take(m + "Conv1/Conv2D_bn_offset"))
        for i, block in enumerate(self.blocks):
            block.load_tfjs(w, "expanded_conv" if i == 0 else f"block_{i}")
        self.head.load_tf(w.take(m + "Conv_1/Conv2D_weights"), w.take(m + "Conv_1/Conv2D_bn_offset"))
        for conv, tf_name in ((self.lateral32, "conv2d"), (self.lateral16, "conv2d_1"),
                              (self.lateral8, "conv2d_2"), (self.lateral4, "conv2d_3")):
            conv.load_tf(w.take(f"{_EXTRACTOR}{tf_name}/Conv2D/ReadVariableOp"),
                         w.take(f"{_EXTRACTOR}{tf_name}/BiasAdd/ReadVariableOp"))
        for sep, tf_name in ((self.smooth16, "separable_conv2d"), (self.smooth8, "separable_conv2d_1"),
                             (self.smooth4, "separable_conv2d_2")):
            base = f"{_EXTRACTOR}{tf_name}/separable_conv2d"
            sep.depthwise.load_tf(w.take(base + "/ReadVariableOp"))
            sep.pointwise.load_tf(w.take(base + "_weights"), w.take(base + "_bn_offset"))


def _up2(x: torch.Tensor) -> torch.Tensor:
    """TF ResizeBilinear x2 with half-pixel centres."""
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
