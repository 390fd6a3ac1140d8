"""Compare our PyTorch ports with outputs the official TF.js runtime computed.

    python -m pose.oracle_check FILE.npz [FILE.npz ...] [--runtime onnxruntime]

Each file holds ``input/<placeholder>`` arrays and ``output/<node>`` arrays (the format of
``shared/data/tfjs_reference`` and ``tests/fixtures``); the model is the file name up to its
first dot (``movenet-thunder.crop2.npz`` -> movenet-thunder). Prints the max abs error per
output and exits non-zero if any exceeds its tolerance: 1e-4 for MoveNet (normalised
coordinates and scores) and for BlazePose heatmaps, pose flag and world landmarks; 1e-3 for
BlazePose landmarks (pixels) and segmentation. ``--runtime onnxruntime`` runs the network through
the CPU runtime (``nets.open_network``) instead of torch; BlazePose's heatmap and segmentation are
not part of the runtime's graph and are skipped there.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

MOVENET_TOL = 1e-4
# BlazePose: landmarks (x, y, z px; logits) and the segmentation are ill-conditioned in float32
# (our float32 vs float64 differ by 1.2e-3 px in z and 2.5e-4 in segmentation), so 1e-3 there.
BLAZEPOSE_TOL = {"Identity_2": 1e-3, "Identity_1": 1e-3}
BLAZEPOSE_PROB_TOL = 1e-4  # heatmaps, pose flag, world landmarks (metres)


def model_name(path: Path) -> str:
    return Path(path).name.split(".", 1)[0]


def tolerance(model: str, output: str) -> float:
    if model.startswith("blazepose"):
        return BLAZEPOSE_TOL.get(output, BLAZEPOSE_PROB_TOL)
    return MOVENET_TOL


def load_module(model: str, weights: Path | None = None) -> torch.nn.Module:
    """Our port of ``model`` with its bundled (or given) weights, in eval mode on the CPU."""
    from nets.convert_tfjs import builders
    from nets.weights import load_weights

    if model not in builders():
        raise ValueError(f"no port for model {model!r}; known: {sorted(builders())}")
    return load_weights(builders()[model](), weights, model).eval()


@torch.inference_mode()
def check_file(path: Path, module: torch.nn.Module | None = None,
               runtime: str = "torch") -> list[tuple[str, str, float, float]]:
    """(input, output, max abs error, tolerance) for every input/output pair in ``path``."""
    model = model_name(path)
    module = module if module is not None else load_module(model)
    network = None if runtime == "torch" else _runtime_network(module, model, runtime)
    rows = []
    with np.load(path) as data:
        inputs = [k for k in data.files if k.startswith("input/")]
        outputs = [k for k in data.files if k.startswith("output/")]
        if not inputs or not outputs:
            raise ValueError(f"{path} needs input/* and output/* arrays, has {data.files}")
        for key in inputs:
            ours = module.tfjs_outputs(torch.from_numpy(np.asarray(data[key])), network)
            for out_key in outputs:
                name = out_key.removeprefix("output/")
                if name not in ours and network is not None:
                    continue  # not part of the runtime's graph (BlazePose heatmap, segmentation)
                if name not in ours:
                    raise ValueError(f"{path}: our {model} port has no output {name!r}")
                ref = data[out_key]
                got = ours[name].float().numpy()
                if got.shape != ref.shape:
                    raise ValueError(f"{path}: {name} shape {got.shape} differs from reference {ref.shape}")
                rows.append((key, name, float(np.abs(got - ref).max()), tolerance(model, name)))
    return rows


def _runtime_network(module: torch.nn.Module, model: str, runtime: str) -> torch.nn.Module:
    """``module`` opened on the CPU in ``runtime``; an error (not torch's fallback) if it cannot start."""
    from nets import open_network

    network = open_network(module, model, module.input_spec, "cpu", runtime)
    if network.runtime != runtime:
        raise RuntimeError(f"{model}: runtime {runtime} could not start (see the warning above)")
    return network


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--runtime", choices=("torch", "onnxruntime"), default="torch",
                        help="what runs the network (default: torch, the reference)")
    args = parser.parse_args(argv)
    failed = False
    for path in args.files:
        for key, name, err, tol in check_file(path, runtime=args.runtime):
            ok = err <= tol
            failed |= not ok
            print(f"{path.name}: {key} -> {name}: max abs error {err:.3g} (tolerance {tol:g}) {'ok' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
