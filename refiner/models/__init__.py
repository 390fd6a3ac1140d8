"""Lifting networks, built by architecture name from a config dict."""
from __future__ import annotations

from torch import nn

from refiner.models.fused import FusedLifter
from refiner.models.linear import LinearLifter
from refiner.models.semgcn import SemGCNLifter
from refiner.models.temporal import TemporalLifter

ARCHITECTURES: dict[str, type[nn.Module]] = {"linear": LinearLifter, "gcn": SemGCNLifter, "fused": FusedLifter,
                                             "temporal": TemporalLifter}


def build_model(architecture: str, config: dict) -> nn.Module:
    """Instantiate ``architecture`` ('linear', 'gcn', 'fused' or 'temporal') with its config keyword args."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; use one of {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[architecture](**config)
