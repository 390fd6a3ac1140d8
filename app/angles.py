"""Joint angles from H36M-17 3D joints, for the inspector's plots (no Qt here).

Each angle is the unsigned 3D angle between two limb segments meeting at a joint, in degrees:

* knee flexion     = 180° − angle(hip, knee, ankle)        (0° = straight leg)
* elbow flexion    = 180° − angle(shoulder, elbow, wrist)  (0° = straight arm)
* hip flexion      = 180° − angle(shoulder, hip, knee)     (0° = thigh in line with the trunk)
* shoulder elevation = angle(hip, shoulder, elbow)         (0° = upper arm along the trunk)

Unsigned angles cannot tell flexion from hyper-extension (a hip extended backwards reads as a
small positive flexion); that is the price of needing no body-fixed axes from a monocular lift.
Frames where a joint is missing (NaN) or a segment has zero length give NaN.
"""
from __future__ import annotations

import numpy as np

from common.skeleton import H36M17

# name -> (first end, vertex, second end, whether the value is reported as 180° − angle)
_DEFINITIONS: dict[str, tuple[str, str, str, bool]] = {}
for _side in ("l", "r"):
    _DEFINITIONS.update({
        f"{_side}_knee": (f"{_side}_hip", f"{_side}_knee", f"{_side}_ankle", True),
        f"{_side}_elbow": (f"{_side}_shoulder", f"{_side}_elbow", f"{_side}_wrist", True),
        f"{_side}_hip": (f"{_side}_shoulder", f"{_side}_hip", f"{_side}_knee", True),
        f"{_side}_shoulder": (f"{_side}_hip", f"{_side}_shoulder", f"{_side}_elbow", False),
    })

ANGLE_NAMES: tuple[str, ...] = tuple(_DEFINITIONS)
# The inspector plots each joint with its left and right curve together.
ANGLE_GROUPS: dict[str, tuple[str, str]] = {
    "knee flexion": ("l_knee", "r_knee"),
    "elbow flexion": ("l_elbow", "r_elbow"),
    "hip flexion": ("l_hip", "r_hip"),
    "shoulder elevation": ("l_shoulder", "r_shoulder"),
}


def angle_at(a: np.ndarray, vertex: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle (degrees) at ``vertex`` between the segments to ``a`` and ``b``; shapes (..., 3)."""
    u = np.asarray(a, np.float64) - vertex
    v = np.asarray(b, np.float64) - vertex
    nu, nv = np.linalg.norm(u, axis=-1), np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("...i,...i->...", u, v) / (nu * nv)
    cos = np.where((nu > 1e-9) & (nv > 1e-9), cos, np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angles(joints: np.ndarray) -> dict[str, np.ndarray]:
    """Every angle in :data:`ANGLE_NAMES` for H36M-17 joints of shape (..., 17, 3)."""
    joints = np.asarray(joints, np.float64)
    if joints.shape[-2:] != (H36M17.num_joints, 3):
        raise ValueError(f"expected H36M-17 joints of shape (..., 17, 3), got {joints.shape}")
    out = {}
    for name, (first, vertex, second, flexion) in _DEFINITIONS.items():
        i, j, k = (H36M17.index(n) for n in (first, vertex, second))
        angle = angle_at(joints[..., i, :], joints[..., j, :], joints[..., k, :])
        out[name] = 180.0 - angle if flexion else angle
    return out
