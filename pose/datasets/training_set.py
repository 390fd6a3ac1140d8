"""Torch dataset: decode, crop, augment and label :class:`PoseSample` records for the network."""
from __future__ import annotations

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from common.skeleton import H36M17
from pose.augment import CropAugmentation, apply_colour, crop_matrix, invert, sample_augmentation, transform_points, warp
from pose.augment_occlusion import occlude
from pose.datasets.sample import DatasetError, PoseSample
from pose.integral_decode import crops_to_tensor, encode_targets


def read_rgb(path) -> np.ndarray:
    """Decode an image file to uint8 RGB, failing with the file's name."""
    if not path.is_file():
        raise DatasetError(f"image not found: {path}")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None:
        raise DatasetError(f"image cannot be decoded: {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


class PoseCropDataset(Dataset):
    """Items: normalised crop ``(3,S,S)``, label ``(J,3)``, loss weight ``(J,3)``, index, crop→image matrix, depth range.

    With ``augment`` the seed's random scale/rotation/flip/colour (and occlusion when occluders
    are given) are drawn per item; without it the crop is the annotated box as is.
    """

    def __init__(self, samples: list[PoseSample], input_size: int, rect_mm: float, augment: dict | None = None,
                 occluders: list[np.ndarray] | None = None, z_weight: float = 1.0, seed: int = 0) -> None:
        self.samples, self.input_size, self.rect_mm = samples, input_size, rect_mm
        self.augment, self.occluders, self.z_weight = augment, occluders or [], z_weight
        self.seed = seed
        self.flip_permutation = H36M17.flip_permutation
        self._epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Re-seed augmentation per epoch (each worker derives its stream from epoch and index)."""
        self._epoch = epoch

    def __len__(self) -> int:
        return len(self.samples)

    def draw(self, index: int) -> tuple[CropAugmentation, np.random.Generator]:
        rng = np.random.default_rng((self.seed, self._epoch, index))
        if not self.augment:
            return CropAugmentation(), rng
        a = self.augment
        return sample_augmentation(rng, a["SCALE"], a["ROT"], a["ROT_RATE"], a["FLIP_RATE"], a["COLOR"]), rng

    def __getitem__(self, index: int):
        sample = self.samples[index]
        aug, rng = self.draw(index)
        matrix = crop_matrix(sample.center, sample.size, self.input_size, aug.scale, aug.rotation, aug.flip)
        crop = apply_colour(warp(read_rgb(sample.image), matrix, self.input_size), aug.colour)
        if self.occluders and rng.random() < self.augment.get("OCCLUSION_RATE", 0.0):
            crop = occlude(crop, self.occluders, rng)
        uv = transform_points(sample.joints_2d, matrix)
        depth_range = self.rect_mm * aug.scale
        target = encode_targets(uv, sample.depth, self.input_size, depth_range)
        weight = np.repeat(sample.visible[:, None], 3, axis=1).astype(np.float32)
        weight[:, 2] = weight[:, 2] * self.z_weight if sample.has_3d else 0.0
        if aug.flip:
            target, weight = target[self.flip_permutation], weight[self.flip_permutation]
        weight[np.any(np.abs(target[:, :2]) >= 0.5, axis=1)] = 0.0  # soft-argmax cannot leave the map
        weight[np.abs(target[:, 2]) >= 0.5, 2] = 0.0
        image = crops_to_tensor(crop[None])[0]
        return (image, torch.from_numpy(target), torch.from_numpy(weight), index,
                torch.from_numpy(invert(matrix)), np.float64(depth_range))
