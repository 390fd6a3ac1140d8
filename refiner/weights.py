"""Refiner weights as safetensors: model tensors, target statistics and self-describing metadata.

The metadata names the architecture and its config, so loading a file made for another
architecture (or a file that is not refiner weights at all) fails with a clear message instead of
a shape error deep inside torch.
"""
from __future__ import annotations

import json
from pathlib import Path

from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from safetensors import safe_open
from torch import nn

from common.atomic import atomic_path
from refiner.models import build_model
from refiner.target import TargetStats

FORMAT = "posescope-refiner/1"
INPUT_REPRESENTATION = "h36m17 (x, y, visible), pelvis-centred, RMS-radius scaled; styles h36m/coco/sh"


class WeightsError(ValueError):
    """A weights file that is missing, not refiner weights, or for another architecture."""


def save_weights(path: str | Path, model: nn.Module, architecture: str, model_config: dict,
                 stats: TargetStats, extra: dict | None = None, half: bool = False) -> None:
    """Write model + stats; ``half`` stores floating tensors as fp16 (loaded back as fp32)."""
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tensors["stats.mean"], tensors["stats.std"] = stats.mean.cpu().contiguous(), stats.std.cpu().contiguous()
    if half:
        tensors = {k: v.half() if v.is_floating_point() else v for k, v in tensors.items()}
    metadata = {"format": FORMAT, "architecture": architecture, "model_config": json.dumps(model_config),
                "input_representation": INPUT_REPRESENTATION, "extra": json.dumps(extra or {})}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, ".safetensors") as tmp:  # an interrupted save never leaves a truncated file
        save_file(tensors, str(tmp), metadata=metadata)


def read_metadata(path: str | Path) -> dict[str, str]:
    """The metadata of a weights file, checked to be refiner weights."""
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file not found: {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
    except (SafetensorError, OSError) as err:
        raise WeightsError(f"{path} is not a safetensors file: {err}") from err
    if metadata.get("format") != FORMAT:
        raise WeightsError(f"{path} is not refiner weights (format {metadata.get('format')!r}, expected {FORMAT!r})")
    return metadata


def load_weights(path: str | Path, architecture: str | None = None) -> tuple[nn.Module, TargetStats, dict]:
    """Rebuild the model in eval mode from ``path``; ``architecture`` (if given) must match the file's."""
    metadata = read_metadata(path)
    found = metadata["architecture"]
    if architecture is not None and found != architecture:
        raise WeightsError(f"{path} holds a {found!r} model, but a {architecture!r} model was requested")
    config = json.loads(metadata["model_config"])
    model = build_model(found, config)
    tensors = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(path)).items()}
    state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise WeightsError(f"{path}: tensors do not fit a {found!r} model with config {config}: {err}") from err
    stats = TargetStats(tensors["stats.mean"], tensors["stats.std"])
    meta = {"architecture": found, "model_config": config, "extra": json.loads(metadata.get("extra", "{}"))}
    return model.eval(), stats, meta


def store_half(source: str | Path, destination: str | Path) -> None:
    """Copy trained weights as float16 (half the size; evaluation unchanged to 0.1 mm), e.g. for shipping."""
    model, stats, meta = load_weights(source)
    save_weights(destination, model, meta["architecture"], meta["model_config"], stats, meta["extra"], half=True)



TEMPORAL_VARIANTS = ("causal", "twosided")


def load_temporal(path: str | Path, variant: str) -> tuple[nn.Module, TargetStats, dict]:
    """A temporal lifter of the requested ``variant``: 'causal' (past frames only) or 'twosided'.

    The two variants share an architecture but answer for different frames of a window, so weights of
    one used as the other would give plausible-looking but wrong (lagging or leading) poses."""
    if variant not in TEMPORAL_VARIANTS:
        raise ValueError(f"unknown temporal variant {variant!r}; use one of {TEMPORAL_VARIANTS}")
    model, stats, meta = load_weights(path, "temporal")
    found = "causal" if model.causal else "twosided"
    if found != variant:
        raise WeightsError(f"{path} holds the {found} temporal lifter, but the {variant} one is needed here")
    return model, stats, meta
