"""Measures what temporal smoothing does to lifted 3D: jitter (acceleration error) and MPJPE.

    python -m pipeline.jitter_eval --data ../shared/data/h36m --subjects S8

Feeds the Stacked-Hourglass 2D detections (10 Hz: every 5th frame of 50 Hz mocap) of every
sequence and camera through the shipped lifter, then compares raw and One Euro-smoothed
outputs against ground truth. Acceleration error is the mean over joints of
``|Δ²pred − Δ²gt|`` in mm per frame² (as in HMMR/VIBE), root-relative.
"""
from __future__ import annotations

import argparse
from dataclasses import asdict

import numpy as np
from tqdm import tqdm

from common.metrics import mpjpe
from pipeline.smoother import OneEuroConfig, OneEuroSmoother
from refiner import Lifter
from refiner.h36m_data import load_views
from refiner.inference import lift_joints
from refiner.viewing_frame import from_viewing_frame

MOCAP_HZ = 50.0


def acceleration_error(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-frame ``(N-2,)`` mean joint acceleration error of root-relative ``(N, J, 3)`` sequences."""
    pred = pred - pred[:, :1]
    target = target - target[:, :1]
    accel = pred[2:] - 2 * pred[1:-1] + pred[:-2]
    accel_gt = target[2:] - 2 * target[1:-1] + target[:-2]
    return np.linalg.norm(accel - accel_gt, axis=-1).mean(axis=-1)


def smooth_sequence(joints: np.ndarray, times: np.ndarray, config: OneEuroConfig) -> np.ndarray:
    smoother = OneEuroSmoother(config)
    return np.stack([smoother.smooth(np.array([1]), t, j[None])[0] for j, t in zip(joints, times)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder with the H36M npz files and cameras json")
    parser.add_argument("--subjects", nargs="+", default=["S8"])
    parser.add_argument("--weights", help="lifter weights (default: the shipped ones)")
    parser.add_argument("--min-cutoff", type=float, default=OneEuroConfig.min_cutoff)
    parser.add_argument("--beta", type=float, default=OneEuroConfig.beta)
    args = parser.parse_args(argv)
    config = OneEuroConfig(min_cutoff=args.min_cutoff, beta=args.beta)
    lifter = Lifter.load(args.weights)
    totals = {"raw": [[], []], "smoothed": [[], []]}
    for view in tqdm(load_views(args.data, args.subjects, source="sh"), desc="sequences"):
        # SH joints in the "sh" input style, as refiner.evaluate feeds them; the lifter answers in
        # each person's viewing frame, turned into the camera frame by the ray through the pelvis.
        lifted = lift_joints(lifter.model, lifter.stats, view.joints2d, view.visible, "sh")
        raw = from_viewing_frame(lifted, view.rays).astype(np.float64)
        ok = np.isfinite(raw).all(axis=(1, 2))
        raw, gt, times = raw[ok], view.joints3d[ok].astype(np.float64), view.frames[ok] / MOCAP_HZ
        if len(raw) < 3:
            continue
        smoothed = smooth_sequence(raw, times, config).astype(np.float64)
        for name, pred in (("raw", raw), ("smoothed", smoothed)):
            totals[name][0].append(mpjpe(pred, gt))
            totals[name][1].append(acceleration_error(pred, gt))
    print(f"One Euro {asdict(config)}; subjects {' '.join(args.subjects)}; SH 2D input at 10 Hz")
    print(f"{'':<10}{'MPJPE (mm)':>12}{'accel err (mm/frame^2)':>26}")
    for name, (p1, acc) in totals.items():
        print(f"{name:<10}{np.concatenate(p1).mean():>12.1f}{np.concatenate(acc).mean():>26.2f}")


if __name__ == "__main__":
    main()
