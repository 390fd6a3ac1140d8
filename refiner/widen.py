"""Widen a trained temporal lifter without changing what it computes (Net2WiderNet, Chen et al. 2016).

The 256-channel temporal lifter stopped improving: it fits its own training subjects hardly better
than the held-out one (P2 37 vs 39 mm), so capacity, not data, is the limit. Training a wider one from
scratch would throw away ~8 M windows of CPU training; widening keeps the old channels, adds copies of
randomly chosen ones and divides the weights that read a channel by its number of copies, so the wider network starts
with exactly the old outputs and training goes on from there. Dropout and a little noise break the
symmetry between copies.
"""
from __future__ import annotations

import torch
from torch import nn

from refiner.models.temporal import TemporalLifter


def _widen_conv(conv: nn.Conv1d, new_out: torch.Tensor | None, new_in: torch.Tensor | None,
                replicas: torch.Tensor) -> torch.Tensor:
    """Conv weights with output channels picked by ``new_out`` and input channels by ``new_in``, each
    input divided by how many copies of it the wider layer reads."""
    w = conv.weight.detach()
    if new_out is not None:
        w = w[new_out]
    if new_in is not None:
        w = w[:, new_in] / replicas[new_in].view(1, -1, 1)
    return w.clone()


def _copy_bn(bn: nn.BatchNorm1d, old: nn.BatchNorm1d, channel_map: torch.Tensor) -> None:
    for name in ("weight", "bias"):
        getattr(bn, name).data.copy_(getattr(old, name).detach()[channel_map])
    for name in ("running_mean", "running_var"):
        getattr(bn, name).copy_(getattr(old, name)[channel_map])
    bn.num_batches_tracked.copy_(old.num_batches_tracked)


def widen_temporal(model: TemporalLifter, width: int, noise: float = 1e-3,
                   generator: torch.Generator | None = None) -> TemporalLifter:
    """A ``width``-channel copy of ``model`` with the same outputs (before ``noise``, relative to each
    weight's scale) and the same dropout."""
    old_width = model.head.in_channels
    if width < old_width:
        raise ValueError(f"can only widen: the model has {old_width} channels, asked for {width}")
    filter_widths = [model.expand[0].kernel_size[0]] + [level.filter_width for level in model.levels]
    wide = TemporalLifter(model.in_features, model.num_joints, width, filter_widths, model.expand[3].p, model.causal)
    # New channel j copies old channel channel_map[j]: the old channels first, then random extra copies.
    extra = torch.randint(0, old_width, (width - old_width,), generator=generator)
    channel_map = torch.cat([torch.arange(old_width), extra])
    replicas = torch.bincount(channel_map, minlength=old_width).float()

    def set_conv(new: nn.Conv1d, old: nn.Conv1d, widen_out: bool, widen_in: bool) -> None:
        w = _widen_conv(old, channel_map if widen_out else None, channel_map if widen_in else None, replicas)
        new.weight.data.copy_(w + noise * w.std() * torch.randn(w.shape, generator=generator))

    with torch.no_grad():
        set_conv(wide.expand[0], model.expand[0], widen_out=True, widen_in=False)
        _copy_bn(wide.expand[1], model.expand[1], channel_map)
        for new_level, old_level in zip(wide.levels, model.levels):
            for new_block, old_block in ((new_level.temporal, old_level.temporal),
                                         (new_level.pointwise, old_level.pointwise)):
                set_conv(new_block[0], old_block[0], widen_out=True, widen_in=True)
                _copy_bn(new_block[1], old_block[1], channel_map)
        set_conv(wide.head, model.head, widen_out=False, widen_in=True)
        wide.head.bias.copy_(model.head.bias)
    return wide.train(model.training)
