"""Inverse kinematics: joint rotations of the BVH skeleton from H36M-17 joint positions.

Each bone is turned by one joint (see common.bvh.skeleton). Its rotation is the smallest swing,
in its parent's frame, that points the rest bone at the observed one, with the twist about the
bone taken from the body itself:

* the hips (``Hips``) and the chest (``Spine1``) take the frame of their left-right line
  (hips, shoulders) and the spine;
* the upper legs and arms take the plane of the limb (thigh and shin, upper arm and forearm),
  so knees and elbows bend about one axis; the shin and forearm stay in that plane.

A nearly straight limb has no plane. Its hinge then leans on the limb's neutral hinge: where the
rest pose's hinge goes when the limb only swings from its parent's frame (no twist), which for
hanging arms, legs and most poses between is the anatomical axis. So the twist does not jitter
where the limb is straight, and needs no memory of earlier frames.
"""
from __future__ import annotations

import numpy as np

from common.bvh.skeleton import BVH_JOINTS, BvhJoint

STRAIGHT_BLEND = np.sin(np.radians(10.0))  # weight of the neutral hinge, against the plane's normal


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-12)


def _perpendicular(v: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """``v`` without its component along the unit ``axis``, normalised."""
    return _unit(v - np.sum(v * axis, -1, keepdims=True) * axis)


def _basis(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Rotation matrices whose columns are ``first``, ``second`` and their cross product."""
    return np.stack([first, second, np.cross(first, second)], axis=-1)


def _aligning(bone: np.ndarray, rest_bone: np.ndarray, axis: np.ndarray, rest_axis: np.ndarray
              ) -> np.ndarray:
    """The rotation taking ``rest_bone`` to ``bone`` and ``rest_axis`` (⊥ rest_bone) to ``axis``."""
    axis = _perpendicular(axis, bone)
    rest = _basis(np.asarray(rest_bone, float), np.asarray(rest_axis, float))
    return _basis(bone, axis) @ rest.T


def swing(rest: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The smallest rotations taking the unit vector ``rest`` to each unit ``target`` (Rodrigues)."""
    rest = np.broadcast_to(np.asarray(rest, float), target.shape)
    axis = np.cross(rest, target)
    sin = np.linalg.norm(axis, axis=-1)
    cos = np.sum(rest * target, -1)
    # Opposite vectors: any axis perpendicular to rest turns it by 180°.
    fallback = np.cross(rest, np.eye(3)[np.argmin(np.abs(rest), -1)])
    axis = np.where((sin < 1e-9)[..., None], fallback, axis)
    k = _unit(axis)
    angle = np.arctan2(sin, cos)
    skew = np.zeros(target.shape[:-1] + (3, 3))
    skew[..., 0, 1], skew[..., 0, 2], skew[..., 1, 2] = -k[..., 2], k[..., 1], -k[..., 0]
    skew = skew - np.swapaxes(skew, -1, -2)
    s, c = np.sin(angle)[..., None, None], np.cos(angle)[..., None, None]
    return np.eye(3) + s * skew + (1 - c) * skew @ skew


def _limb_hinges(upper: np.ndarray, lower: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Hinge axes of limbs from their unit upper/lower bone directions and neutral hinges (..., 3).

    The plane's normal (the limb bends its anatomical way), blended towards the neutral hinge
    as the limb straightens and the plane fades out. Reading noisy frames as over-straightened
    instead (keeping the twist) was tried, choosing per track by Viterbi: on H36M and on our own
    lifted output it gave more twist flips, not fewer.
    """
    normal = np.cross(upper, lower)
    return _unit(normal + STRAIGHT_BLEND * _perpendicular(neutral, upper))


def _direction(points: np.ndarray, joint: BvhJoint) -> np.ndarray:
    return _unit(points[:, joint.bone] - points[:, joint.site])


def _child(index: int) -> int:
    """The one joint whose parent is ``index`` (limb chains do not branch)."""
    return next(i for i, j in enumerate(BVH_JOINTS) if j.parent == index)


def global_rotations(points: np.ndarray) -> np.ndarray:
    """World rotations (T, len(BVH_JOINTS), 3, 3) of every joint for H36M-17 ``points`` (T, 17, 3).

    ``points`` are in the BVH world frame (Y up); only directions matter here.
    """
    points = np.asarray(points, np.float64)
    frames = len(points)
    rotations = np.zeros((frames, len(BVH_JOINTS), 3, 3))
    uppers = [i for i, j in enumerate(BVH_JOINTS) if j.hinge is not None]
    lowers = [_child(i) for i in uppers]
    ends = [_child(i) for i in lowers]
    for index, joint in enumerate(BVH_JOINTS):
        if index in uppers or index in lowers or index in ends:
            continue  # limbs are solved together below, once their parents are known
        parent = rotations[:, joint.parent] if joint.parent >= 0 else np.broadcast_to(np.eye(3), (frames, 3, 3))
        if joint.frame is not None:
            (left, right), (start, end) = joint.frame
            x = _unit(points[:, left] - points[:, right])
            rotations[:, index] = _basis(x, _perpendicular(points[:, end] - points[:, start], x))
        elif joint.bone is None:
            rotations[:, index] = parent
        else:
            rotations[:, index] = _swung(parent, _direction(points, joint), joint)
    upper_dir = np.stack([_direction(points, BVH_JOINTS[i]) for i in uppers], 1)
    lower_dir = np.stack([_direction(points, BVH_JOINTS[i]) for i in lowers], 1)
    neutral = np.stack([_swung(rotations[:, BVH_JOINTS[i].parent], upper_dir[:, n], BVH_JOINTS[i])
                        @ np.array(BVH_JOINTS[i].hinge, float) for n, i in enumerate(uppers)], 1)
    hinges = _limb_hinges(upper_dir, lower_dir, neutral)
    for n, (upper, lower, end) in enumerate(zip(uppers, lowers, ends)):
        rest_hinge = BVH_JOINTS[upper].hinge
        rotations[:, upper] = _aligning(upper_dir[:, n], BVH_JOINTS[upper].rest, hinges[:, n], rest_hinge)
        rotations[:, lower] = _aligning(lower_dir[:, n], BVH_JOINTS[lower].rest, hinges[:, n], rest_hinge)
        rotations[:, end] = rotations[:, lower]
    return rotations


def _swung(parent: np.ndarray, direction: np.ndarray, joint: BvhJoint) -> np.ndarray:
    """World rotation of ``joint`` when it only swings its rest bone, in its parent's frame, onto ``direction``."""
    local_target = np.einsum("tji,tj->ti", parent, direction)
    return parent @ swing(np.array(joint.rest, float), local_target)


def local_rotations(points: np.ndarray) -> np.ndarray:
    """Rotations (T, J, 3, 3) of every joint relative to its parent (the root's is global)."""
    world = global_rotations(points)
    local = world.copy()
    for index, joint in enumerate(BVH_JOINTS):
        if joint.parent >= 0:
            local[:, index] = np.swapaxes(world[:, joint.parent], -1, -2) @ world[:, index]
    return local
