"""Saving and loading converted weights as safetensors, with the model name in the header.

Every file records which network it holds (``model`` in the safetensors metadata); loading a
file into the wrong network, a truncated file or a missing one raises a specific error that
names the file, instead of failing somewhere inside torch.
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file
from torch import nn

from common.paths import WEIGHTS_DIR

FORMAT = "posescope-tfjs-port/1"


class WeightsError(RuntimeError):
    """A weight file cannot be used for the requested model."""


class MissingWeightsError(WeightsError):
    """The weight file does not exist."""


class CorruptWeightsError(WeightsError):
    """The file is not readable safetensors, or its tensors do not fit the network."""


class WrongModelError(WeightsError):
    """The file holds weights of another model."""


def default_path(model: str) -> Path:
    return WEIGHTS_DIR / f"{model}.safetensors"


def save_weights(module: nn.Module, path: Path, model: str, metadata: dict[str, str]) -> None:
    """Write the state dict as float16 (the originals are float16-quantised, so this is lossless)."""
    tensors = {k: v.detach().to(torch.float16).contiguous() for k, v in module.state_dict().items()}
    for key, value in module.state_dict().items():
        if not torch.equal(tensors[key].float(), value.float()):
            raise WeightsError(f"{model}: {key} is not exactly representable in float16")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata={"model": model, "format": FORMAT, **metadata})


def read_metadata(path: Path) -> dict[str, str]:
    path = Path(path)
    if not path.is_file():
        raise MissingWeightsError(f"weight file {path} not found (converted weights live in {WEIGHTS_DIR}; "
                                  "re-create them with `python -m nets.convert_tfjs`)")
    try:
        with safe_open(str(path), framework="pt") as f:
            return dict(f.metadata() or {})
    except (SafetensorError, OSError, ValueError) as err:
        raise CorruptWeightsError(f"{path} is not a readable safetensors file: {err}") from err


def load_weights(module: nn.Module, path: Path | None, model: str) -> nn.Module:
    """Fill ``module`` from ``path`` (default: the bundled file for ``model``) after checking it."""
    path = Path(path) if path is not None else default_path(model)
    found = read_metadata(path).get("model")
    if found != model:
        raise WrongModelError(f"{path} holds weights for {found!r}, not {model!r}")
    expected = module.state_dict()
    try:
        with safe_open(str(path), framework="pt") as f:
            keys = set(f.keys())
            missing, extra = sorted(set(expected) - keys), sorted(keys - set(expected))
            if missing or extra:
                raise CorruptWeightsError(f"{path}: missing tensors {missing[:5]}, unexpected {extra[:5]}")
            state = {}
            for key in expected:
                tensor = f.get_tensor(key)
                if tensor.shape != expected[key].shape:
                    raise CorruptWeightsError(f"{path}: {key} has shape {tuple(tensor.shape)}, "
                                              f"expected {tuple(expected[key].shape)}")
                state[key] = tensor.to(expected[key].dtype)
    except (SafetensorError, OSError) as err:
        raise CorruptWeightsError(f"{path} could not be read: {err}") from err
    module.load_state_dict(state)
    return module
