"""Batched lifting of 2D joint arrays with a trained model: the one code path used by validation,
evaluation and the pipeline's Lifter."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from refiner.augment import FLIP, MIRROR_X
from refiner.inputs import apply_style, liftable, normalize_2d
from refiner.target import TargetStats


def make_features(joints2d: np.ndarray | torch.Tensor, visible: np.ndarray | torch.Tensor, style: str
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """H36M-17 pixels + visibility → model features ``(N, 17, 3)`` and the ``(N,)`` liftable mask."""
    j = torch.as_tensor(np.asarray(joints2d, np.float32) if not torch.is_tensor(joints2d) else joints2d).float()
    v = torch.as_tensor(np.asarray(visible, bool) if not torch.is_tensor(visible) else visible).bool()
    j, v = apply_style(j, v, style)
    return normalize_2d(j, v), liftable(v, j)


def _predict_mm(model: nn.Module, stats: TargetStats, features: torch.Tensor, flip_test: bool) -> torch.Tensor:
    """One batch → root-relative mm; with ``flip_test`` averaged with the prediction for the mirrored
    input (mirrored back), which cancels some of the network's left/right asymmetric errors."""
    out = stats.denormalize(model(features))
    if flip_test:
        mirror = MIRROR_X.to(features.device)
        mirrored = stats.denormalize(model(features[:, FLIP] * mirror))[:, FLIP] * mirror
        out = (out + mirrored) / 2
    return out


@torch.inference_mode()
def lift_features(model: nn.Module, stats: TargetStats, features: torch.Tensor, batch_size: int = 8192,
                  device: torch.device | str = "cpu", flip_test: bool = False) -> np.ndarray:
    """Features → root-relative mm ``(N, 17, 3)`` float32, in eval mode."""
    model.eval()
    out = [_predict_mm(model, stats, features[i:i + batch_size].to(device), flip_test).cpu()
           for i in range(0, len(features), batch_size)]
    return torch.cat(out).numpy() if out else np.zeros((0, 17, 3), np.float32)


def lift_joints(model: nn.Module, stats: TargetStats, joints2d: np.ndarray, visible: np.ndarray, style: str,
                batch_size: int = 8192, flip_test: bool = False) -> np.ndarray:
    """H36M-17 pixels → root-relative mm; people that cannot be lifted get NaN."""
    features, ok = make_features(joints2d, visible, style)
    out = lift_features(model, stats, features, batch_size, flip_test=flip_test)
    out[~ok.numpy()] = np.nan
    return out
