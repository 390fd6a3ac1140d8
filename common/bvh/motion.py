"""A BVH animation in memory: the skeleton's offsets, per-joint Euler orders and every frame's channels."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from common.bvh.euler import choose_order, to_euler
from common.bvh.level import CAMERA_AXES, SceneAxes
from common.bvh.skeleton import BVH_JOINTS, MM_PER_UNIT, joint_offsets
from common.bvh.solver import local_rotations
from common.skeleton import H36M17


@dataclass
class BvhMotion:
    """Everything a .bvh file holds (lengths in cm, angles in degrees)."""

    lengths_mm: np.ndarray  # (17,) bone lengths the offsets come from
    offsets: np.ndarray  # (J, 3) rest offsets from the parent
    orders: list[str]  # per joint, e.g. "ZXY" for Zrotation Xrotation Yrotation
    root_positions: np.ndarray  # (N, 3) Hips position in the BVH world
    angles: np.ndarray  # (N, J, 3) unwrapped Euler angles in each joint's order
    frame_time: float  # seconds

    @property
    def num_frames(self) -> int:
        return len(self.angles)


def standing_root(lengths_mm: np.ndarray) -> np.ndarray:
    """Hips position (cm) of an unplaced person: straight legs on the floor (Y = 0) at the origin."""
    leg = lengths_mm[H36M17.index("r_knee")] + lengths_mm[H36M17.index("r_ankle")]
    return np.array([0.0, leg / MM_PER_UNIT, 0.0])


def solve_motion(joints_mm: np.ndarray, root_mm: np.ndarray | None, lengths_mm: np.ndarray,
                 frame_time: float, axes: SceneAxes = CAMERA_AXES) -> BvhMotion:
    """Solve the animation of root-relative camera-frame joints (N, 17, 3) and their root (N, 3).

    ``root_mm`` None (a person never placed in the scene) stands the hips at leg height above
    the origin, feet on the floor. ``lengths_mm`` fixes the skeleton (see skeleton.bone_lengths).
    ``axes`` turn the camera frame into the file's world (see common.bvh.level).
    """
    joints_mm = np.asarray(joints_mm, np.float64)
    world = joints_mm @ axes.rotation.T
    if root_mm is None:
        root = np.broadcast_to(standing_root(lengths_mm), (len(world), 3))
    else:
        root = axes.to_world(np.asarray(root_mm, np.float64)) / MM_PER_UNIT
    root = root + world[:, H36M17.index("pelvis")] / MM_PER_UNIT
    local = local_rotations(world)
    orders = [choose_order(local[:, j]) for j in range(len(BVH_JOINTS))]
    angles = np.stack([to_euler(local[:, j], order) for j, order in enumerate(orders)], 1)
    return BvhMotion(np.asarray(lengths_mm, float), joint_offsets(lengths_mm), orders, root, angles,
                     frame_time)
