"""Evaluate a lifter on Human3.6M with Protocols #1 (MPJPE) and #2 (P-MPJPE), per action.

``python -m refiner.evaluate --data ../shared/data/h36m --subjects S8 --input gt [--weights W] [--json OUT]``

Every frame of every requested camera is evaluated (``--input sh``: every frame that has a
Stacked-Hourglass detection, i.e. every 5th). Subjects are found from the keys inside the npz
files, so any directory with the same kinds of files works; a directory holding the VideoPose3D
files (``data_3d_h36m.npz``) is read with that layout instead.

By default predictions are averaged with those for the mirrored input (``--no-flip-test`` turns
it off) and each sequence's body size is set from the calibrated camera and the floor
(``--scale floor``, see refiner.floor_scale; ``--scale none`` keeps the network's typical size).
Neither uses the 3D ground truth.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

from common.atomic import write_json
from common.metrics import format_table, mpjpe, p_mpjpe, per_action_table
from refiner.camera import load_cameras
from refiner.floor_scale import sequence_scale
from refiner.h36m_data import ViewSequence, find_files, load_views, subjects_in
from refiner.inference import lift_joints
from refiner.lifter import default_weights
from refiner.videopose3d import is_videopose3d_dir, load_videopose3d_views
from refiner.viewing_frame import from_viewing_frame
from refiner.weights import load_weights

DEFAULT_STYLE = {"gt": "h36m", "sh": "sh"}


def load_eval_views(data_dir: Path, subjects: list[str] | None, source: str, camera_ids: list[str] | None,
                    cameras_json: Path | None = None, input_2d: Path | None = None) -> list[ViewSequence]:
    """Views to evaluate from either supported layout."""
    if is_videopose3d_dir(data_dir):
        cams_path = cameras_json or next(iter(sorted(data_dir.glob("*cameras*.json"))), None)
        if cams_path is None:
            raise FileNotFoundError(f"{data_dir}: VideoPose3D layout needs --cameras h36m_cameras.json")
        if not subjects:
            raise ValueError("--subjects is required for the VideoPose3D layout")
        views = load_videopose3d_views(data_dir / "data_3d_h36m.npz", load_cameras(cams_path), subjects, input_2d)
        return [v for v in views if camera_ids is None or v.camera_id in camera_ids]
    subjects = subjects or subjects_in(find_files(data_dir))
    return load_views(data_dir, subjects, source, camera_ids)


def evaluate_views(model: torch.nn.Module, stats, views: list[ViewSequence], style: str,
                   flip_test: bool = True, scale: str = "floor") -> dict:
    """Per-action P1/P2 table over all frames of ``views`` (lifted in one vectorised pass)."""
    joints2d = np.concatenate([v.joints2d for v in views])
    visible = np.concatenate([v.visible for v in views])
    target = np.concatenate([v.joints3d for v in views])
    # The model predicts in the viewing frame; the pelvis pixel's ray turns it into the camera frame.
    pred = from_viewing_frame(lift_joints(model, stats, joints2d, visible, style, flip_test=flip_test),
                              np.concatenate([v.rays for v in views]))
    bounds = np.cumsum([0] + [len(v.joints2d) for v in views])
    if scale == "floor":
        for v, a, b in zip(views, bounds[:-1], bounds[1:]):
            pred[a:b] *= sequence_scale(pred[a:b], v.joints2d, v.visible, v.camera)
    elif scale != "none":
        raise ValueError(f"unknown scale {scale!r}; use 'floor' or 'none'")
    p1, p2 = mpjpe(pred, target), p_mpjpe(pred, target)
    return per_action_table((v.sequence, p1[a:b], p2[a:b]) for v, a, b in zip(views, bounds[:-1], bounds[1:]))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="directory with mocap npz, SH npz and camera json")
    parser.add_argument("--subjects", nargs="*", default=None, help="e.g. S8 (default: every subject in the data)")
    parser.add_argument("--weights", type=Path, default=None, help="refiner weights (default: shipped)")
    parser.add_argument("--input", choices=["gt", "sh"], default="gt", help="2D input: projected ground truth or SH detections")
    parser.add_argument("--style", choices=["h36m", "coco", "sh"], default=None,
                        help="input style (default: h36m for gt, sh for sh; coco = as the app's detectors)")
    parser.add_argument("--cameras", nargs="*", default=None, help="camera ids (default: all 4)")
    parser.add_argument("--cameras-json", type=Path, default=None, help="camera file for the VideoPose3D layout")
    parser.add_argument("--input-2d", type=Path, default=None, help="VideoPose3D 2D npz (default: projected gt)")
    parser.add_argument("--scale", choices=["floor", "none"], default="floor",
                        help="body size: from the calibrated camera and the floor (default) or the network's typical size")
    parser.add_argument("--no-flip-test", dest="flip_test", action="store_false",
                        help="do not average with the prediction for the mirrored input")
    parser.add_argument("--json", type=Path, default=None, help="write the table as JSON here")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    weights = args.weights or default_weights()
    model, stats, meta = load_weights(weights)
    style = args.style or DEFAULT_STYLE[args.input]
    t0 = time.time()
    views = load_eval_views(args.data, args.subjects, args.input, args.cameras, args.cameras_json, args.input_2d)
    table = evaluate_views(model, stats, views, style, args.flip_test, args.scale)
    print(f"{meta['architecture']} ({weights}), input {args.input}/{style}, scale {args.scale}, "
          f"flip test {'on' if args.flip_test else 'off'}, "
          f"subjects {sorted({v.subject for v in views})}, cameras {sorted({v.camera_id for v in views})}, "
          f"{time.time() - t0:.0f} s", file=sys.stderr)
    print(format_table(table))
    if args.json:
        write_json(args.json, {"weights": str(weights), "architecture": meta["architecture"],
                               "input": args.input, "style": style, "scale": args.scale,
                               "flip_test": args.flip_test, "table": table})
    return table


if __name__ == "__main__":
    main()
