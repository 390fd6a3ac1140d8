"""SE-ResNet + deconvolution head + soft-argmax: the seed's 3D pose estimator network.

Layout follows Simple Baselines / Integral Human Pose: backbone features at stride 32, three 4×4
stride-2 transposed convolutions (256 filters) to stride 4, a 1×1 convolution to ``J × D`` channels
read as ``J`` volumetric heatmaps of ``D`` depth bins, and soft-argmax to coordinates.
"""
from __future__ import annotations

import torch
from torch import nn

from pose.integral import joint_confidence, soft_argmax_3d
from pose.seresnet import SEResNet


def deconv_head(in_channels: int, filters: int, layers: int) -> nn.Sequential:
    """Transposed-convolution upsampler, each layer doubling the resolution."""
    modules: list[nn.Module] = []
    for _ in range(layers):
        modules += [nn.ConvTranspose2d(in_channels, filters, 4, stride=2, padding=1, bias=False),
                    nn.BatchNorm2d(filters), nn.ReLU(inplace=True)]
        in_channels = filters
    return nn.Sequential(*modules)


class IntegralPoseNet(nn.Module):
    """Person crop ``(B,3,S,S)`` (normalised RGB) → normalised joints ``(B,J,3)`` via soft-argmax."""

    def __init__(self, depth: int = 50, num_joints: int = 17, depth_bins: int = 64,
                 deconv_filters: int = 256, deconv_layers: int = 3) -> None:
        super().__init__()
        self.num_joints, self.depth_bins = num_joints, depth_bins
        self.backbone = SEResNet(depth)
        self.deconv = deconv_head(self.backbone.out_channels, deconv_filters, deconv_layers)
        self.final = nn.Conv2d(deconv_filters, num_joints * depth_bins, kernel_size=1)
        for m in self.deconv.modules():
            if isinstance(m, nn.ConvTranspose2d):
                nn.init.normal_(m.weight, std=0.001)
        nn.init.normal_(self.final.weight, std=0.001)
        nn.init.zeros_(self.final.bias)

    def heatmaps(self, images: torch.Tensor) -> torch.Tensor:
        """Raw volumetric logits ``(B, J*D, S/4, S/4)``."""
        return self.final(self.deconv(self.backbone(images)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        coords, _ = soft_argmax_3d(self.heatmaps(images), self.num_joints, self.depth_bins)
        return coords

    def predict(self, images: torch.Tensor, flip_permutation: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Coordinates and per-joint confidences; with ``flip_permutation``, averaged with the mirror.

        Flip test: run the horizontally mirrored crop, mirror x back and swap left/right joints,
        so each joint of the flipped pass lands on the same body part as the plain pass.
        """
        coords, probs = soft_argmax_3d(self.heatmaps(images), self.num_joints, self.depth_bins)
        scores = joint_confidence(probs, coords)
        if flip_permutation is None:
            return coords, scores
        f_coords, f_probs = soft_argmax_3d(self.heatmaps(images.flip(-1)), self.num_joints, self.depth_bins)
        f_scores = joint_confidence(f_probs, f_coords)
        f_coords = unflip_coords(f_coords, flip_permutation, images.shape[-1])
        return (coords + f_coords) / 2, (scores + f_scores[:, flip_permutation]) / 2


def unflip_coords(coords: torch.Tensor, flip_permutation: torch.Tensor, input_width: int) -> torch.Tensor:
    """Map coordinates predicted on a mirrored crop back to the original crop.

    Labels are ``pixel / S - 0.5`` (S = crop width) and mirroring sends pixel ``p`` to ``S-1-p``,
    so in normalised units x → -x - 1/S; depth is unchanged and left/right joints swap.
    """
    out = coords[:, flip_permutation].clone()
    out[..., 0] = -out[..., 0] - 1.0 / input_width
    return out
