"""Metric size from the floor (refiner.floor_scale) and the mirrored-input test-time average."""
from __future__ import annotations

import numpy as np
import torch

from refiner.floor_scale import frame_scales, sequence_scale
from refiner.inference import FLIP, MIRROR_X, lift_features
from refiner.models import build_model
from refiner.synthetic import CAMERA, TEMPLATE, random_poses
from refiner.target import TargetStats


def _scene(true_scale: float, n: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """People of ``true_scale`` × the template size standing on the floor (ankles at 50·scale mm):
    their 2D, and the unit-size root-relative camera-frame pose a network would predict."""
    poses = random_poses(n, seed=3, jitter_mm=0.0)
    poses[..., 2] *= true_scale  # grow about the floor (z = 0), then in x/y about the pelvis
    poses[..., :2] = (poses[..., :2] - poses[:, :1, :2]) * true_scale + poses[:, :1, :2]
    cam3d = CAMERA.world_to_camera(poses)
    uv = CAMERA.project(cam3d)
    predicted = (cam3d - cam3d[:, :1]) / true_scale
    return predicted, uv, np.ones((n, 17), bool)


def test_floor_recovers_the_body_size_from_2d_and_camera():
    for true_scale in (0.9, 1.12):
        predicted, uv, visible = _scene(true_scale)
        scales = frame_scales(predicted, uv, visible, CAMERA, ankle_height=50.0 * true_scale)
        np.testing.assert_allclose(scales, true_scale, rtol=1e-3)
    # A wrong ankle height moves the scale by (error / camera height), not more.
    predicted, uv, visible = _scene(1.0)
    assert abs(sequence_scale(predicted, uv, visible, CAMERA, ankle_height=50.0 + 45.0) - 1.0) < 0.06


def test_floor_scale_skips_frames_without_enough_joints():
    predicted, uv, visible = _scene(1.05)
    visible[0, 3:] = False
    predicted[1] = np.nan
    scales = frame_scales(predicted, uv, visible, CAMERA, ankle_height=52.5)
    assert np.isnan(scales[:2]).all() and np.isfinite(scales[2:]).all()
    assert sequence_scale(predicted[:2], uv[:2], visible[:2], CAMERA) == 1.0  # no usable frame → unchanged


def test_flip_test_is_mirror_equivariant():
    """With the mirrored average, mirroring the input mirrors the output exactly (any weights)."""
    torch.manual_seed(0)
    model = build_model("linear", {"width": 64, "blocks": 1})
    stats = TargetStats(torch.randn(17, 3) * 50, torch.rand(17, 3) * 100 + 1)
    features = torch.randn(8, 17, 3)
    features[..., 2] = 1.0
    out = lift_features(model, stats, features, flip_test=True)
    mirrored = lift_features(model, stats, features[:, FLIP] * MIRROR_X, flip_test=True)
    np.testing.assert_allclose(mirrored, out[:, FLIP] * MIRROR_X.numpy(), atol=1e-3)
    plain = lift_features(model, stats, features[:, FLIP] * MIRROR_X)
    assert np.abs(plain - out[:, FLIP] * MIRROR_X.numpy()).max() > 1.0  # without it, the network is not
