"""The trackers' Kalman models: batched equations equal filterpy's, Deep SORT's noise and gate."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import mahalanobis
from scipy.stats import chi2

from tracking.batched_kalman import BatchedKalman
from tracking.boxes import xysr_to_xyxy, xyxy_to_xysr
from tracking.deepsort_kalman import CHI2_95_4DOF, STD_POSITION, DeepSortKalman
from tracking.sort_kalman import sort_box_model


def test_sort_model_matrices_are_the_papers():
    kf = sort_box_model()
    assert kf.F.shape == (7, 7) and kf.H.shape == (4, 7)
    np.testing.assert_array_equal(kf.F @ np.arange(7.0), [4, 6, 8, 3, 4, 5, 6])  # x+ẋ, y+ẏ, s+ṡ, r
    np.testing.assert_array_equal(np.diag(kf.R), [1, 1, 10, 10])
    np.testing.assert_array_equal(np.diag(kf.P), [10, 10, 10, 10, 1e4, 1e4, 1e4])
    np.testing.assert_allclose(np.diag(kf.Q), [1, 1, 1, 1, 0.01, 0.01, 1e-4])


def test_batched_filter_equals_one_filterpy_filter_per_track():
    rng = np.random.default_rng(0)
    batched = BatchedKalman(sort_box_model())
    boxes = rng.uniform(0, 100, (5, 2))
    boxes = np.concatenate([boxes, boxes + rng.uniform(10, 50, (5, 2))], axis=1)
    singles = []
    for z in xyxy_to_xysr(boxes):
        kf = sort_box_model()
        kf.x[:4, 0] = z
        singles.append(kf)
    x, P = batched.initiate(xyxy_to_xysr(boxes))
    for step in range(6):
        x, P = batched.predict(x, P)
        for kf in singles:
            kf.predict()
        z = xyxy_to_xysr(boxes + step + rng.normal(0, 1, boxes.shape))
        x, P = batched.update(x, P, z)
        for kf, zi in zip(singles, z):
            kf.update(zi[:, None])
    np.testing.assert_allclose(x, np.stack([kf.x[:, 0] for kf in singles]), rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(P, np.stack([kf.P for kf in singles]), rtol=1e-10, atol=1e-9)


def test_constant_velocity_is_learned():
    batched = BatchedKalman(sort_box_model())
    box = np.array([[10.0, 20.0, 50.0, 120.0]])
    x, P = batched.initiate(xyxy_to_xysr(box))
    for t in range(1, 30):
        x, P = batched.predict(x, P)
        x, P = batched.update(x, P, xyxy_to_xysr(box + [3 * t, 0, 3 * t, 0]))
    assert x[0, 4] == pytest.approx(3.0, abs=0.05)  # ẋ in px per frame
    predicted = xysr_to_xyxy(batched.predict(x, P)[0])
    np.testing.assert_allclose(predicted, box + [90, 0, 90, 0], atol=0.5)


def test_deepsort_noise_scales_with_height_and_gate_is_chi2_95():
    assert CHI2_95_4DOF == pytest.approx(chi2.ppf(0.95, 4), abs=1e-4)
    kf = DeepSortKalman()
    z = np.array([[100.0, 100.0, 0.5, 50.0], [100.0, 100.0, 0.5, 200.0]])
    x, P = kf.initiate(z)
    assert P[1, 0, 0] / P[0, 0, 0] == pytest.approx(16.0)  # std ∝ height, variance ∝ height²
    assert P[0, 0, 0] == pytest.approx((2 * STD_POSITION * 50) ** 2)
    x, P = kf.predict(x, P)
    dist = kf.gating_distance(x, P, z + [[3.0, 0, 0, 0]])
    S = kf.filter.project(x, P, kf.measurement_noise(x))[1]
    for n in range(2):
        expected = mahalanobis(z[n] + [3, 0, 0, 0], x[n, :4], np.linalg.inv(S[n])) ** 2
        assert dist[n, n] == pytest.approx(expected, rel=1e-9)
    assert dist[0, 0] > dist[1, 1]  # the same 3 px is a bigger surprise for the smaller person


def test_deepsort_update_pulls_towards_measurement_and_shrinks_uncertainty():
    kf = DeepSortKalman()
    x, P = kf.initiate(np.array([[100.0, 100.0, 0.5, 100.0]]))
    x, P = kf.predict(x, P)
    x2, P2 = kf.update(x, P, np.array([[110.0, 100.0, 0.5, 100.0]]))
    assert 100.0 < x2[0, 0] < 110.0
    assert np.all(np.diag(P2[0])[:4] < np.diag(P[0])[:4])
    assert np.all(np.linalg.eigvalsh(P2[0]) > 0)
