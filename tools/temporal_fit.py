"""Underfitting or overfitting? A temporal lifter's error on a training subject beside a held-out one.

    python -m tools.temporal_fit checkpoints/temporal_twosided_w512/last.safetensors --subjects S1 S8

The windows and metrics are train_temporal's validation (25 Hz, GT 2D in the h36m style, no flip test, no
floor scale), every ``--stride``-th frame. Near-equal errors mean the network cannot fit even what it was
trained on (make it bigger, regularise less); a training error far below the held-out one means it fits
its subjects and the data or the regularisation is the limit.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from refiner.temporal_training_data import load_track_sets
from refiner.train_temporal import MODEL_STRIDE, validate
from refiner.weights import load_weights


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, help="temporal lifter weights (either variant)")
    parser.add_argument("--subjects", nargs="+", default=["S1", "S8"])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/h36m"))
    parser.add_argument("--stride", type=int, default=40, help="every k-th 50 Hz frame is an output frame")
    args = parser.parse_args(argv)
    model, stats, _ = load_weights(args.weights, "temporal")
    for subject in args.subjects:
        gt, _ = load_track_sets(args.data, [subject], with_detections=False)
        frames = torch.arange(0, len(gt), args.stride)
        j2, vis = gt.windows(frames, torch.full((len(frames),), MODEL_STRIDE), model.receptive_field, model.causal)
        errors = validate(model, stats, {"gt": (j2, vis, gt.target[frames].numpy(), "h36m")})
        print(f"{subject}: P1 {errors['gt_p1']:.1f} mm, P2 {errors['gt_p2']:.1f} mm ({len(frames)} frames)")


if __name__ == "__main__":
    main()
