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
from safetensors.torch import load_file

from pose.seresnet import SEResNet
from pose.seresnet_checkpoint import CheckpointError


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
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"MODEL.PRETRAINED file not found: {path}")
    state = rename_timm_keys(load_file(str(path)))
    expected = backbone.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [k for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or wrong:
        raise CheckpointError(f"{path}: does not fit this SE-ResNet backbone: "
                              f"missing {missing[:3]}, unexpected {unexpected[:3]}, other shape {wrong[:3]}")
    backbone.load_state_dict(state)
