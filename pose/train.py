"""Train the SE-ResNet integral estimator: ``python -m pose.train --cfg experiments/h36m/train.yaml``.

Seed recipe: Adam, L1 loss on normalised joint coordinates (depth masked for 2D-only samples),
step learning-rate schedule per epoch. Writes ``OUTPUT_DIR/latest.safetensors`` after each epoch
and ``OUTPUT_DIR/final.safetensors`` at the end (weights + config, see ``pose.seresnet_checkpoint``).
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from common.device import pick_device
from pose.augment_occlusion import load_voc_occluders
from pose.datasets.from_config import load_split
from pose.datasets.training_set import PoseCropDataset
from pose.integral import integral_l1_loss
from pose.seresnet_checkpoint import build_model, load_weights, save_checkpoint
from pose.seresnet_config import Config, load_config, parse_overrides
from pose.seresnet_pretrained import load_backbone_weights


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(cfg: Config, progress: bool = True) -> dict:
    """Run the configured training; returns the step count, last loss and checkpoint path."""
    seed_everything(cfg.SEED)
    device = pick_device(cfg.DEVICE)
    model = build_model(cfg)
    if cfg.MODEL.PRETRAINED:
        load_backbone_weights(model.backbone, cfg.MODEL.PRETRAINED)
    if cfg.MODEL.RESUME:
        load_weights(model, cfg.MODEL.RESUME)
    model.to(device).train()

    occluders = load_voc_occluders(cfg.DATASET.VOC)
    dataset = PoseCropDataset(load_split(cfg.DATASET, train=True), cfg.MODEL.INPUT_SIZE, cfg.DATASET.RECT_3D_SIZE,
                              augment=cfg.AUG, occluders=occluders, z_weight=cfg.DATASET.Z_WEIGHT, seed=cfg.SEED)
    loader = DataLoader(dataset, batch_size=cfg.TRAIN.BATCH_SIZE, shuffle=True, num_workers=cfg.TRAIN.WORKERS,
                        pin_memory=device.type == "cuda", drop_last=len(dataset) > cfg.TRAIN.BATCH_SIZE,
                        persistent_workers=cfg.TRAIN.WORKERS > 0)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.TRAIN.LR, weight_decay=cfg.TRAIN.WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.MultiStepLR(optimizer, cfg.TRAIN.LR_STEPS, cfg.TRAIN.LR_FACTOR)
    output = Path(cfg.OUTPUT_DIR)
    print(f"training SE-ResNet-{cfg.MODEL.DEPTH} on {len(dataset)} crops ({device}, "
          f"{len(occluders)} occluders) → {output}")

    step, loss_value, max_steps = 0, float("nan"), cfg.TRAIN.MAX_STEPS
    for epoch in range(cfg.TRAIN.EPOCHS):
        dataset.set_epoch(epoch)
        bar = tqdm(loader, desc=f"epoch {epoch + 1}/{cfg.TRAIN.EPOCHS}", disable=not progress, leave=False)
        for images, targets, weights, *_ in bar:
            images, targets, weights = (t.to(device, non_blocking=True) for t in (images, targets, weights))
            loss = integral_l1_loss(model(images), targets, weights)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step, loss_value = step + 1, float(loss.detach())
            bar.set_postfix(loss=f"{loss_value:.4f}")
            if step % cfg.TRAIN.PRINT_FREQ == 0 and not progress:
                print(f"epoch {epoch + 1} step {step} loss {loss_value:.4f}")
            if max_steps and step >= max_steps:
                break
        schedule.step()
        if (epoch + 1) % cfg.TRAIN.CHECKPOINT_EVERY == 0:
            save_checkpoint(output / "latest.safetensors", model, cfg, epoch=str(epoch + 1), step=str(step))
        if max_steps and step >= max_steps:
            break
    final = save_checkpoint(output / "final.safetensors", model, cfg, step=str(step))
    print(f"done: {step} steps, last loss {loss_value:.4f}, weights {final}")
    return {"steps": step, "loss": loss_value, "checkpoint": final}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the SE-ResNet integral 3D pose estimator.")
    parser.add_argument("--cfg", required=True, help="YAML config, e.g. experiments/h36m/train.yaml")
    parser.add_argument("--no-progress", action="store_true", help="print every TRAIN.PRINT_FREQ steps instead")
    parser.add_argument("opts", nargs="*", help="overrides such as TRAIN.EPOCHS=2 MODEL.DEPTH=18")
    args = parser.parse_args(argv)
    train(load_config(args.cfg, parse_overrides(args.opts)), progress=not args.no_progress)


if __name__ == "__main__":
    main()
