"""Underfitting or overfitting? A temporal lifter's error on a training subject beside a held-out one.

    python -m tools.temporal_fit checkpoints/temporal_twosided_w512/last.safetensors --subjects S1 S8

The windows and metrics are train_temporal's validation (25 Hz, GT 2D in the h36m and the app's COCO style,
no flip test, no floor scale), every ``--stride``-th frame. Near-equal errors mean the network cannot fit even what it was
trained on (make it bigger, regularise less); a training error far below the held-out one means it fits
its subjects and the data or the regularisation is the limit.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from refiner.train_temporal import validate, validation_windows
from refiner.weights import load_weights


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, help="temporal lifter weights (either variant)")
    parser.add_argument("--subjects", nargs="+", default=["S1", "S8"])
    parser.add_argument("--data", default="../shared/data/h36m", help="relative paths are from the repository root")
    parser.add_argument("--stride", type=int, default=40, help="every k-th 50 Hz frame is an output frame")
    args = parser.parse_args(argv)
    model, stats, _ = load_weights(args.weights, "temporal")
    for subject in args.subjects:
        data = {"dir": str(args.data), "val_subjects": [subject], "val_stride": args.stride}
        errors = validate(model, stats, validation_windows({"data": data}, model))
        print(f"{subject}: P1 {errors['gt_p1']:.1f} mm, P2 {errors['gt_p2']:.1f} mm "
              f"(COCO style {errors['gt_coco_p1']:.1f} / {errors['gt_coco_p2']:.1f})")


if __name__ == "__main__":
    main()
