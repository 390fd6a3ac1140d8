"""Evaluate the SE-ResNet integral estimator on Human3.6M: ``python -m pose.eval --cfg experiments/h36m/eval.yaml``.

As the seed evaluates: the predicted pixels and root-relative depths are lifted to the camera
frame by pinhole back-projection at the ground-truth root depth, then Protocol #1 (MPJPE after
root alignment) and #2 (after similarity Procrustes) are reported per action through the shared
``common.metrics``, the same code the refiner reports with.
"""
from __future__ import annotations

import argparse

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from common.device import pick_device
from common.metrics import format_table, mpjpe, p_mpjpe, per_action_table
from common.skeleton import H36M17
from pose.datasets.from_config import load_split
from pose.datasets.sample import DatasetError, back_project
from pose.datasets.training_set import PoseCropDataset
from pose.integral_decode import decode_predictions
from pose.seresnet_checkpoint import load_checkpoint
from pose.seresnet_config import Config, load_config, parse_overrides


@torch.no_grad()
def predict_camera_frame(model: torch.nn.Module, dataset: PoseCropDataset, device: torch.device, flip_test: bool,
                         batch_size: int, workers: int, progress: bool) -> np.ndarray:
    """Camera-frame predictions ``(N, J, 3)`` mm for every sample of ``dataset`` (in order)."""
    permutation = torch.as_tensor(H36M17.flip_permutation, device=device) if flip_test else None
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=workers)
    out = []
    for images, _, _, indices, inverse, depth_range in tqdm(loader, desc="evaluating", disable=not progress):
        coords, _ = model.predict(images.to(device), permutation)
        uv, depth = decode_predictions(coords.cpu().numpy(), inverse.numpy(), dataset.input_size, depth_range.numpy())
        for k, index in enumerate(indices.tolist()):
            s = dataset.samples[index]
            out.append(back_project(uv[k], depth[k] + s.joints_cam[0, 2], s.focal, s.principal))
    return np.stack(out)


def evaluate(cfg: Config, progress: bool = True) -> dict:
    """Per-action Protocol #1/#2 table of ``MODEL.RESUME`` on the configured test split."""
    device = pick_device(cfg.DEVICE)
    model, trained_cfg = load_checkpoint(cfg.MODEL.RESUME, device)
    samples = load_split(cfg.DATASET, train=False)
    if not all(s.has_3d for s in samples):
        raise DatasetError("the test split has samples without 3D ground truth; Protocol #1/#2 need 3D")
    dataset = PoseCropDataset(samples, trained_cfg.MODEL.INPUT_SIZE, trained_cfg.DATASET.RECT_3D_SIZE)
    pred = predict_camera_frame(model, dataset, device, cfg.TEST.FLIP_TEST, cfg.TEST.BATCH_SIZE,
                                cfg.TEST.WORKERS, progress)
    target = np.stack([s.joints_cam for s in samples])
    p1, p2 = mpjpe(pred, target), p_mpjpe(pred, target)
    sequences = np.array([s.sequence for s in samples])
    table = per_action_table((seq, p1[sequences == seq], p2[sequences == seq]) for seq in sorted(set(sequences)))
    return {"table": table, "p1": p1, "p2": p2, "pred": pred}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Evaluate the SE-ResNet integral estimator (Protocol #1/#2).")
    parser.add_argument("--cfg", required=True, help="YAML config with MODEL.RESUME, e.g. experiments/h36m/eval.yaml")
    parser.add_argument("opts", nargs="*", help="overrides such as MODEL.RESUME=runs/x/final.safetensors")
    args = parser.parse_args(argv)
    result = evaluate(load_config(args.cfg, parse_overrides(args.opts)))
    print(format_table(result["table"]))


if __name__ == "__main__":
    main()
