"""Train a lifter: ``python -m refiner.train --model {linear,gcn,fused} --cfg refiner/configs/X.yaml``.

Mirrors the seed's ``main_linear.py`` / ``main_gcn.py --mode train``: seeded, resumable
(``--resume``), checkpoints every epoch into ``--out`` (``last``/``best`` weights + optimiser state),
a tqdm progress bar, and a per-epoch learning curve in ``log.jsonl``.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import yaml
from safetensors.torch import load_file, save_file
from tqdm import tqdm

from common.metrics import mpjpe, p_mpjpe
from refiner.augment import apply_styles, drop_joints, flip, style_rows
from refiner.inference import lift_joints
from refiner.inputs import normalize_2d
from refiner.losses import total_loss
from refiner.models import build_model
from refiner.target import TargetStats
from refiner.training_data import Samples, TrainingSet
from refiner.weights import WeightsError, load_weights, save_weights

from common.paths import REPO_ROOT


def load_config(path: str | Path, overrides: list[str]) -> dict:
    """YAML config with ``key.sub=value`` overrides (values parsed as YAML)."""
    cfg = yaml.safe_load(Path(path).read_text())
    for item in overrides:
        key, _, value = item.partition("=")
        node = cfg
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(value)
    return cfg


def resolve(path: str) -> Path:
    """Config paths are relative to the repository root."""
    p = Path(path)
    return p if p.is_absolute() else REPO_ROOT / p


def validation_sets(cfg: dict) -> dict[str, tuple[Samples, str]]:
    """Small fixed validation sets (name → samples, input style) from the held-out subjects."""
    data, val = cfg["data"], cfg["data"]["val_subjects"]
    if not val:
        return {}
    gt = TrainingSet.load(resolve(data["dir"]), val, 1, 0).gt
    stride = data.get("val_stride", 10)
    sets = {"gt": (gt.take(torch.arange(0, len(gt), stride)), "h36m"),
            "gt_coco": (gt.take(torch.arange(0, len(gt), stride)), "coco")}
    if data.get("sh_stride", 0) > 0:
        sh = TrainingSet.load(resolve(data["dir"]), val, 1, 1).sh
        sets["sh"] = (sh.take(torch.arange(0, len(sh), max(stride // 5, 1))), "sh")
    return sets


def validate(model: torch.nn.Module, stats: TargetStats, sets: dict[str, tuple[Samples, str]]) -> dict[str, float]:
    """P1/P2 in mm over all samples of each validation set."""
    out = {}
    for name, (s, style) in sets.items():
        pred = lift_joints(model, stats, s.joints2d.numpy(), s.visible.numpy(), style)
        target = s.target.numpy()  # both in the viewing frame: the same rotation leaves P1/P2 unchanged
        out[f"{name}_p1"] = float(mpjpe(pred, target).mean())
        out[f"{name}_p2"] = float(p_mpjpe(pred, target).mean())
    return out


def batch_inputs(b: Samples, aug: dict, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, dict]:
    """Augment one batch and build its features; returns (features, target mm, style rows)."""
    j2, j3, vis = b.joints2d, b.target, b.visible
    j2, j3, vis = flip(j2, j3, vis, torch.rand(len(j2), generator=generator) < aug.get("flip", 0.0))
    rows = style_rows(len(j2), aug["style_probs"], generator)
    rows = {s: m & ~b.detected for s, m in rows.items()}
    rows["sh"] = rows.get("sh", torch.zeros_like(b.detected)) | b.detected
    j2, vis = apply_styles(j2, vis, rows)
    vis = drop_joints(vis, aug.get("joint_dropout", 0.0), generator)
    return normalize_2d(j2, vis), j3, rows


def init_fused(model: torch.nn.Module, cfg: dict) -> TargetStats:
    """Start the fused model from trained branch weights; returns their (shared) target stats."""
    lin, lin_stats, _ = load_weights(resolve(cfg["init"]["linear"]), "linear")
    gcn, gcn_stats, _ = load_weights(resolve(cfg["init"]["gcn"]), "gcn")
    if not torch.allclose(lin_stats.mean, gcn_stats.mean, atol=1e-2):
        raise WeightsError("the linear and gcn branch weights were trained with different target statistics")
    model.linear.load_state_dict(lin.state_dict())
    model.gcn.load_state_dict(gcn.state_dict())
    if cfg["init"].get("freeze_branches", False):
        for p in list(model.linear.parameters()) + list(model.gcn.parameters()):
            p.requires_grad_(False)
    return lin_stats


def save_state(path: Path, optimizer: torch.optim.Optimizer, scheduler, epoch: int, best: float,
               generator: torch.Generator) -> None:
    """Optimiser/scheduler/RNG state for --resume, as safetensors + JSON metadata."""
    sd = optimizer.state_dict()
    tensors = {f"opt.{i}.{k}": v.contiguous() for i, st in sd["state"].items() for k, v in st.items()}
    tensors["rng"] = generator.get_state()
    tensors["torch_rng"] = torch.get_rng_state()
    meta = {"epoch": str(epoch), "best": str(best), "param_groups": json.dumps(sd["param_groups"]),
            "scheduler": json.dumps(scheduler.state_dict())}
    save_file(tensors, str(path), metadata=meta)


def load_state(path: Path, optimizer: torch.optim.Optimizer, scheduler, generator: torch.Generator) -> tuple[int, float]:
    from safetensors import safe_open
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
    tensors = load_file(str(path))
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("opt."):
            _, idx, name = key.split(".", 2)
            state.setdefault(int(idx), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": json.loads(meta["param_groups"])})
    scheduler.load_state_dict(json.loads(meta["scheduler"]))
    generator.set_state(tensors["rng"])
    torch.set_rng_state(tensors["torch_rng"])
    return int(meta["epoch"]), float(meta["best"])


def start_run(cfg: dict, out: Path, threads: int | None) -> tuple[dict, dict, dict, torch.Generator]:
    """Threads, seeds and output folder of a training run; the config's train/data/augment sections
    and the seeded generator that draws its batches (shared by every refiner training script)."""
    if threads:
        torch.set_num_threads(threads)
    tcfg, data, aug = cfg["train"], cfg["data"], cfg["augment"]
    torch.manual_seed(tcfg.get("seed", 0))
    generator = torch.Generator().manual_seed(tcfg.get("seed", 0))
    out.mkdir(parents=True, exist_ok=True)
    return tcfg, data, aug, generator


def train(architecture: str, cfg: dict, out: Path, resume: bool = False, threads: int | None = None) -> dict:
    """Run the configured training; returns the last epoch's log row."""
    tcfg, data, aug, generator = start_run(cfg, out, threads)

    train_set = TrainingSet.load(resolve(data["dir"]), data["train_subjects"], data["gt_stride"], data.get("sh_stride", 0))
    val_sets = validation_sets(cfg)
    model_cfg = cfg.get("model_config", {})
    model = build_model(architecture, model_cfg)
    stats = init_fused(model, cfg) if architecture == "fused" and cfg.get("init") else TargetStats.fit(train_set.gt.target)
    frozen = architecture == "fused" and cfg.get("init", {}).get("freeze_branches", False)

    extra = {"command": " ".join(["python -m refiner.train", "--model", architecture] + sys.argv[1:]),
             "train_subjects": data["train_subjects"], "val_subjects": data["val_subjects"], "config": cfg}
    if tcfg["epochs"] == 0:  # e.g. a fused model that only averages its trained branches
        row = {"epoch": 0, **validate(model, stats, val_sets)}
        for name in ("last", "best"):
            save_weights(out / f"{name}.safetensors", model, architecture, model_cfg, stats, extra)
        print(json.dumps(row), flush=True)
        return row
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=tcfg["lr"], weight_decay=tcfg.get("weight_decay", 0.0))
    epochs, batch = tcfg["epochs"], tcfg["batch_size"]
    steps_per_epoch = math.ceil(len(train_set.epoch(torch.Generator().manual_seed(0))) / batch)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(epochs * steps_per_epoch, 1),
                                                           eta_min=tcfg["lr"] * tcfg.get("min_lr_ratio", 0.01))
    start, best = 0, float("inf")
    if resume and (out / "state.safetensors").exists():
        weights, stats, _ = load_weights(out / "last.safetensors", architecture)  # keep its normalisation
        model.load_state_dict(weights.state_dict())
        start, best = load_state(out / "state.safetensors", optimizer, scheduler, generator)
        scheduler.T_max = max(epochs * steps_per_epoch, 1)  # the run may have been extended
        print(f"resumed {out} at epoch {start}", file=sys.stderr)

    row: dict = {}
    for epoch in range(start, epochs):
        model.train()
        if frozen:
            model.linear.eval(), model.gcn.eval()
        samples, t0, sums = train_set.epoch(generator), time.time(), {}
        bar = tqdm(range(0, len(samples), batch), desc=f"{architecture} epoch {epoch + 1}/{epochs}", leave=False,
                   mininterval=2.0)
        for i in bar:
            features, target, rows = batch_inputs(samples.take(torch.arange(i, min(i + batch, len(samples)))), aug, generator)
            loss, parts = total_loss(model, stats, features, target, rows, cfg.get("loss", {}))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if tcfg.get("max_grad_norm"):
                torch.nn.utils.clip_grad_norm_(params, tcfg["max_grad_norm"])
            optimizer.step()
            scheduler.step()
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v
            bar.set_postfix(loss=f"{parts['supervised']:.4f}", refresh=False)
        n_batches = max(len(bar), 1)
        row = {"epoch": epoch + 1, "seconds": round(time.time() - t0, 1), "lr": scheduler.get_last_lr()[0],
               **{f"train_{k}": v / n_batches for k, v in sums.items()}, **validate(model, stats, val_sets)}
        score = np.mean([row[k] for k in ("gt_p1", "gt_coco_p1") if k in row]) if val_sets else -epoch
        best = save_epoch(out, row, score, best, (model, architecture, model_cfg, stats, extra),
                          (optimizer, scheduler, generator))
    return row


