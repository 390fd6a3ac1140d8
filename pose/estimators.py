"""Per-person 2D pose estimators: all crops of a frame go through the network as one batch.

``estimate(rgb_frame, boxes_xyxy) -> Poses2D`` in frame pixels. Each box becomes a square crop
(``crop_scale`` x its longer side, centred on the box) by an affine warp; the network's crop
coordinates are mapped back through the exact inverse of that warp.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from common.device import pick_device
from common.image_input import as_boxes, as_rgb_uint8
from common.types import Poses2D
from nets import open_network
from nets.weights import load_weights
from pose.crops import crop_to_frame, square_crop_transforms, warp_crops


class CropPoseEstimator:
    """Shared crop -> batch -> map-back logic; subclasses say how to run and read the network."""

    layout: str = ""

    def __init__(self, model: nn.Module, model_name: str, input_size: int, weights: str | Path | None,
                 device: str | None, crop_scale: float, max_batch: int | None, runtime: str = "auto"):
        self.device = pick_device(device)
        self.input_size, self.crop_scale = input_size, crop_scale
        # On CPU the per-person cost rises beyond ~2 crops per batch (thunder's activations leave
        # the cache: 40 ms/person at 2, 50 at 8), so big crop lists run in chunks there.
        self.max_batch = max_batch or (2 if self.device.type == "cpu" else 64)
        self.model_name = model_name
        self.network = open_network(load_weights(model, weights, model_name), model_name, model.input_spec,
                                    self.device, runtime)

    def crops(self, image: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, S, S, 3) uint8 crops and their (N, 2, 3) frame -> crop transforms."""
        transforms = square_crop_transforms(boxes, self.input_size, self.crop_scale)
        return warp_crops(image, transforms, self.input_size), transforms

    def to_tensor(self, crops: np.ndarray) -> torch.Tensor:
        """(N, 3, S, S) view of the uint8 crops; the network casts it to its device, dtype and layout."""
        return torch.from_numpy(crops).permute(0, 3, 1, 2)

    @torch.inference_mode()
    def estimate(self, image: np.ndarray, boxes: np.ndarray) -> Poses2D:
        image, boxes = as_rgb_uint8(image), as_boxes(boxes)
        if len(boxes) == 0:
            return self.empty()
        crops, transforms = self.crops(image, boxes)
        chunks = [self.run(self.to_tensor(crops[i:i + self.max_batch]))
                  for i in range(0, len(crops), self.max_batch)]
        return self.to_poses({k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}, transforms)

    def run(self, batch: torch.Tensor) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def to_poses(self, out: dict[str, np.ndarray], transforms: np.ndarray) -> Poses2D:
        raise NotImplementedError

    def empty(self) -> Poses2D:
        raise NotImplementedError


class MoveNetEstimator(CropPoseEstimator):
    """MoveNet thunder (256 px, accurate) or lightning (192 px, fast): COCO-17."""

    layout = "coco17"

    def __init__(self, name: str = "movenet-thunder", weights: str | Path | None = None,
                 device: str | None = None, crop_scale: float = 1.25, max_batch: int | None = None,
                 runtime: str = "auto"):
        from nets.movenet import MoveNetSinglePose

        model = MoveNetSinglePose(name)
        if max_batch is None and name == "movenet-lightning" and pick_device(device).type == "cpu":
            max_batch = 8  # lightning's 192 px activations still fit the cache at 8: 6.4 ms/person vs 10 at 2
        super().__init__(model, name, model.input_size, weights, device, crop_scale, max_batch, runtime)

    def run(self, batch: torch.Tensor) -> dict[str, np.ndarray]:
        return {"yxs": self.network(batch).float().cpu().numpy()}

    def to_poses(self, out: dict[str, np.ndarray], transforms: np.ndarray) -> Poses2D:
        yxs = out["yxs"]
        crop_xy = yxs[..., [1, 0]] * self.input_size  # normalised -> continuous crop pixels
        return Poses2D(crop_to_frame(crop_xy, transforms), yxs[..., 2], self.layout)

    def empty(self) -> Poses2D:
        return Poses2D(np.zeros((0, 17, 2)), np.zeros((0, 17)), self.layout)


@dataclass
class BlazePoses2D(Poses2D):
    """BlazePose output: 33 landmarks in frame pixels plus per-person 3D world landmarks."""

    world_landmarks: np.ndarray | None = None  # (N, 33, 3) metres, hip-centred, y down
    pose_flag: np.ndarray | None = None  # (N,) probability that a person is in the crop


ESTIMATORS = ("movenet-thunder", "movenet-lightning", "blazepose-full")


def make_estimator(name: str, device: str | None = None, weights: str | Path | None = None,
                   **kwargs) -> CropPoseEstimator:
    """An estimator by model name: movenet-thunder, movenet-lightning or blazepose-full."""
    if name not in ESTIMATORS:
        raise ValueError(f"unknown pose estimator {name!r}; choose from {ESTIMATORS}")
    if name.startswith("movenet-"):
        return MoveNetEstimator(name, weights, device, **kwargs)
    from pose.blazepose_estimator import BlazePoseEstimator

    return BlazePoseEstimator(name, weights, device, **kwargs)
