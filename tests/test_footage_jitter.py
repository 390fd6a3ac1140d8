"""tools.footage_jitter: shake of lifted 3D on footage without ground truth."""
from __future__ import annotations

import numpy as np

from tools.bvh_report import store_of_track
from tools.footage_jitter import consecutive_runs, store_shake


def _turning(n: int) -> np.ndarray:
    """A rigid body turning about the vertical axis at a quarter turn per second (25 fps)."""
    base = np.random.default_rng(1).normal(0, 200.0, (17, 3))
    angles = np.arange(n) / 25.0 * np.pi / 2
    c, s = np.cos(angles), np.sin(angles)
    rotations = np.stack([np.stack([c, 0 * c, s], -1), np.tile([0.0, 1.0, 0.0], (n, 1)), np.stack([-s, 0 * c, c], -1)], 1)
    return np.einsum("nij,kj->nki", rotations, base).astype(np.float32)


def test_runs_break_at_gaps_and_invalid_frames():
    frames = np.array([0, 1, 2, 4, 5, 6, 7])
    valid = np.array([True, True, True, True, False, True, True])
    assert [(r.start, r.stop) for r in consecutive_runs(frames, valid)] == [(0, 3), (3, 4), (5, 7)]


def test_shaky_3d_measures_more_acceleration_and_bone_change_than_smooth_3d():
    smooth = _turning(100)
    shaky = smooth + np.random.default_rng(0).normal(0, 10.0, smooth.shape).astype(np.float32)
    calm, noisy = store_shake(store_of_track(smooth, 25.0)), store_shake(store_of_track(shaky, 25.0))
    assert calm["frames"] == noisy["frames"] == 98
    assert noisy["accel"] > 5 * calm["accel"] and noisy["bone_change"] > 5 * calm["bone_change"]
