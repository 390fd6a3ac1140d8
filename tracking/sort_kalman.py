"""SORT's constant-velocity box model (Bewley et al. 2016) as a filterpy ``KalmanFilter``.

State ``[x, y, s, r, ẋ, ẏ, ṡ]``: box centre, area and aspect ratio, and the velocities of the first
three (the aspect ratio is taken as constant). Measurement ``[x, y, s, r]``. Noise settings are
SORT's. Run it for all tracks at once with :class:`tracking.batched_kalman.BatchedKalman`.
"""
from __future__ import annotations

import numpy as np
from filterpy.kalman import KalmanFilter


def sort_box_model() -> KalmanFilter:
    """A fresh filterpy filter with SORT's matrices; its ``P`` is the covariance of a new track."""
    kf = KalmanFilter(dim_x=7, dim_z=4)
    kf.F = np.eye(7)
    kf.F[0, 4] = kf.F[1, 5] = kf.F[2, 6] = 1.0  # position += velocity, one frame per step
    kf.H = np.eye(4, 7)
    kf.R[2:, 2:] *= 10.0  # area and aspect are measured less precisely than the centre
    kf.P[4:, 4:] *= 1000.0  # velocities are unobserved at birth: very uncertain
    kf.P *= 10.0
    kf.Q[-1, -1] *= 0.01
    kf.Q[4:, 4:] *= 0.01
    return kf
