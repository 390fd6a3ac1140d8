"""Train a temporal lifter: ``python -m refiner.train_temporal --cfg refiner/configs/temporal_causal.yaml``.

VideoPose3D-style "one output per window" training on Human3.6M tracks (refiner.temporal_training_data):
each step draws output frames at random, builds their windows at a random temporal stride (speed /
frame-rate augmentation around the model's 25 Hz), sometimes cut short as at a track's start or end,
and applies the single-frame refiner's augmentations per window (mirror, input style, masked joints).
Seeded and resumable like refiner.train (``last``/``best``/``state`` safetensors, ``log.jsonl``).

Self-supervision (config ``unlabelled`` + ``loss``): part of each batch comes from 2D-only tracks
(Human3.6M subjects whose 3D is never read, or HumanEva's 2D for cross-dataset adaptation) and is
trained by the label-free terms of refiner.losses (reprojection, bone symmetry) alone.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from common.metrics import mpjpe, p_mpjpe
from common.paths import REPO_ROOT
from refiner.losses import label_free_terms, supervised
from refiner.models import build_model
from refiner.target import TargetStats
from refiner.temporal_batches import FRAME_FEATURES, Source, mixed_batch
from refiner.temporal_inference import lift_windows
from refiner.temporal_training_data import humaneva_track_set, load_track_sets
from refiner.train import load_config, load_state, resolve, save_epoch, start_run
from refiner.weights import load_temporal, load_weights
from refiner.widen import widen_temporal

MODEL_STRIDE = 2  # 50 Hz mocap frames per model frame (25 Hz)


def unlabelled_sources(cfg: dict, aug: dict) -> list[Source]:
    """2D-only windows for the self-supervised terms (config ``unlabelled``): Human3.6M subjects whose 3D
    is never read, or HumanEva's 2D (cross-dataset adaptation)."""
    spec = cfg.get("unlabelled")
    if not spec:
        return []
    u_aug = {**aug, "strides": spec.get("strides", aug["strides"])}
    if spec["source"] == "humaneva":
        return [(humaneva_track_set(resolve(spec["dir"]), spec.get("split", "Train")), 1.0, u_aug)]
    if spec["source"] != "h36m":
        raise ValueError(f"unknown unlabelled source {spec['source']!r}; use h36m or humaneva")
    sh_fraction = spec.get("sh_fraction", 0.0)
    gt, sh = load_track_sets(resolve(spec["dir"]), spec["subjects"], sh_fraction > 0)
    sources = [(gt.without_targets(), 1.0 - sh_fraction, u_aug)]
    return sources + ([(sh.without_targets(), sh_fraction, u_aug)] if sh is not None else [])


def validation_windows(cfg: dict, model: torch.nn.Module) -> dict[str, tuple]:
    """Fixed S8 (held-out) windows at the model's rate, every ``val_stride``-th frame, two input styles."""
    data = cfg["data"]
    if not data.get("val_subjects"):
        return {}
    gt, _ = load_track_sets(resolve(data["dir"]), data["val_subjects"], with_detections=False)
    frames = torch.arange(0, len(gt), data.get("val_stride", 10))
    j2, vis = gt.windows(frames, torch.full((len(frames),), MODEL_STRIDE), model.receptive_field, model.causal)
    target = gt.target[frames].numpy()
    return {"gt": (j2, vis, target, "h36m"), "gt_coco": (j2, vis, target, "coco")}


def validate(model: torch.nn.Module, stats: TargetStats, sets: dict[str, tuple]) -> dict[str, float]:
    out = {}
    for name, (j2, vis, target, style) in sets.items():
        pred = lift_windows(model, stats, j2, vis, style)
        out[f"{name}_p1"] = float(mpjpe(pred, target).mean())
        out[f"{name}_p2"] = float(p_mpjpe(pred, target).mean())
    return out


