"""SE-ResNet backbones (Hu et al. 2018): torchvision ResNets with squeeze-and-excitation in every block.

The seed's estimation module uses SE-ResNet-50; 18/34/101 are offered for speed/accuracy trade-offs.
Blocks reuse torchvision's ``BasicBlock``/``Bottleneck`` and ``SqueezeExcitation`` so that the
only new code is where the SE gate sits: on the residual branch, before the identity is added.
"""
from __future__ import annotations

import torch
from torch import nn
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
from torchvision.ops import SqueezeExcitation

SE_REDUCTION = 16  # squeeze ratio of the SENet paper


class SEBasicBlock(BasicBlock):
    """ResNet basic block whose residual branch is re-weighted per channel before the addition."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        channels = self.conv2.out_channels
        self.se = SqueezeExcitation(channels, max(channels // SE_REDUCTION, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.se(self.bn2(self.conv2(out)))
        return self.relu(out + identity)


class SEBottleneck(Bottleneck):
    """ResNet bottleneck block with the squeeze-and-excitation gate on its output branch."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        channels = self.conv3.out_channels
        self.se = SqueezeExcitation(channels, max(channels // SE_REDUCTION, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.se(self.bn3(self.conv3(out)))
        return self.relu(out + identity)


ARCHITECTURES: dict[int, tuple[type[nn.Module], list[int]]] = {
    18: (SEBasicBlock, [2, 2, 2, 2]),
    34: (SEBasicBlock, [3, 4, 6, 3]),
    50: (SEBottleneck, [3, 4, 6, 3]),
    101: (SEBottleneck, [3, 4, 23, 3]),
}


class SEResNet(nn.Module):
    """Convolutional trunk of an SE-ResNet: image ``(B,3,H,W)`` → features ``(B,C,H/32,W/32)``."""

    def __init__(self, depth: int = 50) -> None:
        super().__init__()
        if depth not in ARCHITECTURES:
            raise ValueError(f"SE-ResNet depth must be one of {sorted(ARCHITECTURES)}, got {depth}")
        block, layers = ARCHITECTURES[depth]
        resnet = ResNet(block, layers)  # type: ignore[arg-type]
        self.stem = nn.Sequential(resnet.conv1, resnet.bn1, resnet.relu, resnet.maxpool)
        self.layer1, self.layer2 = resnet.layer1, resnet.layer2
        self.layer3, self.layer4 = resnet.layer3, resnet.layer4
        self.out_channels = 512 * (4 if block is SEBottleneck else 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
