"""Reading our BVH files back with bvhio: forward kinematics to H36M-17 joints in the camera frame.

For checks and previews that must see what an animation tool sees: the file, not our arrays.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import bvhio
import numpy as np

from common.bvh.level import CAMERA_AXES, SceneAxes
from common.bvh.skeleton import BVH_JOINTS, MM_PER_UNIT


@dataclass
class BvhPositions:
    """What forward kinematics of a BVH file gives: per joint its name, parent and world track."""

    names: list[str]
    parents: list[int]  # -1 for the root
    positions: np.ndarray  # (F, J, 3) in file units
    frame_time: float


def world_positions(path: str | Path) -> BvhPositions:
    """Forward kinematics of every frame of any BVH file, by bvhio."""
    root = bvhio.readAsHierarchy(str(path))
    joints = [joint for joint, _, _ in root.layout()]
    frames = root.getKeyframeRange()[1] + 1
    positions = np.zeros((frames, len(joints), 3))
    for frame in range(frames):
        root.loadPose(frame)
        positions[frame] = [tuple(joint.PositionWorld) for joint in joints]
    parents = [joints.index(joint.Parent) if joint.Parent is not None else -1 for joint in joints]
    frame_time = bvhio.readAsBvh(str(path), loadKeyFrames=False).FrameTime
    return BvhPositions([joint.Name for joint in joints], parents, positions, frame_time)


def h36m_joints(names: list[str], positions: np.ndarray, axes: SceneAxes = CAMERA_AXES) -> np.ndarray:
    """Our H36M-17 joints (F, 17, 3), camera frame, mm, from the world positions of a file we wrote.

    ``axes`` are the export's (``BvhExport.axes``; the default for an export without levelling).
    """
    out = np.zeros((len(positions), 17, 3))
    for joint in BVH_JOINTS:
        out[:, joint.site] = positions[:, names.index(joint.name)]
    return axes.to_camera(out * MM_PER_UNIT)


def read_h36m_joints(path: str | Path, axes: SceneAxes = CAMERA_AXES) -> np.ndarray:
    """The H36M-17 joints (F, 17, 3) a PoseScope BVH file animates, camera frame, mm (FK by bvhio)."""
    read = world_positions(path)
    return h36m_joints(read.names, read.positions, axes)
