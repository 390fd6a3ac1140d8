"""BlazePose-full as a batched per-person estimator: 33 landmarks in frame pixels + 3D world."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from nets.blazepose import INPUT_SIZE, BlazePoseLandmarks
from pose.crops import crop_to_frame
from pose.estimators import BlazePoses2D, CropPoseEstimator

LANDMARKS = 33  # the graph's points 33..38 are auxiliary ROI points, not body landmarks


class BlazePoseEstimator(CropPoseEstimator):
    """Letterboxed square crops (``crop_scale`` x box) -> ``BlazePoses2D`` (layout blazepose33).

    ``scores`` are the landmark visibility probabilities (sigmoid of the visibility logit);
    ``world_landmarks`` are metres, hip-centred, y down; ``pose_flag`` is P(person in crop).
    """

    layout = "blazepose33"

    def __init__(self, name: str = "blazepose-full", weights: str | Path | None = None,
                 device: str | None = None, crop_scale: float = 1.25, max_batch: int | None = None,
                 runtime: str = "auto"):
        super().__init__(BlazePoseLandmarks(name), name, INPUT_SIZE, weights, device, crop_scale, max_batch,
                         runtime)

    def run(self, batch: torch.Tensor) -> dict[str, np.ndarray]:
        out = self.network(batch / 255.0)
        return {k: out[k].float().cpu().numpy() for k in ("landmarks", "world", "pose_flag")}

    def to_poses(self, out: dict[str, np.ndarray], transforms: np.ndarray) -> BlazePoses2D:
        landmarks = out["landmarks"][:, :LANDMARKS]
        scores = 1.0 / (1.0 + np.exp(-landmarks[..., 3]))
        return BlazePoses2D(crop_to_frame(landmarks[..., :2], transforms), scores, self.layout,
                            world_landmarks=out["world"][:, :LANDMARKS].astype(np.float32),
                            pose_flag=out["pose_flag"].astype(np.float32))

    def empty(self) -> BlazePoses2D:
        return BlazePoses2D(np.zeros((0, LANDMARKS, 2)), np.zeros((0, LANDMARKS)), self.layout,
                            world_landmarks=np.zeros((0, LANDMARKS, 3), np.float32),
                            pose_flag=np.zeros(0, np.float32))
