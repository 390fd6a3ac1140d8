"""The pipeline's 2D → 3D stage: ``Lifter.load().lift(poses2d) -> Poses3D``.

Accepts COCO-17, BlazePose-33 or H36M-17 pixels for a batch of people and returns H36M-17
root-relative millimetres (camera frame). Joints scoring below ``score_threshold`` (or NaN) are
masked, not imputed: the models were trained with randomly masked joints and see a visibility flag
per joint. People with fewer than 4 usable joints get NaN joints. ``flip_test=True`` also lifts each
person mirrored and averages (−0.7 mm P1 on Human3.6M, twice the cost); the app leaves it off for speed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from common.device import pick_device
from common.paths import WEIGHTS_DIR
from common.skeleton import to_h36m17
from common.types import Poses2D, Poses3D
from nets import open_network
from nets.onnx_export import BATCH
from refiner.inference import lift_features, make_features
from refiner.target import TargetStats
from refiner.weights import load_weights

DEFAULT_WEIGHTS_NAME = "refiner_fused.safetensors"
DEFAULT_SCORE_THRESHOLD = 0.3


def default_weights() -> Path:
    """The shipped weights in assets/weights/."""
    return WEIGHTS_DIR / DEFAULT_WEIGHTS_NAME


class Lifter:
    """A trained lifting network with its normalisation, ready for batched inference."""

    def __init__(self, model: torch.nn.Module, stats: TargetStats, architecture: str,
                 device: torch.device, score_threshold: float = DEFAULT_SCORE_THRESHOLD,
                 flip_test: bool = False, runtime: str = "auto") -> None:
        # ONNX Runtime on the CPU, torch (float32) on CUDA: see nets.runtime
        self.model = open_network(model, f"refiner-{architecture}", (BATCH, 17, 3), device, runtime,
                                  half_on_cuda=False)
        self.stats = TargetStats(stats.mean.to(device), stats.std.to(device))
        self.architecture = architecture
        self.device = device
        self.score_threshold = score_threshold
        self.flip_test = flip_test

    @classmethod
    def load(cls, weights: str | Path | None = None, device: str | torch.device | None = None,
             score_threshold: float = DEFAULT_SCORE_THRESHOLD, flip_test: bool = False,
             runtime: str = "auto") -> "Lifter":
        """Load ``weights`` (default: the shipped ones) onto ``device`` (default: cuda if available)."""
        model, stats, meta = load_weights(weights or default_weights())
        return cls(model, stats, meta["architecture"], pick_device(str(device) if device else None), score_threshold,
                   flip_test, runtime)

    def lift(self, poses2d: Poses2D, track_ids: np.ndarray | None = None, timestamp: float | None = None) -> Poses3D:
        """Pixels of N people in ``poses2d.layout`` → ``(N, 17, 3)`` root-relative mm (NaN when unliftable).

        ``track_ids`` and ``timestamp`` are accepted for the pipeline's sake and unused: each frame is
        lifted alone (refiner.temporal_lifter uses them)."""
        if len(poses2d) == 0:
            return Poses3D(np.zeros((0, 17, 3), np.float32))
        joints, scores = to_h36m17(poses2d.keypoints, poses2d.scores, poses2d.layout)
        visible = np.isfinite(scores) & (scores >= self.score_threshold)
        # Detector layouts have COCO-style torso and no H36M head joints (see refiner.inputs).
        style = "h36m" if poses2d.layout == "h36m17" else "coco"
        features, ok = make_features(joints, visible, style)
        out = lift_features(self.model, self.stats, features, device=self.device, flip_test=self.flip_test)
        out[~ok.numpy()] = np.nan
        return Poses3D(out)
