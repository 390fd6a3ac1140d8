"""Test-time adaptation ("adapt to this video"): fine-tune a temporal lifter on a video's own 2D tracks.

Nothing in a user's video has 3D labels, but its 2D tracks say a lot about its camera, people and
motion. The lifter is fine-tuned on windows of those tracks with the label-free terms of
refiner.losses (the lifted pose, projected, must reproduce the 2D it came from; optionally bone
symmetry). Cross-dataset, the same terms on HumanEva's 2D cut P-MPJPE by 7–8 mm (docs/refiner.md).

The network stays in evaluation mode while it adapts (batch-norm statistics and dropout as trained),
few steps at a small learning rate: one video is little data, and reprojection alone does not pin
depth down, so the adapted model must stay close to the trained one. Hence the ``anchor`` term: the
squared difference to the trained model's own output for the same window (standardised units, as the
supervised loss). Without it, 100 steps on one noisy Stacked-Hourglass view of Human3.6M drifted from
65.8 to 114.4 mm P1 (docs/refiner.md). The caller's model is not changed; an adapted copy is returned.
"""
from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from refiner.losses import label_free_terms
from refiner.target import TargetStats
from refiner.temporal_batches import FRAME_FEATURES, batch_windows, draw_frames
from refiner.temporal_training_data import TrackSet
from refiner.temporal_windows import MODEL_HZ, resample

DEFAULT_WEIGHTS = {"reprojection": 1.0, "anchor": 1.0}  # symmetry measured slightly worse on HumanEva
Track = tuple[np.ndarray, np.ndarray, np.ndarray]  # times (s), H36M-17 px (N, 17, 2), visible (N, 17)


def tracks_at_model_rate(tracks: list[Track], detected: bool) -> TrackSet | None:
    """Every track resampled to the model's 25 Hz over its observed span (gaps bridged as in the
    pipeline); ``None`` when no track spans two model frames."""
    resampled = []
    for times, joints2d, visible in tracks:
        times = np.asarray(times, np.float64)
        if len(times) < 2 or times[-1] - times[0] < 1.0 / MODEL_HZ:
            continue
        grid = np.arange(times[0], times[-1] + 1e-9, 1.0 / MODEL_HZ)
        j, v = resample(times, joints2d, visible, grid)
        resampled.append((j, v, np.full((len(grid), 17, 3), np.nan, np.float32)))
    return TrackSet.from_tracks(resampled, detected) if resampled else None


def adapt(model: nn.Module, stats: TargetStats, tracks: list[Track], style: str = "coco", steps: int = 100,
          batch_size: int = 256, lr: float = 1e-4, weights: dict[str, float] | None = None, seed: int = 0,
          progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None
          ) -> nn.Module:
    """A copy of the temporal ``model`` fine-tuned on ``tracks`` (input ``style`` as the lifter sees them:
    'coco' for the app's estimators, 'sh' for head-top input). Returns the model unchanged (a copy)
    when the tracks are too short to form windows. ``progress(step, steps)`` after each step; a
    ``cancelled()`` that turns true stops early with the steps done so far."""
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    device = next(model.parameters()).device
    adapted = copy.deepcopy(model).cpu().eval()  # windows are built on the CPU; a few hundred steps
    reference = copy.deepcopy(adapted)
    stats = TargetStats(stats.mean.cpu(), stats.std.cpu())
    track_set = tracks_at_model_rate(tracks, detected=style == "sh")
    if track_set is None or steps <= 0:
        return adapted.to(device)
    generator = torch.Generator().manual_seed(seed)
    aug = {"strides": {1: 1.0}, "style_probs": {style: 1.0}, "joint_dropout": 0.0, "flip": 0.5, "truncate": 0.2}
    optimizer = torch.optim.Adam(adapted.parameters(), lr=lr)
    for step in range(steps):
        if cancelled is not None and cancelled():
            break
        features, _, rows = batch_windows(track_set, draw_frames(track_set, batch_size, generator), adapted, aug,
                                          generator)
        frame = features[:, adapted.output_index, :FRAME_FEATURES].reshape(-1, 17, 3)
        output = adapted(features)
        parts = label_free_terms(stats.denormalize(output), frame, rows, weights)
        if weights.get("anchor", 0) > 0:
            with torch.no_grad():
                trained = reference(features)
            parts["anchor"] = ((output - trained) ** 2).mean()
        loss = sum(weights[k] * v for k, v in parts.items())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if progress is not None:
            progress(step + 1, steps)
    return adapted.eval().to(device)
