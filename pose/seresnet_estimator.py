"""The SE-ResNet integral estimator as a pipeline stage: frame + person boxes → 2D joints (+ its own 3D).

Each box is made square, enlarged by ``TEST.BOX_PADDING`` (so that it spans about what the
seed's 2000 mm training crop spans for a standing adult) and cropped at the trained input size;
all crops of a frame run as one batch. ``estimate`` returns H36M-17 pixels for the tracker
crops and the refiner; the network's own root-relative 3D of the same call is kept in
``last_poses3d`` (also returned by ``estimate_3d``) for comparison with the refiner. That 3D is
weak-perspective: the crop is taken to span ``RECT_3D_SIZE`` mm in x, y and depth, as in training.
There are no published weights for this model: it is built only from a checkpoint the user trained.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from common.device import pick_device
from common.skeleton import H36M17
from common.types import Poses2D, Poses3D
from pose.augment import crop_matrix, invert, warp
from pose.integral_decode import crops_to_tensor, decode_predictions
from pose.seresnet_checkpoint import CheckpointError, load_checkpoint


class SEResNetPoseEstimator:
    """H36M-17 pose estimator over person boxes, loaded from a trained checkpoint."""

    layout = "h36m17"

    def __init__(self, model: torch.nn.Module, input_size: int, rect_mm: float, device: torch.device,
                 box_padding: float = 1.2, flip_test: bool = True) -> None:
        self.model, self.input_size, self.rect_mm = model.eval(), input_size, rect_mm
        self.device, self.box_padding = device, box_padding
        self.flip_permutation = torch.as_tensor(H36M17.flip_permutation, device=device) if flip_test else None
        self.last_poses3d: Poses3D | None = None

    @classmethod
    def from_checkpoint(cls, path: str | Path | None, device: str | None = None,
                        flip_test: bool | None = None) -> "SEResNetPoseEstimator":
        """Load ``path`` (a ``.safetensors`` written by ``pose.train``); a clear error if absent."""
        if not path:
            raise CheckpointError("the SE-ResNet estimator needs trained weights: pass the .safetensors "
                                  "written by `python -m pose.train` (no pretrained weights are published)")
        torch_device = pick_device(device)
        model, cfg = load_checkpoint(path, torch_device)
        return cls(model, cfg.MODEL.INPUT_SIZE, cfg.DATASET.RECT_3D_SIZE, torch_device, cfg.TEST.BOX_PADDING,
                   cfg.TEST.FLIP_TEST if flip_test is None else flip_test)

    @torch.no_grad()
    def _infer(self, image: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        image = np.asarray(image)
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"image must be (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}")
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        n, j = len(boxes), H36M17.num_joints
        if n == 0:
            return np.zeros((0, j, 2)), np.zeros((0, j)), np.zeros((0, j, 3))
        centers = (boxes[:, :2] + boxes[:, 2:]) / 2
        sides = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]).clip(min=1.0) * self.box_padding
        matrices = [crop_matrix(c, s, self.input_size) for c, s in zip(centers, sides)]
        crops = np.stack([warp(image, m, self.input_size) for m in matrices])
        coords, scores = self.model.predict(crops_to_tensor(crops).to(self.device), self.flip_permutation)
        coords = coords.cpu().numpy()
        uv, _ = decode_predictions(coords, np.stack([invert(m) for m in matrices]), self.input_size,
                                   np.full(n, self.rect_mm))
        joints_3d = (coords - coords[:, :1]) * self.rect_mm
        return uv, scores.cpu().numpy(), joints_3d

    def estimate(self, image: np.ndarray, boxes: np.ndarray) -> Poses2D:
        """H36M-17 joints in frame pixels for each ``xyxy`` box; the 3D goes to ``last_poses3d``."""
        uv, scores, joints_3d = self._infer(image, boxes)
        self.last_poses3d = Poses3D(joints_3d)
        return Poses2D(uv, scores, self.layout)

    def estimate_3d(self, image: np.ndarray, boxes: np.ndarray) -> Poses3D:
        """The network's own root-relative 3D (mm, camera axes, weak perspective) for each box."""
        self.estimate(image, boxes)
        assert self.last_poses3d is not None
        return self.last_poses3d
