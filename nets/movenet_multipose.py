"""MoveNet MultiPose network: MobileNetV2 (alpha 1.5) + FPN + six CenterNet heads.

Returns the raw head maps; decoding lives in ``nets.centernet_decode``. The graph's own
decoding constants are kept as buffers (they are float16-rounded in the original) so that our
decoder reproduces TF.js exactly when asked to keep the top 6 people.
"""
from __future__ import annotations

import torch
from torch import nn

from nets.centernet_decode import MultiPoseDecoding, decode_multipose
from nets.centernet_heads import CenterNetHeads
from nets.mobilenet_v2_fpn import MobileNetV2FPN
from nets.onnx_export import BATCH, MULTIPLE_OF_32
from nets.tfjs_archive import GraphWeights

MODEL_NAME = "movenet-multipose"
HEADS = ("center", "box_scale", "box_offset", "kpt_heatmap", "kpt_regress", "kpt_offset")
STRIDE = 4
TFJS_PEOPLE = 6  # the original graph keeps the 6 best people


class MoveNetMultiPose(nn.Module):
    """RGB (N, 3, H, W) float 0..255, H and W multiples of 32 -> dict of stride-4 head maps."""

    input_spec = (BATCH, 3, MULTIPLE_OF_32, MULTIPLE_OF_32)  # what the runtime export accepts

    def __init__(self):
        super().__init__()
        self.backbone = MobileNetV2FPN(alpha=1.5)
        self.heads = CenterNetHeads(HEADS)
        # decoding constants of the original graph (float16-rounded there)
        self.register_buffer("keypoint_score_threshold", torch.tensor(0.12695312))
        self.register_buffer("keypoint_sigma_factor", torch.tensor(0.30004883))
        self.register_buffer("peak_tolerance", torch.tensor(1.013279e-06))

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.heads(self.backbone(images))

    def decode(self, maps: dict[str, torch.Tensor], input_hw: tuple[int, int], max_people: int | None = None,
               min_center_score: float = 0.1) -> list[MultiPoseDecoding]:
        """People per image (see ``decode_multipose``) with this graph's decoding constants."""
        return decode_multipose(maps, input_hw, stride=STRIDE, sigma_factor=float(self.keypoint_sigma_factor),
                                keypoint_threshold=float(self.keypoint_score_threshold),
                                peak_tolerance=float(self.peak_tolerance), max_people=max_people,
                                min_center_score=min_center_score)

    def tfjs_outputs(self, images_nhwc: torch.Tensor, network: nn.Module | None = None) -> dict[str, torch.Tensor]:
        """The original graph's output for (N, H, W, 3) 0..255: ``Identity`` (N, 6, 56), top 6 people.

        ``network``: what runs this module (``nets.open_network``); default: this module in torch."""
        x = images_nhwc.permute(0, 3, 1, 2).float()
        maps = (network or self)(x)
        people = self.decode(maps, tuple(x.shape[-2:]), max_people=TFJS_PEOPLE, min_center_score=0.0)
        return {"Identity": torch.cat([p.tfjs_layout(TFJS_PEOPLE) for p in people])}

    def load_tfjs(self, w: GraphWeights) -> None:
        self.backbone.load_tfjs(w)
        self.heads.load_tfjs(w)
        with torch.no_grad():
            self.keypoint_score_threshold.fill_(float(w.take("Greater_1/y")))
            self.keypoint_sigma_factor.fill_(float(w.take("mul_6/y")))
            self.peak_tolerance.fill_(float(w.take("Less/y")))
        for name, value in (("truediv_8/x", STRIDE), ("truediv_9/x", STRIDE), ("mul_5/y", STRIDE),
                            ("clip_by_value_4/Minimum/y", 1), ("clip_by_value_4/y", 0), ("Maximum_1/y", 1),
                            ("mul_7/x", -1), ("range_2/start", 0), ("range_2/delta", 1), ("range_1/start", 0),
                            ("range_1/delta", 1), ("meshgrid/ones/Const", 1), ("Maximum/y", 0),
                            ("zeros_like", 0), *((f"ConstantFolding/truediv_{i}_recip", 0.5) for i in (2, 3, 4, 5)),
                            *((f"clip_by_value{s}/y", 0) for s in ("", "_1", "_2", "_3"))):
            w.constant(name, value)
