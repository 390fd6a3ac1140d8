"""Person detector: MoveNet MultiPose run as a CenterNet detector at (near) native resolution.

Inference size: people in surveillance-style video are small (vtest.avi: ~30x80 px), and the
network sees a person only at its own stride-4 resolution, so by default the frame is fed at
its native size, padded bottom/right to a multiple of 32 (no resampling, exact coordinates).
Frames whose longer side exceeds ``max_side`` are downscaled to it first; ``size=<int>`` forces
the longer side to that many pixels instead (faster, loses small people).
"""
from __future__ import annotations

import copy
from pathlib import Path

import cv2
import numpy as np
import torch
from torchvision.ops import nms

from common.device import pick_device
from common.image_input import as_rgb_uint8
from common.types import Detections
from nets import open_network
from nets.movenet_multipose import MODEL_NAME, MoveNetMultiPose
from nets.weights import load_weights

MULTIPLE = 32


class PersonDetector:
    """``detect(rgb_frame) -> Detections`` (boxes xyxy px, scores, coarse COCO-17 keypoints)."""

    def __init__(self, weights: str | Path | None = None, device: str | None = None,
                 score_threshold: float = 0.2, size: int | str = "native", max_side: int = 1280,
                 nms_iou: float = 0.6, min_center_score: float = 0.1, runtime: str = "auto"):
        _check_size(size)
        self.device = pick_device(device)
        self.size, self.max_side = size, max_side
        self.score_threshold, self.nms_iou, self.min_center_score = score_threshold, nms_iou, min_center_score
        self.model = load_weights(MoveNetMultiPose(), weights, MODEL_NAME).eval()  # its decode() runs on the maps
        self.network = open_network(self.model, MODEL_NAME, self.model.input_spec, self.device, runtime)
        self.half = self.device.type == "cuda"  # fp16 only where it is fast (cuda)

    def at_size(self, size: int | str, score_threshold: float | None = None) -> "PersonDetector":
        """The same network (shared, not loaded again) run at another inference ``size``."""
        _check_size(size)
        other = copy.copy(self)
        other.size = size
        if score_threshold is not None:
            other.score_threshold = score_threshold
        return other

    def inference_scale(self, height: int, width: int) -> float:
        """Factor applied to the frame before padding to a multiple of 32."""
        longest = max(height, width)
        if self.size == "native":
            return min(1.0, self.max_side / longest)
        return self.size / longest

    def prepare(self, image: np.ndarray) -> tuple[torch.Tensor, tuple[float, float]]:
        """Resize (if needed) and pad to a multiple of 32: (1, 3, H', W') tensor and (sx, sy)."""
        image = as_rgb_uint8(image)
        h, w = image.shape[:2]
        scale = self.inference_scale(h, w)
        new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
        if (new_w, new_h) != (w, h):
            interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
            image = cv2.resize(image, (new_w, new_h), interpolation=interp)
        pad_h, pad_w = -new_h % MULTIPLE, -new_w % MULTIPLE
        if pad_h or pad_w:
            image = np.pad(image, ((0, pad_h), (0, pad_w), (0, 0)))
        tensor = torch.from_numpy(image).to(self.device).permute(2, 0, 1)[None]
        tensor = (tensor.half() if self.half else tensor.float()).contiguous(memory_format=torch.channels_last)
        return tensor, (new_w / w, new_h / h)

    @torch.inference_mode()
    def detect(self, image: np.ndarray) -> Detections:
        tensor, (sx, sy) = self.prepare(image)
        maps = self.network(tensor)
        people = self.model.decode(maps, tuple(tensor.shape[-2:]), min_center_score=self.min_center_score)[0]
        keep = people.scores >= self.score_threshold
        if not keep.any():
            return Detections.empty()
        in_h, in_w = tensor.shape[-2:]
        yxyx = people.boxes[keep] * people.boxes.new_tensor([in_h, in_w, in_h, in_w])
        boxes = torch.stack([yxyx[:, 1] / sx, yxyx[:, 0] / sy, yxyx[:, 3] / sx, yxyx[:, 2] / sy], 1)
        scores = people.scores[keep]
        kp = people.keypoints[keep]
        keypoints = torch.stack([kp[..., 1] * in_w / sx, kp[..., 0] * in_h / sy, kp[..., 2]], -1)
        order = nms(boxes.float(), scores.float(), self.nms_iou)
        return Detections(boxes[order].cpu().numpy(), scores[order].cpu().numpy(),
                          keypoints[order].cpu().numpy())


def _check_size(size: int | str) -> None:
    if size != "native" and not (isinstance(size, int) and size >= MULTIPLE):
        raise ValueError(f"size must be 'native' or an int >= {MULTIPLE}, got {size!r}")
