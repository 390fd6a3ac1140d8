"""Milliseconds per call of each network: torch (channels-last) vs ONNX Runtime (vs OpenVINO if installed).

    python -m nets.bench [--threads 2 1] [--repeats 30] [--startup]

Every network runs on the same random input in each runtime, in one process, so the ratios hold
even on a busy machine. OpenVINO is measured on the same exported ONNX files when ``openvino`` can
be imported (it is not a dependency). ``--startup`` also times the first export of every network
into an empty temporary cache, and the cached session creation.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nets.onnx_cache import onnx_path
from nets.onnx_export import BATCH, InputSpec
from nets.runtime import TorchNetwork, open_network


@dataclass
class Case:
    label: str
    name: str  # the network's cache name
    build: Callable[[], nn.Module]
    shape: tuple[int, ...]
    scale: float = 255.0
    spec: InputSpec | None = None  # default: the module's input_spec, as the stages use it


def _converted(name: str) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        from nets.convert_tfjs import builders
        from nets.weights import load_weights

        return load_weights(builders()[name](), None, name).eval()
    return build


def _lifter() -> nn.Module:
    from refiner.lifter import default_weights
    from refiner.weights import load_weights

    return load_weights(default_weights())[0]


def cases() -> list[Case]:
    return [
        Case("lightning, 1 crop", "movenet-lightning", _converted("movenet-lightning"), (1, 3, 192, 192)),
        Case("lightning, 8 crops", "movenet-lightning", _converted("movenet-lightning"), (8, 3, 192, 192)),
        Case("thunder, 1 crop", "movenet-thunder", _converted("movenet-thunder"), (1, 3, 256, 256)),
        Case("BlazePose full, 1 crop", "blazepose-full", _converted("blazepose-full"), (1, 3, 256, 256), 1.0),
        Case("MultiPose detector 256x352", "movenet-multipose", _converted("movenet-multipose"), (1, 3, 256, 352)),
        Case("MultiPose detector 576x768", "movenet-multipose", _converted("movenet-multipose"), (1, 3, 576, 768)),
        Case("lifter (fused), 16 people", "refiner-fused", _lifter, (16, 17, 3), 1.0, (BATCH, 17, 3)),
    ]


def median_ms(call: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _first(out) -> torch.Tensor:
    return next(iter(out.values())) if isinstance(out, dict) else out


def _openvino(path: Path, threads: int):
    try:
        import openvino as ov
    except ImportError:
        return None
    compiled = ov.Core().compile_model(str(path), "CPU", {"INFERENCE_NUM_THREADS": threads,
                                                         "PERFORMANCE_HINT": "LATENCY"})
    request = compiled.create_infer_request()
    return lambda x: request.infer({0: x})


@torch.inference_mode()
def run(threads: list[int], repeats: int) -> None:
    print("| network | threads | torch ms | onnxruntime ms | openvino ms | torch / ort | max abs diff |")
    print("|---|---|---|---|---|---|---|")
    for case in cases():
        module = case.build()
        spec = case.spec or module.input_spec
        x = torch.rand(case.shape, generator=torch.Generator().manual_seed(0)) * case.scale
        array = x.numpy()
        for n in threads:
            torch.set_num_threads(n)
            ref = TorchNetwork(case.build(), torch.device("cpu"))
            ort = open_network(module, case.name, spec, "cpu", "onnxruntime", threads=n)
            diff = float((_first(ort(x)) - _first(ref(x))).abs().max())
            t_torch = median_ms(lambda: ref(x), repeats)
            t_ort = median_ms(lambda: ort(array), repeats)
            ov = _openvino(onnx_path(module, case.name, spec), n)
            t_ov = f"{median_ms(lambda: ov(array), repeats):.1f}" if ov else "-"
            print(f"| {case.label} | {n} | {t_torch:.1f} | {t_ort:.1f} | {t_ov} | {t_torch / t_ort:.2f} | "
                  f"{diff:.1e} |", flush=True)


def startup() -> None:
    """First export into an empty cache, then session creation from the cache, per network."""
    print("\n| network | torch load s | first export + session s | cached session s |")
    print("|---|---|---|---|")
    seen = set()
    with tempfile.TemporaryDirectory() as folder:
        for case in cases():
            if case.name in seen:
                continue
            seen.add(case.name)
            start = time.perf_counter()
            module = case.build()
            t_load = time.perf_counter() - start
            spec = case.spec or module.input_spec
            start = time.perf_counter()
            open_network(module, case.name, spec, "cpu", "onnxruntime", cache=Path(folder))
            t_first = time.perf_counter() - start
            start = time.perf_counter()
            open_network(module, case.name, spec, "cpu", "onnxruntime", cache=Path(folder))
            t_cached = time.perf_counter() - start
            print(f"| {case.name} | {t_load:.2f} | {t_first:.1f} | {t_cached:.2f} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--startup", action="store_true", help="also time first export and cached start-up")
    args = parser.parse_args(argv)
    import onnxruntime

    print(f"torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, numpy {np.__version__}")
    run(args.threads, args.repeats)
    if args.startup:
        startup()


if __name__ == "__main__":
    main()
