"""Cross-dataset check on HumanEva-I: P-MPJPE per camera and per action of lifters trained on Human3.6M.

``python -m refiner.evaluate_humaneva --data ../shared/data/humaneva [--causal W] [--twosided W]``

Each Validate (chunk, camera) track is lifted from its 2D ground truth mapped to H36M-17
(refiner.humaneva_data, 'sh' input style), temporal models from windows resampled from 60 Hz to
their 25 Hz as the pipeline does. The 15 shared joints are compared after a similarity Procrustes
alignment per frame (the 3D is world-frame and HumanEva's joint definitions differ from H36M's, so
absolute figures carry a skeleton offset; before/after comparisons of the same model do not).

``--adapt-steps N`` measures test-time adaptation (refiner.adapt): before lifting, a temporal model
is fine-tuned on the 2D of the tracks it is about to lift, one adaptation per (subject, camera), as
one user's videos from one camera would be.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from common.atomic import write_json
from common.metrics import p_mpjpe
from refiner.adapt import adapt
from refiner.evaluate_temporal import default_temporal_weights
from refiner.humaneva_data import H36M_OF_HUMANEVA, INPUT_STYLE, HumanEvaTrack, load_humaneva
from refiner.inference import lift_joints
from refiner.lifter import default_weights
from refiner.temporal_inference import lift_track
from refiner.weights import load_temporal, load_weights


def track_p2(name: str, model: torch.nn.Module, stats, track: HumanEvaTrack, flip_test: bool) -> np.ndarray:
    """Per-frame P-MPJPE (mm) over the 15 HumanEva joints of one track (frames that cannot be lifted dropped)."""
    if name == "single":
        pred = lift_joints(model, stats, track.joints2d, track.visible, INPUT_STYLE, flip_test=flip_test)
    else:
        pred = lift_track(model, stats, track.times, track.joints2d, track.visible, INPUT_STYLE, flip_test=flip_test)
    pred = pred[:, H36M_OF_HUMANEVA].astype(np.float64)
    ok = np.isfinite(pred).all(axis=(1, 2))
    return p_mpjpe(pred[ok], track.joints3d[ok].astype(np.float64))


def tables(per_track: list[tuple[HumanEvaTrack, np.ndarray]]) -> dict[str, dict[str, float]]:
    """Mean P2 by camera, by action and overall (pooled over frames)."""
    groups: dict[str, list[np.ndarray]] = defaultdict(list)
    for track, errors in per_track:
        for key in (f"camera {track.camera}", f"action {track.action}", "all"):
            groups[key].append(errors)
    return {k: {"p2": float(np.concatenate(v).mean()), "frames": int(sum(len(e) for e in v))}
            for k, v in sorted(groups.items())}


def evaluate(models: dict[str, tuple], tracks: list[HumanEvaTrack], flip_test: bool = True,
             adapt_options: dict | None = None) -> dict[str, dict]:
    """``{model name: tables}`` for ``models`` ``{name: (module, stats)}``; with ``adapt_options``
    (refiner.adapt.adapt's keywords) temporal models are adapted per (subject, camera) first."""
    rows: dict[str, list] = {name: [] for name in models}
    groups: dict[tuple[str, str], list[HumanEvaTrack]] = defaultdict(list)
    for track in tracks:
        groups[(track.subject, track.camera)].append(track)
    for group in tqdm(groups.values(), desc="HumanEva subject × camera", mininterval=5.0):
        for name, (model, stats) in models.items():
            if adapt_options and name != "single":
                model = adapt(model, stats, [(t.times, t.joints2d, t.visible) for t in group], INPUT_STYLE,
                              **adapt_options)
            rows[name].extend((track, track_p2(name, model, stats, track, flip_test)) for track in group)
    return {name: tables(r) for name, r in rows.items()}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="shared/data/humaneva (or the npz itself)")
    parser.add_argument("--split", default="Validate")
    parser.add_argument("--models", nargs="*", default=["single", "causal", "twosided"],
                        choices=["single", "causal", "twosided"])
    parser.add_argument("--single", type=Path, default=None, help="single-frame weights (default: shipped)")
    parser.add_argument("--causal", type=Path, default=None, help="causal temporal weights (default: shipped)")
    parser.add_argument("--twosided", type=Path, default=None, help="two-sided temporal weights (default: shipped)")
    parser.add_argument("--no-flip-test", dest="flip_test", action="store_false")
    parser.add_argument("--adapt-steps", type=int, default=0, help="test-time adaptation steps (0: none)")
    parser.add_argument("--adapt-lr", type=float, default=1e-4)
    parser.add_argument("--adapt-symmetry", type=float, default=0.0, help="weight of the bone-symmetry term")
    parser.add_argument("--adapt-anchor", type=float, default=1.0, help="weight of the stay-close-to-trained term")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    paths = {"single": args.single or default_weights(), "causal": args.causal or default_temporal_weights("causal"),
             "twosided": args.twosided or default_temporal_weights("twosided")}
    models = {name: (load_weights(paths[name]) if name == "single" else load_temporal(paths[name], name))[:2]
              for name in args.models}
    adapt_options = None
    if args.adapt_steps > 0:
        adapt_options = {"steps": args.adapt_steps, "lr": args.adapt_lr,
                         "weights": {"reprojection": 1.0, "symmetry": args.adapt_symmetry, "anchor": args.adapt_anchor}}
    result = evaluate(models, load_humaneva(args.data, args.split), args.flip_test, adapt_options)
    keys = list(next(iter(result.values())))
    print(f"{'P2 mm':<22}{'frames':>8}" + "".join(f"{n:>12}" for n in result))
    for key in keys:
        print(f"{key:<22}{result[args.models[0]][key]['frames']:>8d}" + "".join(f"{result[n][key]['p2']:>12.1f}" for n in result))
    if args.json:
        write_json(args.json, {"weights": {k: str(paths[k]) for k in models}, "split": args.split,
                               "flip_test": args.flip_test, "adapt": adapt_options, "tables": result})
    return result


if __name__ == "__main__":
    main()
