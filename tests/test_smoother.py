import numpy as np

from pipeline.smoother import OneEuroConfig, OneEuroSmoother


def _run(smoother, signal, fps=50.0, track=1):
    return np.stack([smoother.smooth(np.array([track]), i / fps, signal[i][None])[0]
                     for i in range(len(signal))])


def test_jitter_is_reduced_on_a_still_pose():
    rng = np.random.default_rng(0)
    pose = rng.normal(scale=300, size=(17, 3))
    noisy = pose + rng.normal(scale=10, size=(200, 17, 3))
    smoothed = _run(OneEuroSmoother(), noisy)
    raw_err = np.abs(noisy[50:] - pose).mean()
    assert np.abs(smoothed[50:] - pose).mean() < 0.5 * raw_err


def test_fast_motion_keeps_little_lag():
    t = np.arange(100) / 50.0
    moving = np.zeros((100, 17, 3))
    moving[..., 0] = (2000 * t)[:, None]  # 2 m/s
    smoothed = _run(OneEuroSmoother(OneEuroConfig(beta=0.05)), moving)
    assert np.abs(smoothed[-1] - moving[-1]).max() < 30  # mm of lag at 2 m/s


def test_tracks_are_independent_and_forgotten():
    smoother = OneEuroSmoother()
    a = smoother.smooth(np.array([1, 2]), 0.0, np.stack([np.zeros((17, 3)), np.full((17, 3), 500.0)]))
    assert np.allclose(a[1], 500.0)
    b = smoother.smooth(np.array([2]), 5.0, np.full((1, 17, 3), 100.0))  # long gap: starts afresh
    assert np.allclose(b, 100.0)
    assert set(smoother._states) == {2}
