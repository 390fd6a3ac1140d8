"""MediaPipe BlazePose GHUM landmark network ("full"), as named PyTorch modules.

Input: letterboxed RGB crops (N, 3, 256, 256) in 0..1. Outputs (39 points, the first 33 are
the BlazePose landmarks): image landmarks (x, y, z, visibility logit, presence logit) in crop
pixels, world landmarks in metres (hip-centred, y down), a pose-presence probability, and
optionally the 64x64 joint heatmaps and the 256x256 segmentation.

Architecture (read off the graph): an inverted-residual encoder down to stride 32, a top-down
decoder to stride 4 for the heatmaps (and on to full resolution for the segmentation), and a
regression trunk that re-encodes the stride-8 features down to 2x2 for the landmark heads.
The graph's layer names are Keras' auto-numbered ones, so the weight map below is explicit.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from nets.layers import TfConv2d, depthwise, pointwise
from nets.onnx_export import BATCH
from nets.tfjs_archive import GraphWeights

POINTS = 39
INPUT_SIZE = 256
M = "model/"

# encoder blocks: (in, hidden, out, kernel, stride, expand conv, depthwise, project conv) graph indices
_ENCODER = (
    (24, 24, 16, 3, 1, None, "", 1),
    (16, 64, 24, 3, 2, 2, 1, 3), (24, 144, 24, 3, 1, 4, 2, 5),
    (24, 144, 32, 5, 2, 6, 3, 7), (32, 192, 32, 5, 1, 8, 4, 9),
    (32, 192, 64, 3, 2, 10, 5, 11), (64, 384, 64, 3, 1, 12, 6, 13), (64, 384, 64, 3, 1, 14, 7, 15),
    (64, 384, 88, 5, 1, 16, 8, 17), (88, 528, 88, 5, 1, 18, 9, 19), (88, 528, 88, 5, 1, 20, 10, 21),
    (88, 528, 144, 5, 2, 22, 11, 23), (144, 864, 144, 5, 1, 24, 12, 25), (144, 864, 144, 5, 1, 26, 13, 27),
    (144, 864, 144, 5, 1, 28, 14, 29),
)
_TAPS = {0: "s2", 2: "s4", 4: "s8", 10: "s16"}  # encoder outputs reused by the decoders


def _conv_weights(w: GraphWeights, index: int) -> tuple:
    return w.take(f"{M}conv2d_{index}/Conv2D_weights"), w.take(f"{M}conv2d_{index}/Conv2D_bn_offset")


def _dw_weights(w: GraphWeights, index: int | str) -> tuple:
    name = f"{M}depthwise_conv2d{'' if index == '' else f'_{index}'}"
    return w.take(f"{name}/depthwise_weights"), w.take(f"{name}/depthwise_bn_offset")


class EncoderBlock(nn.Module):
    """Inverted residual: [1x1 expand ReLU6] -> kxk depthwise ReLU6 -> 1x1 project [+ input]."""

    def __init__(self, in_ch, hidden, out_ch, kernel, stride):
        super().__init__()
        self.expand = pointwise(in_ch, hidden, act="relu6") if hidden != in_ch or stride > 1 else None
        self.depthwise = depthwise(hidden, stride, bias=True, act="relu6", kernel=kernel, pad=kernel // 2)
        self.project = pointwise(hidden, out_ch)
        self.residual = stride == 1 and in_ch == out_ch

    def forward(self, x):
        y = self.project(self.depthwise(self.expand(x) if self.expand is not None else x))
        return x + y if self.residual else y


class SeparableReLU6(nn.Module):
    """3x3 depthwise (ReLU6) then 1x1 (ReLU6 or linear): the graph's lateral/decoder unit."""

    def __init__(self, in_ch, out_ch, act="relu6", stride=1):
        super().__init__()
        self.depthwise = depthwise(in_ch, stride, bias=True, act="relu6")
        self.pointwise = pointwise(in_ch, out_ch, act=act)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))

    def load(self, w, dw_index, conv_index):
        self.depthwise.load_tf(*_dw_weights(w, dw_index))
        self.pointwise.load_tf(*_conv_weights(w, conv_index))


class ResidualUnit(nn.Module):
    """relu6(x + pw(dw(x))), optionally downsampling with max-pool on the identity path."""

    def __init__(self, channels, downsample=False):
        super().__init__()
        self.body = SeparableReLU6(channels, channels, act=None, stride=2 if downsample else 1)
        self.downsample = downsample

    def forward(self, x):
        skip = F.max_pool2d(x, 2) if self.downsample else x
        return F.hardtanh_(skip + self.body(x), 0.0, 6.0)


