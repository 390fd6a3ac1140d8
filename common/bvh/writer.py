"""Writing a BvhMotion as a .bvh file, atomically.

bvhio serialises the HIERARCHY. The MOTION lines are ours: bvhio derives Euler angles from
quaternions frame by frame, which would undo the unwrapping (an angle crossing 180° would jump
by 360° in the file and spin the limb in any tool that interpolates between keys).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from bvhio import BvhJoint as BvhioJoint
from bvhio.lib.Parser import writeJoint
from pyglm import glm

from common.atomic import atomic_path
from common.bvh.euler import channel_names
from common.bvh.motion import BvhMotion
from common.bvh.skeleton import BVH_JOINTS, end_site_offset

DECIMALS = 6
ROOT_CHANNELS = ["Xposition", "Yposition", "Zposition"]


def _hierarchy(motion: BvhMotion) -> tuple[BvhioJoint, list[int]]:
    """The bvhio joint tree and our joint indices in the file's (depth-first) order."""
    nodes = []
    for index, joint in enumerate(BVH_JOINTS):
        node = BvhioJoint(joint.name)
        node.Offset = glm.dvec3(*np.round(motion.offsets[index], DECIMALS))
        node.Channels = (ROOT_CHANNELS if joint.parent < 0 else []) + channel_names(motion.orders[index])
        if joint.end_site is not None:
            node.EndSite = glm.dvec3(*np.round(end_site_offset(joint, motion.lengths_mm), DECIMALS))
        if joint.parent >= 0:
            nodes[joint.parent].Children.append(node)
        nodes.append(node)
    names = [joint.name for joint in BVH_JOINTS]
    order = [names.index(node.Name) for node, _, _ in nodes[0].layout()]
    return nodes[0], order


def write_bvh(motion: BvhMotion, path: str | Path) -> Path:
    """Write ``motion`` to ``path`` (a temporary file renamed when complete)."""
    root, order = _hierarchy(motion)
    channels = np.concatenate([motion.root_positions, motion.angles[:, order].reshape(motion.num_frames, -1)], 1)
    with atomic_path(path, suffix=".bvh") as tmp, open(tmp, "w", encoding="ascii", newline="\n") as fh:
        fh.write("HIERARCHY\n")
        writeJoint(fh, root, 0, True, DECIMALS)
        fh.write(f"MOTION\nFrames: {motion.num_frames}\nFrame Time: {motion.frame_time:.8f}\n")
        np.savetxt(fh, channels, fmt=f"%.{DECIMALS}f")
    return Path(path)
