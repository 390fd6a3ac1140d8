"""Metric body size from a calibrated camera and the floor.

Scale-normalised 2D input cannot tell a tall person far away from a short one close by, so the
networks predict a typical-size body; Human3.6M subjects differ from it by several per cent
(S8 is 3.5 % larger), which costs 3–6 mm of MPJPE. With a calibrated camera (intrinsics,
rotation and height above the floor) the size can be recovered: put the predicted pose where it
reprojects onto the 2D joints (least squares, at its predicted size), then pick the scale that
puts the lower ankle at its usual height above the floor. Scaling the pose and its position
together leaves the reprojection unchanged, so only the floor fixes the scale. A person's size
does not change within a sequence, so one robust (median) scale per sequence is used, which also
discounts the frames with both feet off the floor.

Uses only the 2D joints, the predicted pose and the camera: never the 3D ground truth.
"""
from __future__ import annotations

import numpy as np

from common.skeleton import H36M17
from refiner.camera import Camera
from refiner.root_translation import solve_root_translation

# Median height of the lower ankle above the floor in the Human3.6M mocap (S1, S5, S6, S7, S8:
# per-subject medians 50–98 mm, pooled 77 mm; world z is up and the floor is z = 0).
ANKLE_HEIGHT_MM = 77.0
ANKLES = [H36M17.joints.index("r_ankle"), H36M17.joints.index("l_ankle")]
MIN_CAMERA_HEIGHT_MM = 200.0  # below this the floor gives no usable lever on the scale


def frame_scales(pose_cam: np.ndarray, joints2d: np.ndarray, visible: np.ndarray, camera: Camera,
                 ankle_height: float = ANKLE_HEIGHT_MM) -> np.ndarray:
    """Per-frame scale factors ``(N,)`` for root-relative camera-frame poses ``(N, 17, 3)`` mm.

    NaN where a frame gives no answer (too few visible joints, NaN pose, feet not below the camera).
    """
    pose = np.asarray(pose_cam, np.float64)
    camera_height = camera.T[2]
    if camera_height < MIN_CAMERA_HEIGHT_MM:
        return np.full(len(pose), np.nan)
    rays = camera.pixel_rays(np.nan_to_num(joints2d))
    undistorted = rays[..., :2] / rays[..., 2:]
    weights = (visible & np.isfinite(joints2d).all(-1) & np.isfinite(pose).all(-1)).astype(np.float64)
    root = solve_root_translation(np.nan_to_num(pose), undistorted, weights, 1.0, (0.0, 0.0))
    # Height above the camera (world z) of each ankle for the pose at its predicted size.
    up_in_camera = camera.R_w2c[:, 2]
    lowest = ((pose[:, ANKLES] + root[:, None]) @ up_in_camera).min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = (ankle_height - camera_height) / lowest
    ok = (weights.sum(axis=1) >= 4) & np.isfinite(scales) & (scales > 0)
    return np.where(ok, scales, np.nan)


def sequence_scale(pose_cam: np.ndarray, joints2d: np.ndarray, visible: np.ndarray, camera: Camera,
                   ankle_height: float = ANKLE_HEIGHT_MM) -> float:
    """One scale for a whole sequence seen by one camera: the median of the frames' scales (1 if none)."""
    scales = frame_scales(pose_cam, joints2d, visible, camera, ankle_height)
    scales = scales[np.isfinite(scales)]
    return float(np.median(scales)) if len(scales) else 1.0
