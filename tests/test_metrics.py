import numpy as np
from scipy.spatial.transform import Rotation

from common.metrics import action_name, mpjpe, p_mpjpe, per_action_table, procrustes_align


def _poses(n=5, seed=0):
    return np.random.default_rng(seed).normal(scale=300, size=(n, 17, 3))


def test_mpjpe_is_root_relative():
    target = _poses()
    assert np.allclose(mpjpe(target + 1000.0, target), 0)
    shifted = target.copy()
    shifted[:, 5] += [30, 40, 0]
    np.testing.assert_allclose(mpjpe(shifted, target), 50 / 17)


def test_p_mpjpe_removes_rotation_scale_translation():
    target = _poses()
    rot = Rotation.from_euler("xyz", [20, -50, 110], degrees=True).as_matrix()
    pred = 0.7 * target @ rot.T + np.array([100.0, -20.0, 3000.0])
    assert p_mpjpe(pred, target).max() < 1e-6
    np.testing.assert_allclose(procrustes_align(pred, target), target, atol=1e-6)


def test_p_mpjpe_does_not_allow_reflections():
    target = _poses()
    mirrored = target * np.array([-1.0, 1.0, 1.0])
    assert p_mpjpe(mirrored, target).min() > 1.0


def test_per_action_table_pools_trials_and_averages_actions():
    table = per_action_table([("S8/Walking", np.array([10.0]), np.array([5.0])),
                              ("S8/Walking 1", np.array([20.0, 30.0]), np.array([5.0, 5.0])),
                              ("S8/Eating", np.array([40.0]), np.array([1.0]))])
    assert table["Walking"]["p1"] == 20.0 and table["Walking"]["frames"] == 3
    assert table["mean"]["p1"] == 30.0
    assert action_name("S1/Greeting 2") == "Greeting"