def save_epoch(out: Path, row: dict, score: float, best: float, weights: tuple, state: tuple) -> float:
    """Checkpoint a finished epoch: ``last`` (and, when ``score`` beats ``best``, ``best``) weights from
    ``weights`` = (model, architecture, model config, stats, extra), the resume state from ``state`` =
    (optimizer, scheduler, generator) and a ``log.jsonl`` line; returns the best score so far."""
    save_weights(out / "last.safetensors", *weights)
    if score < best:
        best = float(score)
        save_weights(out / "best.safetensors", *weights)
    optimizer, scheduler, generator = state
    save_state(out / "state.safetensors", optimizer, scheduler, row["epoch"], best, generator)
    with open(out / "log.jsonl", "a") as log:
        log.write(json.dumps(row) + "\n")
    print(json.dumps(row), flush=True)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, choices=["linear", "gcn", "fused"])
    parser.add_argument("--cfg", required=True, help="YAML config (refiner/configs/*.yaml)")
    parser.add_argument("--out", default=None, help="checkpoint directory (default checkpoints/<model>)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="config overrides, e.g. train.epochs=3")
    parser.add_argument("--resume", action="store_true", help="continue from --out/state.safetensors")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    args = parser.parse_args(argv)
    cfg = load_config(args.cfg, args.set)
    train(args.model, cfg, Path(args.out or REPO_ROOT / "checkpoints" / args.model), args.resume, args.threads)


if __name__ == "__main__":
    main()