def train(cfg: dict, out: Path, resume: bool = False, threads: int | None = None, init: Path | None = None) -> dict:
    """Run the configured training (from ``init`` weights of the same variant, if given, with their
    normalisation, a fresh optimiser and schedule; widened if the config is wider); returns the last
    epoch's log row."""
    tcfg, data, aug, generator = start_run(cfg, out, threads)
    t_load = time.time()
    gt, sh = load_track_sets(resolve(data["dir"]), data["train_subjects"], data.get("sh_fraction", 0) > 0)
    model_cfg = cfg["model_config"]
    model = build_model("temporal", model_cfg)
    val_sets = validation_windows(cfg, model)
    stats = TargetStats.fit(gt.target)
    if init is not None:
        start_model, stats, _ = load_temporal(init, "causal" if model.causal else "twosided")
        if start_model.head.in_channels < model.head.in_channels:  # a wider config: same function, more room
            start_model = widen_temporal(start_model, model.head.in_channels, generator=generator)
        model.load_state_dict(start_model.state_dict())
    print(f"loaded {len(gt)} GT + {len(sh) if sh else 0} SH frames in {time.time() - t_load:.0f} s; "
          f"receptive field {model.receptive_field}, {sum(p.numel() for p in model.parameters())} parameters",
          file=sys.stderr)

    extra = {"command": " ".join(["python -m refiner.train_temporal"] + sys.argv[1:]),
             "train_subjects": data["train_subjects"], "val_subjects": data["val_subjects"], "config": cfg,
             "model_hz": 50.0 / MODEL_STRIDE}
    optimizer = torch.optim.Adam(model.parameters(), lr=tcfg["lr"], weight_decay=tcfg.get("weight_decay", 0.0))
    epochs, batch, per_epoch = tcfg["epochs"], tcfg["batch_size"], data["samples_per_epoch"]
    steps_per_epoch = math.ceil(per_epoch / batch)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(epochs * steps_per_epoch, 1),
                                                           eta_min=tcfg["lr"] * tcfg.get("min_lr_ratio", 0.01))
    start, best = 0, float("inf")
    if resume and (out / "state.safetensors").exists():
        weights, stats, _ = load_weights(out / "last.safetensors", "temporal")
        model.load_state_dict(weights.state_dict())
        start, best = load_state(out / "state.safetensors", optimizer, scheduler, generator)
        scheduler.T_max = max(epochs * steps_per_epoch, 1)
        print(f"resumed {out} at epoch {start}", file=sys.stderr)

    sh_fraction = data.get("sh_fraction", 0.0) if sh is not None else 0.0
    labelled = [(gt, 1.0 - sh_fraction, aug)] + ([(sh, sh_fraction, aug)] if sh_fraction else [])
    unlabelled = unlabelled_sources(cfg, aug)
    n_unlabelled = int(round(batch * cfg["unlabelled"].get("fraction", 0.5))) if unlabelled else 0
    loss_weights = cfg.get("loss", {})
    row: dict = {}
    for epoch in range(start, epochs):
        model.train()
        t0, totals = time.time(), defaultdict(float)
        bar = tqdm(range(steps_per_epoch), desc=f"temporal epoch {epoch + 1}/{epochs}", leave=False, mininterval=5.0)
        for _ in bar:
            features, target, _ = mixed_batch(labelled, batch - n_unlabelled, model, generator)
            if n_unlabelled:  # one forward pass, so batch norm sees labelled and unlabelled windows together
                u_features, _, u_rows = mixed_batch(unlabelled, n_unlabelled, model, generator)
                features = torch.cat([features, u_features])
            output = model(features)
            parts = {"supervised": supervised(output[:len(target)], stats.normalize(target))}
            if n_unlabelled:
                frame = u_features[:, model.output_index, :FRAME_FEATURES].reshape(-1, 17, 3)
                parts.update(label_free_terms(stats.denormalize(output[len(target):]), frame, u_rows, loss_weights))
            loss = parts["supervised"] + sum(loss_weights[k] * v for k, v in parts.items() if k != "supervised")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if tcfg.get("max_grad_norm"):
                torch.nn.utils.clip_grad_norm_(model.parameters(), tcfg["max_grad_norm"])
            optimizer.step()
            scheduler.step()
            for k, v in parts.items():
                totals[k] += float(v.detach())
            bar.set_postfix(loss=f"{float(parts['supervised'].detach()):.4f}", refresh=False)
        row = {"epoch": epoch + 1, "seconds": round(time.time() - t0, 1), "lr": scheduler.get_last_lr()[0],
               **{f"train_{k}": v / steps_per_epoch for k, v in totals.items()}, **validate(model, stats, val_sets)}
        score = np.mean([row[k] for k in ("gt_p1", "gt_coco_p1") if k in row]) if val_sets else -epoch
        best = save_epoch(out, row, score, best, (model, "temporal", model_cfg, stats, extra),
                          (optimizer, scheduler, generator))
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cfg", required=True, help="YAML config (refiner/configs/temporal_*.yaml)")
    parser.add_argument("--out", default=None, help="checkpoint directory (default checkpoints/<config name>)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="config overrides, e.g. train.epochs=3")
    parser.add_argument("--resume", action="store_true", help="continue from --out/state.safetensors")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--init", type=Path, default=None, help="start from these weights (fine-tuning)")
    args = parser.parse_args(argv)
    cfg = load_config(args.cfg, args.set)
    train(cfg, Path(args.out or REPO_ROOT / "checkpoints" / Path(args.cfg).stem), args.resume, args.threads, args.init)


if __name__ == "__main__":
    main()