class BlazePoseLandmarks(nn.Module):
    """The landmark network; ``forward(x, heatmap=False, segmentation=False)`` -> dict of outputs."""

    input_spec = (BATCH, 3, INPUT_SIZE, INPUT_SIZE)  # what the runtime export accepts (landmarks, world, flag)

    def __init__(self, name: str = "blazepose-full"):
        super().__init__()
        if name != "blazepose-full":
            raise ValueError(f"only blazepose-full is ported, not {name!r}")
        self.model_name = name
        self.stem = TfConv2d(3, 24, 3, stride=2, act="relu6", pad=1)
        self.encoder = nn.ModuleList(EncoderBlock(*spec[:5]) for spec in _ENCODER)
        self.neck_expand = pointwise(144, 864, act="relu6")
        self.neck_depthwise = depthwise(864, bias=True, act="relu6")
        # heatmap decoder (stride 32 -> 4)
        self.top = SeparableReLU6(864, 48)
        self.lateral16 = SeparableReLU6(88, 48)
        self.lateral8 = SeparableReLU6(32, 48)
        self.lateral4 = SeparableReLU6(24, 48)
        self.heatmap_out = pointwise(48, POINTS)
        # segmentation decoder (stride 4 -> 1)
        self.seg_in = SeparableReLU6(48, 8)
        self.seg_lateral2 = SeparableReLU6(16, 8)
        self.seg_res2 = nn.ModuleList(ResidualUnit(8) for _ in range(2))
        self.seg_res1 = nn.ModuleList(ResidualUnit(8) for _ in range(2))
        self.seg_out = TfConv2d(8, 1, 3)
        # regression trunk (stride 32 -> 128) and heads
        self.reg_in = SeparableReLU6(864, 288)
        self.reg_units = nn.ModuleList([ResidualUnit(288, True), *(ResidualUnit(288) for _ in range(4)),
                                        ResidualUnit(288, True), *(ResidualUnit(288) for _ in range(5))])
        self.pose_flag = TfConv2d(288, 1, 2, pad="valid")
        self.world = TfConv2d(288, POINTS * 3, 2, pad="valid")
        self.landmarks = TfConv2d(288, POINTS * 5, 2, pad="valid")

    def forward(self, x: torch.Tensor, heatmap: bool = False, segmentation: bool = False) -> dict[str, torch.Tensor]:
        if x.shape[-2:] != (INPUT_SIZE, INPUT_SIZE):
            raise ValueError(f"BlazePose expects {INPUT_SIZE}x{INPUT_SIZE} crops, got {tuple(x.shape[-2:])}")
        y = self.stem(x)
        taps = {}
        for i, block in enumerate(self.encoder):
            y = block(y)
            if i in _TAPS:
                taps[_TAPS[i]] = y
        neck = self.neck_depthwise(self.neck_expand(y))
        r = self.reg_in(neck)
        for unit in self.reg_units:
            r = unit(r)
        n = x.shape[0]
        out = {"landmarks": self.landmarks(r).reshape(n, POINTS, 5), "world": self.world(r).reshape(n, POINTS, 3),
               "pose_flag": torch.sigmoid(self.pose_flag(r).reshape(n))}
        if heatmap or segmentation:
            d = _up(self.top(neck)) + self.lateral16(taps["s16"])
            d = _up(d) + self.lateral8(taps["s8"])
            d = _up(d) + self.lateral4(taps["s4"])
            if heatmap:
                out["heatmap"] = torch.sigmoid(self.heatmap_out(d))
            if segmentation:
                s = _up(self.seg_in(d)) + self.seg_lateral2(taps["s2"])
                for unit in self.seg_res2:
                    s = unit(s)
                s = _up(s)
                for unit in self.seg_res1:
                    s = unit(s)
                out["segmentation"] = torch.sigmoid(self.seg_out(s))
        return out

    def tfjs_outputs(self, images_nhwc: torch.Tensor, network: nn.Module | None = None) -> dict[str, torch.Tensor]:
        """The original graph's outputs for (N, 256, 256, 3) RGB 0..1 input.

        ``network``: what runs this module (``nets.open_network``); it computes landmarks, world and
        pose flag only, so heatmap and segmentation come only from this module in torch (the default)."""
        x = images_nhwc.permute(0, 3, 1, 2).float()
        out = network(x) if network is not None else self(x, heatmap=True, segmentation=True)
        n = images_nhwc.shape[0]
        ours = {"Identity_2": out["landmarks"].reshape(n, -1), "Identity_3": out["pose_flag"][:, None],
                "Identity_4": out["world"].reshape(n, -1)}
        if network is None:
            ours.update(Identity=out["heatmap"].permute(0, 2, 3, 1), Identity_1=out["segmentation"].permute(0, 2, 3, 1))
        return ours

    def load_tfjs(self, w: GraphWeights) -> None:
        self.stem.load_tf(w.take(f"{M}conv2d/Conv2D_weights"), w.take(f"{M}conv2d/Conv2D_bn_offset"))
        for block, (*_, expand, dw, project) in zip(self.encoder, _ENCODER):
            if block.expand is not None:
                block.expand.load_tf(*_conv_weights(w, expand))
            block.depthwise.load_tf(*_dw_weights(w, dw))
            block.project.load_tf(*_conv_weights(w, project))
        self.neck_expand.load_tf(*_conv_weights(w, 30))
        self.neck_depthwise.load_tf(*_dw_weights(w, 15))
        for unit, dw, conv in ((self.top, 16, 31), (self.lateral16, 17, 32), (self.lateral8, 18, 33),
                               (self.lateral4, 19, 34), (self.seg_in, 33, 48), (self.seg_lateral2, 32, 47),
                               (self.reg_in, 20, 35)):
            unit.load(w, dw, conv)
        for unit, dw, conv in zip([*self.seg_res2, *self.seg_res1], (34, 35, 36, 37), (49, 50, 51, 52)):
            unit.body.load(w, dw, conv)
        for unit, dw, conv in zip(self.reg_units, range(21, 32), range(36, 47)):
            unit.body.load(w, dw, conv)
        for conv, name in ((self.heatmap_out, "output_heatmap"), (self.seg_out, "output_segmentation"),
                           (self.pose_flag, "conv_poseflag"), (self.world, "convworld_3d"),
                           (self.landmarks, "convld_3d")):
            conv.load_tf(w.take(f"{M}{name}/Conv2D/ReadVariableOp"), w.take(f"{M}{name}/BiasAdd/ReadVariableOp"))


def _up(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
