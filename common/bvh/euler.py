"""Rotation matrices to BVH Euler channels: a per-joint order away from gimbal lock, unwrapped in time.

BVH channels ``Zrotation Xrotation Yrotation`` mean the intrinsic rotation Rz·Rx·Ry (applied to
the child's offset, a column vector); scipy's upper-case orders are the same convention. A
sequence's middle angle at ±90° is gimbal lock, where the outer two angles swing wildly for a
small motion, so each joint gets the order whose middle angle stays furthest from it over the
clip (ZXY when it does not matter). Angles are then unwrapped: each frame takes, of the two
equivalent triples and their 360° shifts, the one nearest the previous frame.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.spatial.transform import Rotation

ORDERS = ("ZXY", "ZYX", "YXZ", "YZX", "XYZ", "XZY")  # the first wins ties
NEAR_LOCK_QUANTILE = 0.95


def choose_order(matrices: np.ndarray) -> str:
    """The order for one joint's rotations (T, 3, 3): least extreme middle angle over the clip."""
    rotation = Rotation.from_matrix(matrices)
    scores = [np.quantile(np.abs(_euler(rotation, order)[:, 1]), NEAR_LOCK_QUANTILE) for order in ORDERS]
    best = min(scores)
    return next(order for order, score in zip(ORDERS, scores) if score <= best + 1e-6)


def _twin(angles: np.ndarray) -> np.ndarray:
    """The other Euler triple of the same rotation: (a+180, 180-b, c+180), for every Tait-Bryan order."""
    twin = angles + np.array([180.0, 0.0, 180.0])
    twin[..., 1] = 180.0 - angles[..., 1]
    return twin


def _wrapped_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    difference = (a - b + 180.0) % 360.0 - 180.0
    return np.sum(difference ** 2, -1)


def unwrap(angles: np.ndarray) -> np.ndarray:
    """Make (T, ..., 3) Euler triples (degrees) continuous in time: no twin switch, no 360° wrap.

    The twin map keeps wrapped distances, so whether frame t should switch twin relative to
    frame t-1 follows from the raw angles alone; the switches then accumulate along time.
    """
    angles = np.asarray(angles, np.float64)
    switch = np.zeros(angles.shape[:-1], bool)
    switch[1:] = _wrapped_distance(_twin(angles[1:]), angles[:-1]) < _wrapped_distance(angles[1:], angles[:-1])
    use_twin = (np.cumsum(switch, axis=0) % 2).astype(bool)
    chosen = np.where(use_twin[..., None], _twin(angles), angles)
    return np.unwrap(chosen, period=360.0, axis=0)


def to_euler(matrices: np.ndarray, order: str) -> np.ndarray:
    """(T, 3) angles in degrees, in ``order``, unwrapped over time."""
    return unwrap(_euler(Rotation.from_matrix(matrices), order))


def _euler(rotation: Rotation, order: str) -> np.ndarray:
    """Degrees; at exact gimbal lock scipy warns and sets the third angle to 0, which is still exact."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Gimbal lock", UserWarning)
        return rotation.as_euler(order, degrees=True)


def channel_names(order: str) -> list[str]:
    return [f"{axis}rotation" for axis in order]
