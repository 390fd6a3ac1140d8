"""Exporting one of our PyTorch networks to an ONNX file (``torch.onnx.export``, the dynamo exporter).

An input spec names each input dimension: an int is fixed, ``BATCH`` is any N >= 1 (crop batches,
people to lift) and ``MULTIPLE_OF_32`` is any multiple of 32 (the detector's padded frame sides).
After export, constants are folded by onnxscript's optimiser without its size limit: our TF-style
stride-2 convs widen their kernels inside ``forward`` (``nets.layers.TfConv2d``), and a ``Pad`` left
on a weight makes ONNX Runtime's graph optimiser reject the model.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import torch
from torch import nn

from common.atomic import atomic_path

BATCH = "batch"
MULTIPLE_OF_32 = "x32"
InputSpec = tuple[int | str, ...]

INPUT_NAME = "input"
SINGLE_OUTPUT = "output"  # the output's name when forward returns one tensor (dict outputs keep their keys)
OUTPUT_KIND_KEY = "posescope.output_kind"  # "tensor" or "dict", so the runtime returns what forward returns
_MAX_BATCH = 4096
_MAX_MULTIPLE = 256  # 8192 px


def check_spec(spec: InputSpec) -> InputSpec:
    """``spec`` as a tuple, or a ValueError naming the entry that is neither an int nor a known dim."""
    spec = tuple(spec)
    for dim in spec:
        if not (isinstance(dim, int) and dim > 0) and dim not in (BATCH, MULTIPLE_OF_32):
            raise ValueError(f"input spec {spec}: {dim!r} is neither a positive int nor "
                             f"{BATCH!r} / {MULTIPLE_OF_32!r}")
    return spec


def example_input(spec: InputSpec, scale: float = 1.0) -> torch.Tensor:
    """A random float32 input fitting ``spec``, values in [0, scale)."""
    shape = [_example_size(i, dim) for i, dim in enumerate(check_spec(spec))]
    return torch.rand(shape, generator=torch.Generator().manual_seed(0)) * scale


def _example_size(index: int, dim: int | str) -> int:
    if dim == BATCH:
        return 2
    if dim == MULTIPLE_OF_32:
        return 256 + 32 * (index % 2)  # height and width differ, so the exporter keeps them apart
    return int(dim)


def _dynamic_shapes(spec: InputSpec) -> tuple[dict[int, object]]:
    dims: dict[int, object] = {}
    for i, dim in enumerate(spec):
        if dim == BATCH:
            dims[i] = torch.export.Dim(f"batch_{i}", min=1, max=_MAX_BATCH)
        elif dim == MULTIPLE_OF_32:
            dims[i] = 32 * torch.export.Dim(f"blocks_{i}", min=1, max=_MAX_MULTIPLE)
    return (dims,)


@torch.inference_mode(False)
def export_onnx(module: nn.Module, spec: InputSpec, path: Path) -> None:
    """Write ``module`` (float32, CPU, eval mode) as ONNX to ``path``, atomically, as one file."""
    import onnxscript.optimizer

    spec = check_spec(spec)
    module = module.eval()
    example = example_input(spec, 255.0)
    with torch.no_grad():
        sample = module(example)
    kind = "dict" if isinstance(sample, dict) else "tensor"
    output_names = list(sample) if kind == "dict" else [SINGLE_OUTPUT]
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's deprecation chatter, not ours to act on
        program = torch.onnx.export(module, (example,), None, input_names=[INPUT_NAME], output_names=output_names,
                                    dynamic_shapes=_dynamic_shapes(spec), dynamo=True, optimize=False,
                                    verbose=False)
    onnxscript.optimizer.optimize(program.model, input_size_limit=1 << 30, output_size_limit=1 << 30)
    program.model.metadata_props[OUTPUT_KIND_KEY] = kind
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, ".onnx") as tmp:
        program.save(tmp, external_data=False)
