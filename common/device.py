"""Choosing the torch device once, for every stage."""
from __future__ import annotations

import torch


def pick_device(requested: str | None = None) -> torch.device:
    """``requested`` ('cpu', 'cuda', 'cuda:1') or cuda when available, else cpu.

    Asking for cuda on a machine without it is an error, not a silent fallback.
    """
    if requested in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {requested!r} requested but CUDA is not available here")
    return device
