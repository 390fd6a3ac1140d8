"""Linear Kalman filter equations applied to many tracks at once.

A tracker's motion model is defined once as a filterpy ``KalmanFilter`` (its ``F``, ``H``, ``Q``,
``R`` and the birth covariance ``P``). Stepping one filterpy object per track costs a Python round
trip per track and frame, so :class:`BatchedKalman` applies filterpy's predict and update equations
(the Joseph-form covariance update included) to stacked states ``(N, dim_x)`` and covariances
``(N, dim_x, dim_x)``: the same numbers, a fixed number of numpy calls per frame for all tracks.
Models whose noise depends on the state (Deep SORT's) pass per-track ``Q`` and ``R`` stacks.
"""
from __future__ import annotations

import numpy as np
from filterpy.kalman import KalmanFilter


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

    def predict(self, x: np.ndarray, P: np.ndarray,
                Q: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One step ahead for every track: ``x ← F x``, ``P ← F P Fᵀ + Q`` (model ``Q`` by default)."""
        return x @ self.F.T, self.F @ P @ self.F.T + (self.Q if Q is None else Q)

    def project(self, x: np.ndarray, P: np.ndarray,
                R: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Each track's expected measurement ``H x`` and its covariance ``S = H P Hᵀ + R``."""
        return x @ self.H.T, self.H @ P @ self.H.T + (self.R if R is None else R)

    def update(self, x: np.ndarray, P: np.ndarray, z: np.ndarray,
               R: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Correct tracks (N, dim_x) with their measurements (N, dim_z), as filterpy does."""
        R = self.R if R is None else R
        PHt = P @ self.H.T
        S = self.H @ PHt + R
        K = PHt @ np.linalg.inv(S)
        innovation = z - x @ self.H.T
        x = x + (K @ innovation[:, :, None])[:, :, 0]
        I_KH = self._eye - K @ self.H
        P = I_KH @ P @ I_KH.transpose(0, 2, 1) + K @ R @ K.transpose(0, 2, 1)
        return x, P
