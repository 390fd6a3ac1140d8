"""Lifting with a temporal model: windows of 2D → the 3D of each window's output frame. The one code
path used by validation, evaluation, the live (causal) stage and the two-sided pass over files."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from refiner.augment import FLIP, MIRROR_X
from refiner.inputs import apply_style
from refiner.target import TargetStats
from refiner.temporal_windows import MODEL_HZ, mirror, track_windows, window_features


def _as_tensors(joints2d, visible) -> tuple[torch.Tensor, torch.Tensor]:
    j = joints2d if torch.is_tensor(joints2d) else torch.from_numpy(np.asarray(joints2d, np.float32))
    v = visible if torch.is_tensor(visible) else torch.from_numpy(np.asarray(visible, bool))
    return j.float(), v.bool()


def _predict_mm(model: nn.Module, net: Callable[[torch.Tensor], torch.Tensor], stats: TargetStats,
                joints2d: torch.Tensor, visible: torch.Tensor, device: torch.device | str
                ) -> tuple[torch.Tensor, torch.Tensor]:
    features, ok = window_features(joints2d, visible, model.output_index)
    return stats.denormalize(net(features.to(device)).to(device)).cpu(), ok


@torch.inference_mode()
def lift_windows(model: nn.Module, stats: TargetStats, joints2d: np.ndarray | torch.Tensor,
                 visible: np.ndarray | torch.Tensor, style: str, flip_test: bool = False,
                 batch_size: int = 4096, device: torch.device | str = "cpu",
                 net: Callable[[torch.Tensor], torch.Tensor] | None = None) -> np.ndarray:
    """2D windows ``(M, T, 17, 2)`` px + visibility → root-relative mm ``(M, 17, 3)`` of each window's
    output frame (NaN where it cannot be lifted). ``flip_test`` averages with the mirrored input's answer.
    ``net`` runs the network instead of ``model`` itself (e.g. ONNX Runtime via nets.open_network)."""
    model.eval()
    net = net or model
    j, v = apply_style(*_as_tensors(joints2d, visible), style)
    out = []
    for i in range(0, len(j), batch_size):
        pred, ok = _predict_mm(model, net, stats, j[i:i + batch_size], v[i:i + batch_size], device)
        if flip_test:
            mirrored, _ = _predict_mm(model, net, stats, *mirror(j[i:i + batch_size], v[i:i + batch_size]), device)
            pred = (pred + mirrored[:, FLIP] * MIRROR_X) / 2
        pred[~ok] = float("nan")
        out.append(pred)
    return torch.cat(out).numpy() if out else np.zeros((0, 17, 3), np.float32)


def lift_track(model: nn.Module, stats: TargetStats, times: np.ndarray, joints2d: np.ndarray, visible: np.ndarray,
               style: str, output_times: np.ndarray | None = None, flip_test: bool = False,
               rate: float = MODEL_HZ, history: int | None = None, chunk: int = 4096,
               device: torch.device | str = "cpu") -> np.ndarray:
    """One track observed at ``times`` (s) → root-relative mm ``(M, 17, 3)`` at ``output_times``
    (default: every observation), each from a window resampled to the model's ``rate`` (``history``:
    see refiner.temporal_windows.track_windows)."""
    output_times = np.asarray(times if output_times is None else output_times, np.float64)
    out = [lift_windows(model, stats, *track_windows(times, joints2d, visible, output_times[i:i + chunk],
                                                     model.receptive_field, model.causal, rate, history),
                        style, flip_test, device=device)
           for i in range(0, len(output_times), chunk)]
    return np.concatenate(out) if out else np.zeros((0, 17, 3), np.float32)
