"""ImageNet initialisation for the SE-ResNet backbone from a timm-style ``seresnet*`` state dict.

The seed starts from ImageNet-trained SE-ResNet-50. timm's ``seresnet50`` (e.g. the Hugging Face
repo ``timm/seresnet50.a1_in1k``, file ``model.safetensors``) has the same blocks as
:mod:`pose.seresnet` (stride on the 3×3 conv, SE after the last BN, ``se.fc1``/``se.fc2`` 1×1
convs, reduction 16): only the stem is named differently and the classifier is dropped.
Files already in this module's own naming load unchanged.
"""
from __future__ import annotations

from pathlib import Path

import torch

from pose.seresnet import SEResNet
from pose.seresnet_checkpoint import load_weights


def rename_timm_keys(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """timm/torchvision ResNet names → :class:`SEResNet` names (``conv1`` → ``stem.0``, …)."""
    out = {}
    for key, value in state.items():
        if key.startswith(("fc.", "head.")):
            continue
        key = key.replace("conv1.", "stem.0.", 1) if key.startswith("conv1.") else key
        key = key.replace("bn1.", "stem.1.", 1) if key.startswith("bn1.") else key
        out[key] = value
    return out


def load_backbone_weights(backbone: SEResNet, path: str | Path) -> None:
    """Strictly load ImageNet weights into ``backbone``, naming any key or shape that does not fit."""
    load_weights(backbone, path, rename_timm_keys)
