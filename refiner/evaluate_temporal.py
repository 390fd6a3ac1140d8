"""Single-frame vs temporal lifting on Human3.6M: P1, P2, MPJVE and acceleration error per action.

``python -m refiner.evaluate_temporal --data ../shared/data/h36m --subjects S8 --input gt``

Each (sequence, camera) is one track: the single-frame refiner lifts every frame alone, the temporal
models lift every frame from a window of the track resampled to their 25 Hz (refiner.temporal_inference,
as the pipeline does). ``--every k`` keeps every k-th frame of the input, i.e. a 50/k Hz video
(``--input sh`` is 10 Hz already). Conventions as refiner.evaluate: camera frame via the pelvis ray,
flip test and floor scale on by default. MPJVE is the mean per-joint velocity error, acceleration error
the mean per-joint ``|Δ²pred − Δ²gt|``, both root-relative, in mm per frame (²) at the input's rate.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from common.metrics import action_name, mpjpe, p_mpjpe
from common.atomic import write_json
from common.paths import WEIGHTS_DIR
from pipeline.jitter_eval import acceleration_error, smooth_sequence
from pipeline.smoother import OneEuroConfig
from refiner.adapt import adapt
from refiner.evaluate import DEFAULT_STYLE, load_eval_views
from refiner.floor_scale import sequence_scale
from refiner.h36m_data import ViewSequence
from refiner.inference import lift_joints
from refiner.lifter import default_weights
from refiner.temporal_inference import lift_track
from refiner.temporal_training_data import MOCAP_HZ
from refiner.viewing_frame import from_viewing_frame
from refiner.weights import load_temporal, load_weights

METRICS = ("p1", "p2", "mpjve", "accel")


def velocity_error(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-frame ``(N-1,)`` mean joint velocity error of root-relative ``(N, J, 3)`` sequences."""
    pred, target = pred - pred[:, :1], target - target[:, :1]
    return np.linalg.norm(np.diff(pred, axis=0) - np.diff(target, axis=0), axis=-1).mean(axis=-1)


def subsample(view: ViewSequence, every: int) -> ViewSequence:
    """Every ``every``-th frame of a view: the same motion seen by a slower camera."""
    if every == 1:
        return view
    keep = slice(None, None, every)
    return ViewSequence(view.sequence, view.camera, view.joints3d[keep], view.joints2d[keep], view.visible[keep],
                        view.frames[keep], view.rays[keep])


def lift_view(name: str, model: torch.nn.Module, stats, view: ViewSequence, style: str, flip_test: bool,
              history: int | None = None) -> np.ndarray:
    """Root-relative viewing-frame mm for every frame of the view, by the single-frame or a temporal model."""
    if name == "single":
        return lift_joints(model, stats, view.joints2d, view.visible, style, flip_test=flip_test)
    return lift_track(model, stats, view.frames / MOCAP_HZ, view.joints2d, view.visible, style, flip_test=flip_test,
                      history=history)


def view_errors(pred_vf: np.ndarray, view: ViewSequence, scale: str,
                one_euro: OneEuroConfig | None = None) -> dict[str, np.ndarray]:
    """Per-frame errors of one view (camera frame; body size from the floor unless ``scale='none'``;
    ``one_euro``: filtered first, as the pipeline's smoother does to the live 3D)."""
    pred = from_viewing_frame(pred_vf, view.rays)
    if scale == "floor":
        pred = pred * sequence_scale(pred, view.joints2d, view.visible, view.camera)
    ok = np.isfinite(pred).all(axis=(1, 2))
    pred, gt = pred[ok].astype(np.float64), view.joints3d[ok].astype(np.float64)
    if one_euro is not None and len(pred):
        pred = smooth_sequence(pred, view.frames[ok] / MOCAP_HZ, one_euro)
    out = {"p1": mpjpe(pred, gt), "p2": p_mpjpe(pred, gt)}
    out["mpjve"] = velocity_error(pred, gt) if len(pred) > 1 else np.zeros(0)
    out["accel"] = acceleration_error(pred, gt) if len(pred) > 2 else np.zeros(0)
    return out


def action_table(per_view: list[tuple[str, dict[str, np.ndarray]]]) -> dict[str, dict[str, float]]:
    """Pool per-frame errors by action; 'mean' is the mean over actions (as refiner.evaluate)."""
    pooled: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for sequence, errors in per_view:
        for metric, values in errors.items():
            pooled[action_name(sequence)][metric].append(values)
    table = {a: {**{m: float(np.concatenate(v[m]).mean()) for m in METRICS}, "frames": len(np.concatenate(v["p1"]))}
             for a, v in sorted(pooled.items())}
    if table:
        table["mean"] = {**{m: float(np.mean([r[m] for r in table.values()])) for m in METRICS},
                         "frames": sum(r["frames"] for r in table.values())}
    return table


