"""Where a root-relative 3D pose must be put so that it reprojects onto its 2D joints.

Shared by the pipeline's scene placement (pinhole from an assumed field of view) and the
floor-based metric scale (calibrated Human3.6M cameras, undistorted coordinates with focal 1).
"""
from __future__ import annotations

import numpy as np


def solve_root_translation(joints3d: np.ndarray, joints2d: np.ndarray, weights: np.ndarray,
                           focal: float, centre: tuple[float, float]) -> np.ndarray:
    """Least-squares translation ``T`` ``(N, 3)`` so that ``project(X + T)`` best matches the 2D.

    Linear in ``T`` after multiplying out the perspective division: for each joint,
    ``f·(X + Tx) − (u − cx)·(Z + Tz) = 0`` and the same for y. Weighted by joint confidence.
    """
    u = joints2d[..., 0] - centre[0]
    v = joints2d[..., 1] - centre[1]
    x, y, z = joints3d[..., 0], joints3d[..., 1], joints3d[..., 2]
    n, j = u.shape
    a = np.zeros((n, 2 * j, 3))
    b = np.zeros((n, 2 * j))
    a[:, :j, 0], a[:, :j, 2], b[:, :j] = focal, -u, u * z - focal * x
    a[:, j:, 1], a[:, j:, 2], b[:, j:] = focal, -v, v * z - focal * y
    w = np.sqrt(np.concatenate([weights, weights], axis=1))[..., None]
    a, b = a * w, b * w[..., 0]
    ata = np.einsum("nki,nkj->nij", a, a) + np.eye(3) * 1e-6
    atb = np.einsum("nki,nk->ni", a, b)
    return np.linalg.solve(ata, atb[..., None])[..., 0]
