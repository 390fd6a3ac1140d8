"""Deep SORT's constant-velocity box model (Wojke et al. 2017), for all tracks at once.

State ``[x, y, a, h, ẋ, ẏ, ȧ, ḣ]``: box centre, aspect ratio (width / height), height and their
velocities; measurement ``[x, y, a, h]``. Unlike SORT, the noise scales with the box height, so a
far (small) person is trusted to fewer pixels than a near one: process, measurement and birth
covariances are rebuilt from each track's height every step and handed to
:class:`tracking.batched_kalman.BatchedKalman` as per-track stacks.
"""
from __future__ import annotations

import numpy as np
from filterpy.kalman import KalmanFilter

from tracking.batched_kalman import BatchedKalman

CHI2_95_4DOF = 9.4877  # 95 % quantile of the chi-square distribution with 4 degrees of freedom
STD_POSITION = 1.0 / 20.0  # position noise, as a fraction of the box height
STD_VELOCITY = 1.0 / 160.0  # velocity noise, as a fraction of the box height


def deepsort_box_model() -> KalmanFilter:
    """filterpy filter with Deep SORT's transition and measurement matrices (noise set per step)."""
    kf = KalmanFilter(dim_x=8, dim_z=4)
    kf.F = np.eye(8)
    kf.F[range(4), range(4, 8)] = 1.0  # position += velocity, one frame per step
    kf.H = np.eye(4, 8)
    return kf


def _diagonal(std: np.ndarray) -> np.ndarray:
    """Stack of diagonal covariances (N, k, k) from standard deviations (N, k)."""
    out = np.zeros((*std.shape, std.shape[1]))
    index = np.arange(std.shape[1])
    out[:, index, index] = std**2
    return out


def _scaled_std(height: np.ndarray, weights: list[float], constant: dict[int, float]) -> np.ndarray:
    """Per-track standard deviations ``weight × height``, with some entries fixed (the aspect's)."""
    std = np.asarray(weights)[None, :] * height[:, None]
    for column, value in constant.items():
        std[:, column] = value
    return std


class DeepSortKalman:
    """Deep SORT's filter: height-scaled noise on top of filterpy's linear equations."""

    def __init__(self) -> None:
        self.filter = BatchedKalman(deepsort_box_model())

    def initiate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """New tracks at measurements ``z`` (M, 4) xyah, at rest, with height-scaled uncertainty."""
        x = np.zeros((len(z), 8))
        x[:, :4] = z
        p, v = 2 * STD_POSITION, 10 * STD_VELOCITY
        std = _scaled_std(z[:, 3], [p, p, 0, p, v, v, 0, v], {2: 1e-2, 6: 1e-5})
        return x, _diagonal(std)

    def predict(self, x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, v = STD_POSITION, STD_VELOCITY
        std = _scaled_std(x[:, 3], [p, p, 0, p, v, v, 0, v], {2: 1e-2, 6: 1e-5})
        return self.filter.predict(x, P, _diagonal(std))

    def measurement_noise(self, x: np.ndarray) -> np.ndarray:
        p = STD_POSITION
        return _diagonal(_scaled_std(x[:, 3], [p, p, 0, p], {2: 1e-1}))

    def update(self, x: np.ndarray, P: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.filter.update(x, P, z, self.measurement_noise(x))

    def gating_distance(self, x: np.ndarray, P: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Squared Mahalanobis distance (N, M) of each measurement (M, 4) from each track's prediction."""
        mean, S = self.filter.project(x, P, self.measurement_noise(x))
        d = z[None, :, :] - mean[:, None, :]
        return np.einsum("nmi,nij,nmj->nm", d, np.linalg.inv(S), d)
