"""Checkpoints of the SE-ResNet integral estimator: safetensors weights with the config inside.

The safetensors header's metadata carries ``format`` and the full config as JSON, so one file is
enough to rebuild the network (no pickle anywhere); training also writes the config beside it as
YAML for people to read.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import torch
import yaml
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from pose.integral_net import IntegralPoseNet
from pose.seresnet_config import Config, ConfigError, make_config

FORMAT = "posescope.seresnet_integral.v1"


class CheckpointError(RuntimeError):
    """A checkpoint that is missing, not ours, or does not fit the network it describes."""


def build_model(cfg: Config) -> IntegralPoseNet:
    m = cfg.MODEL
    return IntegralPoseNet(m.DEPTH, m.NUM_JOINTS, m.DEPTH_BINS, m.DECONV_FILTERS, m.DECONV_LAYERS)


def save_checkpoint(path: str | Path, model: torch.nn.Module, cfg: Config, **info: str) -> Path:
    """Write weights + config (+ free-form string ``info``, e.g. epoch) and a readable ``.yaml`` twin."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(path), metadata={"format": FORMAT, "config": json.dumps(cfg.to_plain()), **info})
    path.with_suffix(".yaml").write_text(yaml.safe_dump(cfg.to_plain(), sort_keys=False))
    return path


def read_checkpoint_config(path: str | Path) -> Config:
    """The config stored in a checkpoint's header."""
    path = Path(path)
    if not str(path) or not path.is_file():
        raise CheckpointError(f"SE-ResNet checkpoint not found: {path!s} (set MODEL.RESUME to a .safetensors file)")
    try:
        with safe_open(str(path), framework="pt") as handle:
            meta = handle.metadata() or {}
    except Exception as err:  # safetensors raises its own error types for non-safetensors files
        raise CheckpointError(f"{path}: not a safetensors file ({err})") from err
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path}: header format is {meta.get('format')!r}, expected {FORMAT!r}")
    try:
        return make_config(json.loads(meta["config"]), f"{path} (header config)")
    except (KeyError, json.JSONDecodeError, ConfigError) as err:
        raise CheckpointError(f"{path}: unusable config in header ({err})") from err


def load_checkpoint(path: str | Path, device: torch.device | str = "cpu") -> tuple[IntegralPoseNet, Config]:
    """Rebuild the network a checkpoint describes and load its weights (strictly)."""
    cfg = read_checkpoint_config(path)
    model = build_model(cfg)
    load_weights(model, path)
    return model.to(device).eval(), cfg


def load_weights(module: torch.nn.Module, path: str | Path,
                 rename: Callable[[dict[str, torch.Tensor]], dict[str, torch.Tensor]] | None = None) -> None:
    """Strictly load a safetensors state dict (keys mapped by ``rename``) into ``module``, naming what does not fit."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"weights file not found: {path}")
    state = load_file(str(path))
    if rename is not None:
        state = rename(state)
    expected = module.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [k for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or wrong:
        raise CheckpointError(f"{path}: does not fit {type(module).__name__}: {len(missing)} missing "
                              f"{missing[:3]}, {len(unexpected)} unexpected {unexpected[:3]}, "
                              f"{len(wrong)} of another shape {wrong[:3]}")
    module.load_state_dict(state)
