"""Soft-argmax, its confidence, the masked L1 loss and the flip-test joint swap."""
from __future__ import annotations

import numpy as np
import torch

from common.skeleton import H36M17
from pose.integral import integral_l1_loss, joint_confidence, soft_argmax_3d
from pose.integral_net import IntegralPoseNet, unflip_coords


def gaussian_volume(center_xyz: tuple[float, float, float], size: tuple[int, int, int], sigma: float = 1.5) -> torch.Tensor:
    d, h, w = size
    z, y, x = torch.meshgrid(torch.arange(d), torch.arange(h), torch.arange(w), indexing="ij")
    cx, cy, cz = center_xyz
    return -((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2).float() / (2 * sigma ** 2)


def test_soft_argmax_recovers_a_sub_voxel_peak():
    peaks = [(10.3, 20.7, 5.4), (31.55, 8.25, 9.6)]  # kept 4σ inside: soft-argmax is pulled inwards at borders
    depth, h, w = 16, 32, 40
    logits = torch.stack([gaussian_volume(p, (depth, h, w)) for p in peaks]).reshape(1, 2 * depth, h, w)
    coords, probs = soft_argmax_3d(logits, num_joints=2, depth_bins=depth)
    voxels = (coords[0] + 0.5) * torch.tensor([w, h, depth], dtype=torch.float32)
    assert torch.allclose(voxels, torch.tensor(peaks), atol=0.01)
    assert torch.allclose(probs.sum(dim=(2, 3, 4)), torch.ones(1, 2))


def test_confidence_separates_peaked_from_diffuse_heatmaps():
    depth, h, w = 4, 16, 16
    peaked = gaussian_volume((8.0, 8.0, 2.0), (depth, h, w), sigma=0.7) * 10
    diffuse = torch.zeros(depth, h, w)
    logits = torch.stack([peaked, diffuse]).reshape(1, 2 * depth, h, w)
    coords, probs = soft_argmax_3d(logits, 2, depth)
    score = joint_confidence(probs, coords)
    assert score[0, 0] > 0.99 and score[0, 1] < 25 / (h * w) + 1e-6


def test_l1_loss_ignores_masked_depth_and_invisible_joints():
    target = torch.zeros(1, 3, 3)
    pred = torch.zeros(1, 3, 3, requires_grad=True)
    weight = torch.ones(1, 3, 3)
    weight[0, :, 2] = 0  # 2D-only sample
    weight[0, 2] = 0  # unlabelled joint
    with torch.no_grad():
        pred[0, :, 2] = 5.0
        pred[0, 2] = 7.0
        pred[0, 0, 0] = 0.3
    loss = integral_l1_loss(pred, target, weight)
    loss.backward()
    assert torch.isclose(loss, torch.tensor(0.3 / 4))
    assert torch.all(pred.grad[0, :, 2] == 0) and torch.all(pred.grad[0, 2] == 0)


class DotReader(IntegralPoseNet):
    """A stand-in network that 'sees' joint j as the pixel whose red value is (j+1)/J.

    Like a real network looking at a mirrored person, it reads left as right when the image is
    mirrored (detected by a marker pixel that moves from the left to the right edge).
    """

    def __init__(self):
        super().__init__(depth=18, num_joints=17, depth_bins=1, deconv_filters=8, deconv_layers=1)

    def heatmaps(self, images):
        red = images[:, 0]
        mirrored = images[:, 1, 0, -1] > 0.5
        level = torch.arange(1, 18, dtype=red.dtype) / 17
        logits = -((red[:, None] - level[None, :, None, None]) ** 2) * 1e6
        perm = torch.as_tensor(H36M17.flip_permutation)
        logits[mirrored] = logits[mirrored][:, perm]
        return logits


def test_flip_test_swaps_left_and_right_back():
    size = 32
    rng = np.random.default_rng(0)
    images = torch.zeros(1, 3, size, size)
    images[0, 1, 0, 0] = 1.0  # marker: top-left when not mirrored
    cells = rng.choice(np.arange(1, size * size - 1), 17, replace=False)
    for j, cell in enumerate(cells):
        images[0, 0, cell // size, cell % size] = (j + 1) / 17
    net = DotReader()
    plain, _ = net.predict(images)
    flipped, _ = net.predict(images, torch.as_tensor(H36M17.flip_permutation))
    expected = (torch.as_tensor(np.stack([cells % size, cells // size], 1), dtype=torch.float32) / size) - 0.5
    assert torch.allclose(plain[0, :, :2], expected, atol=1e-4)
    assert torch.allclose(flipped, plain, atol=1e-4)  # both passes agree only if swap and offset are right


def test_unflip_is_an_involution_on_labels():
    coords = torch.rand(2, 17, 3) - 0.5
    perm = torch.as_tensor(H36M17.flip_permutation)
    assert torch.allclose(unflip_coords(unflip_coords(coords, perm, 64), perm, 64), coords, atol=1e-6)
