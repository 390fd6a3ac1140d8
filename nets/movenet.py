"""MoveNet SinglePose (thunder 256 px, lightning 192 px) with the graph's decoding, batched.

The original graph decodes one image; here every step is a batched tensor op so all tracked
crops of a frame run as one batch:
1. person centre: argmax of sigmoid(centre) times a fixed centre-prior map;
2. coarse joints from the regression head at that centre;
3. per joint, argmax of sigmoid(heatmap) / (distance to the coarse joint + bias), plus offset;
4. output (y, x, score) normalised to the crop, score = heatmap at the chosen cell.
"""
from __future__ import annotations

import torch
from torch import nn

from nets.centernet_heads import CenterNetHeads
from nets.mobilenet_v2_fpn import MobileNetV2FPN
from nets.onnx_export import BATCH
from nets.tfjs_archive import GraphWeights

VARIANTS = {"movenet-thunder": (256, 1.75), "movenet-lightning": (192, 1.0)}  # input size, width


class MoveNetSinglePose(nn.Module):
    """RGB crops (N, 3, S, S) float 0..255 -> (N, 17, 3) COCO-17 (y, x, score), y/x in [0, 1]."""

    def __init__(self, name: str):
        super().__init__()
        if name not in VARIANTS:
            raise ValueError(f"unknown MoveNet variant {name!r}; choose from {sorted(VARIANTS)}")
        self.model_name = name
        self.input_size, alpha = VARIANTS[name]
        self.input_spec = (BATCH, 3, self.input_size, self.input_size)  # what the runtime export accepts
        grid = self.input_size // 4
        self.backbone = MobileNetV2FPN(alpha)
        self.heads = CenterNetHeads(("center", "kpt_heatmap", "kpt_regress", "kpt_offset"))
        # decoding constants of the original graph (float16-rounded there)
        self.register_buffer("center_prior", torch.ones(grid, grid))
        self.register_buffer("distance_bias", torch.tensor(1.8))
        self.register_buffer("output_scale", torch.full((2,), 1.0 / grid))

    def forward(self, crops: torch.Tensor) -> torch.Tensor:
        if crops.shape[-2:] != (self.input_size, self.input_size):
            raise ValueError(f"{self.model_name} expects {self.input_size}x{self.input_size} crops, "
                             f"got {tuple(crops.shape[-2:])}")
        maps = self.heads(self.backbone(crops))
        return self.decode(maps)

    def tfjs_outputs(self, images_nhwc: torch.Tensor, network: nn.Module | None = None) -> dict[str, torch.Tensor]:
        """The original graph's outputs for (N, S, S, 3) 0..255 input: ``Identity`` (N, 1, 17, 3).

        ``network``: what runs this module (``nets.open_network``); default: this module in torch."""
        return {"Identity": (network or self)(images_nhwc.permute(0, 3, 1, 2).float())[:, None]}

    def decode(self, maps: dict[str, torch.Tensor]) -> torch.Tensor:
        maps = {k: v.float() for k, v in maps.items()}
        heat = torch.sigmoid(maps["kpt_heatmap"])  # (N, 17, G, G)
        n, joints, grid, _ = heat.shape
        batch = torch.arange(n, device=heat.device)
        center = (torch.sigmoid(maps["center"][:, 0]) * self.center_prior).flatten(1).argmax(1)
        cy, cx = center // grid, center % grid
        regress = maps["kpt_regress"][batch, :, cy, cx].view(n, joints, 2)
        coarse_y = cy.float()[:, None] + regress[..., 0]
        coarse_x = cx.float()[:, None] + regress[..., 1]
        cells = torch.arange(grid, device=heat.device, dtype=torch.float32)
        distance = torch.sqrt((cells[:, None] - coarse_y[..., None, None]) ** 2
                              + (cells[None, :] - coarse_x[..., None, None]) ** 2)
        best = (heat / (distance + self.distance_bias)).flatten(2).argmax(2)  # (N, 17)
        hy, hx = best // grid, best % grid
        joint = torch.arange(joints, device=heat.device)[None]
        offset = maps["kpt_offset"].view(n, joints, 2, grid, grid)
        y = (hy.float() + offset[batch[:, None], joint, 0, hy, hx]) * self.output_scale[0]
        x = (hx.float() + offset[batch[:, None], joint, 1, hy, hx]) * self.output_scale[1]
        score = heat[batch[:, None], joint, hy, hx]
        return torch.stack([y, x, score], dim=-1)

    def load_tfjs(self, w: GraphWeights) -> None:
        grid = self.input_size // 4
        self.backbone.load_tfjs(w)
        self.heads.load_tfjs(w)
        with torch.no_grad():
            prior = w.take("ConstantFolding/truediv_2_recip", (grid, grid, 1))[..., 0]
            self.center_prior.copy_(torch.from_numpy(prior))
            self.distance_bias.fill_(float(w.take("add_5/y")))
            self.output_scale.copy_(torch.from_numpy(w.take("Reshape_13", (1, 1, 1, 2)).reshape(2)))
        rows = w.take("strided_slice_3", (grid, grid, 1))[..., 0]
        cols = w.take("strided_slice_4", (grid, grid, 1))[..., 0]
        index = torch.arange(grid, dtype=torch.float32).numpy()
        if not ((rows == index[:, None]).all() and (cols == index[None, :]).all()):
            raise ValueError(f"{self.model_name}: the graph's coordinate grids are not plain cell indices")
