"""The one door the stages use to run a network: ``open_network(module, name, spec, device, runtime)``.

On the CPU the network runs in ONNX Runtime, from an ONNX file exported from our own PyTorch module
(``nets.onnx_cache``: built at first use, cached, rebuilt when missing or unreadable); torch stays the
reference, the training code and the CUDA path (float16, channels-last). Whatever runs it, the
returned module is called like the torch module (tensor or numpy in) and returns what the torch
module's ``forward`` returns: one tensor or a dict of tensors, float32 on CPU. An ONNX Runtime that
cannot start (not installed, export or load failing twice) falls back to torch with a warning.
"""
from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from common.device import pick_device
from nets.onnx_cache import build, onnx_path
from nets.onnx_export import INPUT_NAME, OUTPUT_KIND_KEY, InputSpec

RUNTIMES = ("auto", "onnxruntime", "torch")


class RuntimeStartError(RuntimeError):
    """ONNX Runtime could not be started for a network (the caller falls back to torch)."""


def resolve_runtime(runtime: str, device: torch.device) -> str:
    """``auto`` is onnxruntime on the CPU and torch elsewhere; onnxruntime off the CPU is an error."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; choose from {', '.join(RUNTIMES)}")
    if runtime == "auto":
        return "onnxruntime" if device.type == "cpu" else "torch"
    if runtime == "onnxruntime" and device.type != "cpu":
        raise ValueError(f"the onnxruntime runtime runs on the CPU only, not on {device}; "
                         "use device cpu or runtime torch")
    return runtime


def open_network(module: nn.Module, name: str, spec: InputSpec, device: str | torch.device | None = None,
                 runtime: str = "auto", threads: int | None = None, half_on_cuda: bool = True,
                 cache: Path | None = None) -> nn.Module:
    """``module`` (float32 on the CPU, weights loaded) ready to run on ``device`` with ``runtime``.

    ``spec`` describes the input (``nets.onnx_export``); ``threads``: ONNX Runtime's intra-op
    threads (default: torch's thread count, which the pipeline sets); ``half_on_cuda``: run float16
    on CUDA; ``cache``: the folder for ONNX files (default ``nets.onnx_cache.onnx_dir()``).
    """
    device = pick_device(str(device) if device is not None else None)
    if resolve_runtime(runtime, device) == "onnxruntime":
        try:
            return OrtNetwork.open(module, name, spec, threads, cache)
        except RuntimeStartError as err:
            warnings.warn(f"{name}: ONNX Runtime could not start ({err}); running it in torch instead",
                          RuntimeWarning, stacklevel=2)
    return TorchNetwork(module, device, half=half_on_cuda and device.type == "cuda")


class TorchNetwork(nn.Module):
    """The torch module on its device: inputs cast to its dtype (float16 on CUDA) and channels-last."""

    runtime = "torch"

    def __init__(self, module: nn.Module, device: torch.device, half: bool = False):
        super().__init__()
        # channels-last helps the depthwise convs on CPU and GPU (it only changes 4-d weights)
        self.module = module.eval().to(device, memory_format=torch.channels_last)
        self.dtype = torch.float16 if half else torch.float32
        if half:
            self.module.half()
        self.device = device

    def forward(self, x: torch.Tensor | np.ndarray):
        x = torch.as_tensor(x)
        layout = torch.channels_last if x.ndim == 4 else torch.preserve_format
        return self.module(x.to(self.device, self.dtype, memory_format=layout))


class OrtNetwork(nn.Module):
    """An ONNX Runtime session (CPU execution provider) behind the torch module's call signature."""

    runtime = "onnxruntime"

    def __init__(self, session, name: str):
        super().__init__()
        self.session, self.name = session, name
        self.output_names = [o.name for o in session.get_outputs()]
        self.kind = session.get_modelmeta().custom_metadata_map.get(OUTPUT_KIND_KEY)
        inputs = [i.name for i in session.get_inputs()]
        if self.kind not in ("tensor", "dict") or inputs != [INPUT_NAME]:
            raise ValueError(f"not an export of ours (inputs {inputs}, output kind {self.kind!r})")

    @classmethod
    def open(cls, module: nn.Module, name: str, spec: InputSpec, threads: int | None = None,
             cache: Path | None = None) -> "OrtNetwork":
        """Load the cached export of ``module`` (building it first if missing, again if unreadable)."""
        try:
            import onnxruntime  # noqa: F401  (only to fail here, cleanly, when it is missing)
        except ImportError as err:
            raise RuntimeStartError(f"onnxruntime is not installed: {err}") from err
        threads = threads or torch.get_num_threads()
        try:
            path = onnx_path(module, name, spec, cache)
            if not path.is_file():
                build(module, name, spec, path, "no cached file")
            try:
                return cls(_session(path, threads), name)
            except Exception as err:  # ORT's load errors have no common base but Exception
                build(module, name, spec, path, f"the cached file could not be loaded: {err}")
                return cls(_session(path, threads), name)
        except Exception as err:
            raise RuntimeStartError(str(err)) from err

    def forward(self, x: torch.Tensor | np.ndarray):
        if torch.is_tensor(x):
            array = x.detach().to("cpu", torch.float32, memory_format=torch.contiguous_format).numpy()
        else:
            array = np.ascontiguousarray(x, dtype=np.float32)
        try:
            outputs = self.session.run(None, {INPUT_NAME: array})
        except Exception as err:
            raise ValueError(f"{self.name}: input of shape {array.shape} rejected by ONNX Runtime: {err}") from err
        tensors = [torch.from_numpy(o) for o in outputs]
        return dict(zip(self.output_names, tensors)) if self.kind == "dict" else tensors[0]


def _session(path: Path, threads: int):
    """A session with graph optimisations on, sequential execution, ``threads`` intra-op threads.

    Idle intra-op threads sleep instead of spinning: the pipeline's other stages need the cores
    (lightning, 2 threads, busy machine: 132 ms per call without spinning, 166 ms with). Memory:
    all sessions share one arena that grows by what is asked, not by powers of two; no memory
    pattern (it keeps a block per input shape, and the detector runs at two sizes) and no
    pre-packed weight copies: peak RSS stays at torch's level (docs/runtime.md), ~95 MB below
    ONNX Runtime's defaults on vtest.avi, at no measurable speed cost.
    """
    import onnxruntime as ort

    _register_shared_arena()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.use_env_allocators", "1")
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.disable_prepacking", "1")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@functools.cache
def _register_shared_arena() -> None:
    """One CPU arena for every session of this process (registered once: ONNX Runtime refuses twice)."""
    import onnxruntime as ort

    same_as_requested = 1  # arena_extend_strategy kSameAsRequested; 0 = kNextPowerOfTwo
    config = ort.OrtArenaCfg(0, same_as_requested, -1, -1)  # no limit, default chunk and dead-bytes sizes
    info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
    ort.create_and_register_allocator(info, config)
