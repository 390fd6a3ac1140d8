"""Semantic graph convolution network with non-local blocks (Zhao et al. CVPR 2019).

A semantic graph convolution learns a weight per skeleton edge (softmax-normalised over each
joint's neighbours) and uses separate transforms for a joint itself and for its neighbours.
Non-local blocks add global, learned joint-to-joint attention after each residual block.
"""
from __future__ import annotations

import torch
from torch import nn

from refiner.models.graph import skeleton_adjacency


class SemGraphConv(nn.Module):
    """``(N, J, C_in)`` → ``(N, J, C_out)`` over a fixed adjacency with learned edge weights."""

    def __init__(self, in_features: int, out_features: int, adjacency: torch.Tensor) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(2, in_features, out_features))
        nn.init.xavier_uniform_(self.weight.data, gain=1.414)
        self.register_buffer("mask", adjacency > 0)
        self.edge_logits = nn.Parameter(torch.ones(int(self.mask.sum())))
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.register_buffer("eye", torch.eye(adjacency.shape[0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h_self, h_neigh = x @ self.weight[0], x @ self.weight[1]
        logits = torch.full(self.mask.shape, -9e15, device=x.device, dtype=x.dtype)
        logits = logits.masked_scatter(self.mask, self.edge_logits.to(x.dtype))
        adj = torch.softmax(logits, dim=1)
        return (adj * self.eye) @ h_self + (adj * (1 - self.eye)) @ h_neigh + self.bias


def _joint_batch_norm(bn: nn.BatchNorm1d, x: torch.Tensor) -> torch.Tensor:
    """BatchNorm over people and joints per channel (as BN on ``(N, C, J)``), on contiguous rows."""
    return bn(x.reshape(-1, x.shape[-1])).view_as(x)


class _GraphConvBNReLU(nn.Module):
    def __init__(self, in_features: int, out_features: int, adjacency: torch.Tensor, dropout: float) -> None:
        super().__init__()
        self.conv = SemGraphConv(in_features, out_features, adjacency)
        self.bn = nn.BatchNorm1d(out_features)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(torch.relu(_joint_batch_norm(self.bn, self.conv(x))))


class _ResGraphConv(nn.Module):
    def __init__(self, width: int, adjacency: torch.Tensor, dropout: float) -> None:
        super().__init__()
        self.layers = nn.Sequential(_GraphConvBNReLU(width, width, adjacency, dropout),
                                    _GraphConvBNReLU(width, width, adjacency, dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.layers(x)


class GraphNonLocal(nn.Module):
    """Embedded-Gaussian non-local block over joints (Wang et al. 2018), zero-initialised output."""

    def __init__(self, width: int) -> None:
        super().__init__()
        inner = max(width // 2, 1)
        self.theta, self.phi, self.g = (nn.Linear(width, inner) for _ in range(3))
        self.out = nn.Linear(inner, width)
        self.bn = nn.BatchNorm1d(width)
        nn.init.zeros_(self.bn.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        attn = torch.softmax(self.theta(x) @ self.phi(x).transpose(1, 2), dim=-1)
        y = self.out(attn @ self.g(x))
        return x + _joint_batch_norm(self.bn, y)


class SemGCNLifter(nn.Module):
    """``(N, 17, C_in)`` per-joint 2D features → ``(N, 17, 3)`` normalised 3D."""

    def __init__(self, in_features: int = 3, width: int = 128, blocks: int = 4,
                 dropout: float = 0.0, non_local: bool = True) -> None:
        super().__init__()
        adjacency = skeleton_adjacency()
        layers: list[nn.Module] = [_GraphConvBNReLU(in_features, width, adjacency, dropout)]
        if non_local:
            layers.append(GraphNonLocal(width))
        for _ in range(blocks):
            layers.append(_ResGraphConv(width, adjacency, dropout))
            if non_local:
                layers.append(GraphNonLocal(width))
        self.body = nn.Sequential(*layers)
        self.head = SemGraphConv(width, 3, adjacency)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))
