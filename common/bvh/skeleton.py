"""The BVH skeleton we write: the H36M-17 tree rooted at the pelvis, in a T-pose, Y up, facing +Z.

Every H36M-17 joint is one BVH joint with the same parent. Where a joint has several children
(the pelvis: both hips and the spine; the thorax: neck and both shoulders) each outgoing bone
gets its own zero-length joint (as CMU's ``LHipJoint``/``LowerBack`` and the clavicles do), so
every bone is turned by exactly one rotation and the file reproduces any pose whose bone
lengths match. Names follow the MotionBuilder/CMU convention that retargeting tools know.

Rest pose (all rotations zero): a T-pose. Legs and spine along the Y axis (legs down, spine,
neck and head up), hips and arms along X (the person's left is +X), the person faces +Z.
Offsets are in centimetres.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from common.skeleton import H36M17

# Camera frame (x right, y down, z forward, mm) to BVH world (x, -y, -z; cm): a 180° turn about
# X, so Y points up and a person facing the camera faces +Z. The matrix is its own inverse.
CAMERA_TO_BVH = np.diag([1.0, -1.0, -1.0])
MM_PER_UNIT = 10.0  # BVH units are centimetres

X, Y = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])


@dataclass(frozen=True)
class BvhJoint:
    """One joint of the file.

    ``site`` is the H36M-17 joint it sits on. ``bone`` is the H36M joint at the end of the bone
    this joint turns (None: a frame or leaf joint), pointing along ``rest`` in the rest pose.
    ``hinge`` is the rest axis of the knee/elbow below, for the upper limbs whose twist comes
    from the limb plane (their one child turns the shin/forearm in that plane). ``frame`` names
    the (left, right) joints and the (from, to) joints whose lines give the body frame of the
    trunk joints.
    """

    name: str
    parent: int  # index into BVH_JOINTS, -1 for the root
    site: int
    bone: int | None = None
    rest: tuple[float, float, float] = (0.0, 0.0, 0.0)
    hinge: tuple[float, float, float] | None = None
    frame: tuple[tuple[int, int], tuple[int, int]] | None = None
    end_site: tuple[float, float, float] | None = None  # leaf tip, as a fraction of the last bone


_J = H36M17.index
BVH_JOINTS: tuple[BvhJoint, ...] = (
    BvhJoint("Hips", -1, _J("pelvis"), frame=((_J("l_hip"), _J("r_hip")), (_J("pelvis"), _J("spine")))),
    BvhJoint("RHipJoint", 0, _J("pelvis"), _J("r_hip"), (-1, 0, 0)),
    BvhJoint("RightUpLeg", 1, _J("r_hip"), _J("r_knee"), (0, -1, 0), hinge=(1, 0, 0)),
    BvhJoint("RightLeg", 2, _J("r_knee"), _J("r_ankle"), (0, -1, 0)),
    BvhJoint("RightFoot", 3, _J("r_ankle"), end_site=(0, 0, 0.3)),
    BvhJoint("LHipJoint", 0, _J("pelvis"), _J("l_hip"), (1, 0, 0)),
    BvhJoint("LeftUpLeg", 5, _J("l_hip"), _J("l_knee"), (0, -1, 0), hinge=(1, 0, 0)),
    BvhJoint("LeftLeg", 6, _J("l_knee"), _J("l_ankle"), (0, -1, 0)),
    BvhJoint("LeftFoot", 7, _J("l_ankle"), end_site=(0, 0, 0.3)),
    BvhJoint("LowerBack", 0, _J("pelvis"), _J("spine"), (0, 1, 0)),
    BvhJoint("Spine", 9, _J("spine"), _J("thorax"), (0, 1, 0)),
    BvhJoint("Spine1", 10, _J("thorax"),
             frame=((_J("l_shoulder"), _J("r_shoulder")), (_J("spine"), _J("thorax")))),
    BvhJoint("LowerNeck", 11, _J("thorax"), _J("neck_nose"), (0, 1, 0)),
    BvhJoint("Neck", 12, _J("neck_nose"), _J("head"), (0, 1, 0)),
    BvhJoint("Head", 13, _J("head"), end_site=(0, 0.5, 0)),
    BvhJoint("LeftShoulder", 11, _J("thorax"), _J("l_shoulder"), (1, 0, 0)),
    BvhJoint("LeftArm", 15, _J("l_shoulder"), _J("l_elbow"), (1, 0, 0), hinge=(0, -1, 0)),
    BvhJoint("LeftForeArm", 16, _J("l_elbow"), _J("l_wrist"), (1, 0, 0)),
    BvhJoint("LeftHand", 17, _J("l_wrist"), end_site=(0.3, 0, 0)),
    BvhJoint("RightShoulder", 11, _J("thorax"), _J("r_shoulder"), (-1, 0, 0)),
    BvhJoint("RightArm", 19, _J("r_shoulder"), _J("r_elbow"), (-1, 0, 0), hinge=(0, 1, 0)),
    BvhJoint("RightForeArm", 20, _J("r_elbow"), _J("r_wrist"), (-1, 0, 0)),
    BvhJoint("RightHand", 21, _J("r_wrist"), end_site=(-0.3, 0, 0)),
)

# Bones whose lengths are made equal on both sides (child joints; their mirror is the pair).
_SYMMETRIC_PAIRS = tuple(zip(H36M17.left, H36M17.right))


def bone_lengths(joints_mm: np.ndarray) -> np.ndarray:
    """One length per H36M-17 bone (indexed by the child joint; 0 for the root), in mm.

    The robust median over the frames of one track, then left and right averaged, so the
    skeleton is one fixed, symmetric body for the whole track.
    """
    joints_mm = np.asarray(joints_mm, np.float64)
    parents = np.array(H36M17.parents)
    lengths = np.zeros(H36M17.num_joints)
    per_frame = np.linalg.norm(joints_mm[:, 1:] - joints_mm[:, parents[1:]], axis=-1)
    lengths[1:] = np.median(per_frame, axis=0)
    for left, right in _SYMMETRIC_PAIRS:
        lengths[left] = lengths[right] = (lengths[left] + lengths[right]) / 2
    return lengths


def joint_offsets(lengths_mm: np.ndarray) -> np.ndarray:
    """(len(BVH_JOINTS), 3) rest offsets of each joint from its parent, in BVH units (cm)."""
    offsets = np.zeros((len(BVH_JOINTS), 3))
    for index, joint in enumerate(BVH_JOINTS):
        if joint.parent < 0:
            continue
        parent = BVH_JOINTS[joint.parent]
        if parent.bone is not None:
            offsets[index] = np.array(parent.rest) * lengths_mm[parent.bone] / MM_PER_UNIT
    return offsets


def end_site_offset(joint: BvhJoint, lengths_mm: np.ndarray) -> np.ndarray:
    """A leaf's tip (cosmetic: foot, hand, top of the head), scaled by its last bone."""
    return np.array(joint.end_site) * lengths_mm[joint.site] / MM_PER_UNIT