def format_tables(tables: dict[str, dict]) -> str:
    names = list(tables)
    header = f"{'action':<14}{'frames':>8}" + "".join(f"{n + ' ' + m:>16}" for n in names for m in ("P1", "P2", "MPJVE", "accel"))
    lines = [header]
    for action in tables[names[0]]:
        row = f"{action:<14}{tables[names[0]][action]['frames']:>8d}"
        row += "".join(f"{tables[n][action][m]:>16.1f}" if m != "accel" else f"{tables[n][action][m]:>16.2f}"
                       for n in names for m in METRICS)
        lines.append(row)
    return "\n".join(lines)


def default_temporal_weights(variant: str) -> Path:
    return WEIGHTS_DIR / f"refiner_temporal_{variant}.safetensors"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="directory with mocap npz, SH npz and camera json")
    parser.add_argument("--subjects", nargs="*", default=["S8"])
    parser.add_argument("--input", choices=["gt", "sh"], default="gt")
    parser.add_argument("--style", choices=["h36m", "coco", "sh"], default=None, help="default: h36m for gt, sh for sh")
    parser.add_argument("--models", nargs="*", default=["single", "causal", "twosided"],
                        choices=["single", "causal", "twosided"])
    parser.add_argument("--single", type=Path, default=None, help="single-frame weights (default: shipped)")
    parser.add_argument("--causal", type=Path, default=None, help="causal temporal weights (default: shipped)")
    parser.add_argument("--twosided", type=Path, default=None, help="two-sided temporal weights (default: shipped)")
    parser.add_argument("--every", type=int, default=1, help="keep every k-th input frame (50/k Hz video)")
    parser.add_argument("--history", type=int, default=None,
                        help="temporal windows see at most this many model frames back (as a track that just began)")
    parser.add_argument("--cameras", nargs="*", default=None)
    parser.add_argument("--scale", choices=["floor", "none"], default="floor")
    parser.add_argument("--no-flip-test", dest="flip_test", action="store_false")
    parser.add_argument("--adapt-steps", type=int, default=0,
                        help="test-time adaptation (refiner.adapt) of the temporal models to each view's 2D first")
    parser.add_argument("--adapt-anchor", type=float, default=1.0, help="weight of adaptation's stay-close term")
    parser.add_argument("--one-euro", action="store_true",
                        help="One Euro filter (the pipeline's defaults) on every model's output, as the app smooths live 3D")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.every < 1:
        parser.error("--every must be >= 1")

    paths = {"single": args.single or default_weights(), "causal": args.causal or default_temporal_weights("causal"),
             "twosided": args.twosided or default_temporal_weights("twosided")}
    models = {}
    for name in args.models:
        model, stats, _ = load_weights(paths[name]) if name == "single" else load_temporal(paths[name], name)
        models[name] = (model, stats)
    style = args.style or DEFAULT_STYLE[args.input]
    one_euro = OneEuroConfig() if args.one_euro else None
    t0 = time.time()
    views = [subsample(v, args.every) for v in load_eval_views(args.data, args.subjects, args.input, args.cameras)]
    per_model: dict[str, list] = {name: [] for name in models}
    seconds = dict.fromkeys(models, 0.0)
    for view in tqdm(views, desc="sequences × cameras", mininterval=5.0):
        for name, (model, stats) in models.items():
            t = time.time()
            if args.adapt_steps > 0 and name != "single":
                model = adapt(model, stats, [(view.frames / MOCAP_HZ, view.joints2d, view.visible)], style,
                              args.adapt_steps, weights={"reprojection": 1.0, "anchor": args.adapt_anchor})
            pred = lift_view(name, model, stats, view, style, args.flip_test, args.history)
            seconds[name] += time.time() - t
            per_model[name].append((view.sequence, view_errors(pred, view, args.scale, one_euro)))
    tables = {name: action_table(rows) for name, rows in per_model.items()}
    print(f"input {args.input}/{style} every {args.every} (of 50 Hz), history {args.history}, adapt steps "
          f"{args.adapt_steps} (anchor {args.adapt_anchor}), scale {args.scale}, One Euro {args.one_euro}, flip test "
          f"{'on' if args.flip_test else 'off'}, subjects {args.subjects}, {len(views)} views, {time.time() - t0:.0f} s; "
          f"lifting s: {json.dumps({k: round(v) for k, v in seconds.items()})}", file=sys.stderr)
    print(format_tables(tables))
    if args.json:
        write_json(args.json, {"weights": {k: str(paths[k]) for k in models}, "input": args.input, "style": style,
                               "every": args.every, "history": args.history, "adapt_steps": args.adapt_steps,
                               "scale": args.scale, "flip_test": args.flip_test, "one_euro": args.one_euro,
                               "tables": tables})
    return tables


if __name__ == "__main__":
    main()
