"""Where exported ONNX files live and when they must be rebuilt.

A file is named by a key over everything that decides its content: the network's name, its weights
(every tensor of the state dict), the source files of its module classes (so an edited ``forward``
is never served from an old export), the input spec, and the torch / onnx / onnxscript /
onnxruntime versions. Change any of them and the next use exports a new file; nothing is downloaded.
Files go to ``common.paths.cache_dir() / "onnx"`` (``$POSESCOPE_CACHE`` to move it); a new build
removes the older files of the same network there, and deleting the folder is always safe.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import logging
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch
from torch import nn

from common.paths import cache_dir
from nets import onnx_export
from nets.onnx_export import InputSpec, check_spec, export_onnx

log = logging.getLogger(__name__)
_TOOLS = ("torch", "onnx", "onnxscript", "onnxruntime")


def onnx_dir() -> Path:
    return cache_dir() / "onnx"


def weights_hash(module: nn.Module) -> str:
    """sha256 over every state-dict tensor (name, dtype, shape, bytes)."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def code_hash(module: nn.Module) -> str:
    """sha256 over the source files of every module class in ``module`` and of the exporter."""
    files = {Path(inspect.getsourcefile(type(m))) for m in module.modules()} | {Path(onnx_export.__file__)}
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    found = {}
    for tool in _TOOLS:
        try:
            found[tool] = version(tool)
        except PackageNotFoundError:
            found[tool] = "absent"
    return found


def cache_key(module: nn.Module, name: str, spec: InputSpec) -> str:
    fields = {"name": name, "spec": list(check_spec(spec)), "weights": weights_hash(module),
              "code": code_hash(module), "tools": tool_versions()}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:20]


def onnx_path(module: nn.Module, name: str, spec: InputSpec, folder: Path | None = None) -> Path:
    """The cache file for this network, weights, code, spec and tool versions (may not exist yet)."""
    return Path(folder or onnx_dir()) / f"{name}-{cache_key(module, name, spec)}.onnx"


def build(module: nn.Module, name: str, spec: InputSpec, path: Path, reason: str = "") -> Path:
    """Export ``module`` to ``path`` (atomic: a crash leaves no partial file), logging why.

    Older exports of the same network in that folder (other weights, code or versions) are removed.
    """
    log.warning("%s: exporting to ONNX%s, once (%s)", name, f" ({reason})" if reason else "", path)
    export_onnx(module, spec, path)
    older = re.compile(re.escape(name) + r"-[0-9a-f]{20}\.onnx")
    for sibling in path.parent.iterdir():
        if sibling != path and older.fullmatch(sibling.name):
            sibling.unlink(missing_ok=True)
    return path
