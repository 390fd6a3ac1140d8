"""SORT's constant-velocity box filter (Bewley et al. 2016), run for all tracks at once.

The model is defined once as a filterpy ``KalmanFilter`` on ``[x, y, s, r, ẋ, ẏ, ṡ]`` (box centre,
area, aspect ratio and the velocities of the first three; the aspect is taken as constant), with
SORT's noise settings. Stepping one filterpy object per track costs a Python round trip per track
and frame, so :class:`BatchedKalman` applies that model's exact predict and update equations
(filterpy's, Joseph-form covariance update included) to stacked states ``(N, 7)`` and covariances
``(N, 7, 7)``: same numbers, one numpy call per step for every track.
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


class BatchedKalman:
    """filterpy's linear Kalman equations for a stack of independent tracks sharing one model."""

    def __init__(self, model: KalmanFilter) -> None:
        self.F = np.array(model.F, dtype=np.float64)
        self.H = np.array(model.H, dtype=np.float64)
        self.Q = np.array(model.Q, dtype=np.float64)
        self.R = np.array(model.R, dtype=np.float64)
        self.P0 = np.array(model.P, dtype=np.float64)
        self._eye = np.eye(self.F.shape[0])

    @property
    def dim_x(self) -> int:
        return self.F.shape[0]

    def initiate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """States for new tracks from their first measurements (M, dim_z): zero velocity, P0."""
        x = np.zeros((len(z), self.dim_x))
        x[:, : z.shape[1]] = z
        return x, np.broadcast_to(self.P0, (len(z), *self.P0.shape)).copy()

    def predict(self, x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One step ahead for every track: ``x ← F x``, ``P ← F P Fᵀ + Q``."""
        return x @ self.F.T, self.F @ P @ self.F.T + self.Q

    def update(self, x: np.ndarray, P: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Correct tracks (N, dim_x) with their measurements (N, dim_z), as filterpy does."""
        PHt = P @ self.H.T
        S = self.H @ PHt + self.R
        K = PHt @ np.linalg.inv(S)
        innovation = z - x @ self.H.T
        x = x + (K @ innovation[:, :, None])[:, :, 0]
        I_KH = self._eye - K @ self.H
        P = I_KH @ P @ I_KH.transpose(0, 2, 1) + K @ self.R @ K.transpose(0, 2, 1)
        return x, P
