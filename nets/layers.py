"""Convolution building blocks that reproduce TensorFlow semantics in PyTorch.

TF "SAME" padding with stride 2 pads only bottom/right when the input is even; PyTorch pads
symmetrically. ``TfConv2d`` pads explicitly in that case (and uses the conv's own padding
otherwise, so stride-1 layers cost no extra copy). Activations are applied in place.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = (None, "relu", "relu6")


class TfConv2d(nn.Conv2d):
    """Conv2d with TF "SAME" padding and an optional fused activation."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, stride: int = 1, groups: int = 1,
                 bias: bool = True, act: str | None = None, pad: str | int = "same"):
        """``pad``: "same" (TF SAME), "valid", or an int of symmetric padding (Keras ZeroPadding2D)."""
        super().__init__(in_ch, out_ch, kernel, stride, padding=0, groups=groups, bias=bias)
        if act not in ACTIVATIONS:
            raise ValueError(f"unknown activation {act!r}")
        self.act = act
        self._tf_pad = pad == "same" and stride > 1 and kernel > 1
        if isinstance(pad, int):
            self.padding = (pad, pad)
        elif pad == "same" and stride == 1:
            self.padding = (kernel // 2, kernel // 2)  # symmetric: same as TF for odd kernels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._tf_pad:
            y = self._tf_same_strided(x)
        else:
            y = super().forward(x)
        if self.act == "relu6":
            return F.hardtanh_(y, 0.0, 6.0)
        if self.act == "relu":
            return F.relu_(y)
        return y

    def _tf_same_strided(self, x: torch.Tensor) -> torch.Tensor:
        """TF SAME with stride 2 pads (k-2)//2 before and one more after (for even sizes).

        Instead of copying the input into a padded tensor, widen the kernel by a leading zero
        tap and pad symmetrically inside the conv: the same sums, no extra activation copy.
        """
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        h, w = x.shape[-2:]
        if (sh, sw) == (2, 2) and kh % 2 and kw % 2 and h % 2 == 0 and w % 2 == 0:
            weight = F.pad(self.weight, (1, 0, 1, 0))
            return F.conv2d(x, weight, self.bias, 2, (kh // 2, kw // 2), groups=self.groups)
        # F.pad takes (left, right, top, bottom)
        x = F.pad(x, _same_pad(w, kw, sw) + _same_pad(h, kh, sh))
        return super().forward(x)

    def load_tf(self, kernel: np.ndarray, bias: np.ndarray | None = None) -> None:
        """Copy TF weights: conv ``(kh, kw, in, out)``, depthwise ``(kh, kw, C, 1)``."""
        if self.groups == 1:
            weight = kernel.transpose(3, 2, 0, 1)
        else:
            weight = kernel.transpose(2, 3, 0, 1)  # (C, 1, kh, kw)
        if tuple(weight.shape) != tuple(self.weight.shape):
            raise ValueError(f"TF kernel {kernel.shape} does not fit conv weight {tuple(self.weight.shape)}")
        with torch.no_grad():
            self.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight)))
            if bias is not None:
                if self.bias is None or tuple(bias.shape) != tuple(self.bias.shape):
                    raise ValueError(f"TF bias {bias.shape} does not fit this conv")
                self.bias.copy_(torch.from_numpy(bias))


def _same_pad(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def depthwise(channels: int, stride: int = 1, bias: bool = False, act: str | None = None,
              kernel: int = 3, pad: str | int = "same") -> TfConv2d:
    return TfConv2d(channels, channels, kernel, stride, groups=channels, bias=bias, act=act, pad=pad)


def pointwise(in_ch: int, out_ch: int, act: str | None = None, bias: bool = True) -> TfConv2d:
    return TfConv2d(in_ch, out_ch, 1, bias=bias, act=act)


class SeparableConv(nn.Module):
    """Keras SeparableConv2D: 3x3 depthwise (no bias) then 1x1 pointwise with bias."""

    def __init__(self, in_ch: int, out_ch: int, act: str | None = "relu"):
        super().__init__()
        self.depthwise = depthwise(in_ch)
        self.pointwise = pointwise(in_ch, out_ch, act=act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))
