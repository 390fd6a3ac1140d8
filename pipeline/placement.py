"""Placing people in one 3D scene: each person's root position from their 2D and 3D joints.

The lifter predicts each person in their own viewing frame (as if on the optical axis, see
docs/refiner.md); here the pose is first turned into the camera frame with the ray through the
2D pelvis, then translated so that it reprojects best onto the 2D joints.

Assumptions (documented for users): a pinhole camera without distortion, principal point at
the image centre, focal length given by the user or derived from an assumed horizontal field of
view (default 60°). The root-relative 3D skeleton is taken at its true metric size, so depth
comes from how large the person appears; a child or a crouching person is placed too far away.
"""
from __future__ import annotations

import numpy as np

from common.skeleton import to_h36m17
from common.types import Poses2D, Poses3D
from refiner.root_translation import solve_root_translation
from refiner.viewing_frame import from_viewing_frame

MIN_SCORE = 0.3


def focal_from_fov(width: int, fov_deg: float) -> float:
    return (width / 2.0) / np.tan(np.radians(fov_deg) / 2.0)


class RootPlacer:
    """Turns lifted poses into the camera frame and adds their root (pelvis) position, in mm."""

    def __init__(self, fov_deg: float = 60.0, focal_px: float | None = None):
        self.fov_deg, self.focal_px = fov_deg, focal_px

    def place(self, poses3d: Poses3D, poses2d: Poses2D, frame_size: tuple[int, int]) -> Poses3D:
        if len(poses3d) == 0:
            return Poses3D(poses3d.joints, np.zeros((0, 3)))
        width, height = frame_size
        focal = self.focal_px or focal_from_fov(width, self.fov_deg)
        centre = (width / 2.0, height / 2.0)
        points, scores = to_h36m17(poses2d.keypoints, poses2d.scores, poses2d.layout)
        weights = np.where((scores >= MIN_SCORE) & np.isfinite(points).all(-1), scores, 0.0)
        pelvis = np.nan_to_num(points[:, 0])
        rays = np.stack([pelvis[:, 0] - centre[0], pelvis[:, 1] - centre[1], np.full(len(pelvis), focal)], 1)
        rays /= np.linalg.norm(rays, axis=1, keepdims=True)
        joints = from_viewing_frame(np.nan_to_num(poses3d.joints), rays)
        root = solve_root_translation(joints.astype(np.float64), np.nan_to_num(points), weights, focal, centre)
        unreliable = ((weights > 0).sum(axis=1) < 4) | ~np.isfinite(poses3d.joints).all(axis=(1, 2))
        root[unreliable] = np.nan
        joints[~np.isfinite(poses3d.joints).all(axis=(1, 2))] = np.nan
        return Poses3D(joints, root.astype(np.float32))
