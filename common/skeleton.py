"""Skeleton layouts (COCO-17, H36M-17, BlazePose-33) and explicit conversions between them.

One place for joint names, parents, bones and left/right pairs, so that drawing, flipping,
lifting and exporting all agree on what joint ``i`` means.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Skeleton:
    """A joint layout: names, kinematic parents and the left/right joint pairs."""

    name: str
    joints: tuple[str, ...]
    parents: tuple[int, ...]  # -1 for the root
    left: tuple[int, ...]
    right: tuple[int, ...]
    extra_bones: tuple[tuple[int, int], ...] = ()  # drawn but not in the tree (e.g. face, torso)

    @property
    def num_joints(self) -> int:
        return len(self.joints)

    @property
    def bones(self) -> tuple[tuple[int, int], ...]:
        """(parent, child) pairs of the tree, then the extra drawing bones."""
        tree = tuple((p, c) for c, p in enumerate(self.parents) if p >= 0)
        return tree + self.extra_bones

    @property
    def flip_permutation(self) -> np.ndarray:
        """Index array that swaps left and right joints (for horizontal flips)."""
        perm = np.arange(self.num_joints)
        perm[list(self.left)] = self.right
        perm[list(self.right)] = self.left
        return perm

    def index(self, joint: str) -> int:
        return self.joints.index(joint)


COCO17 = Skeleton(
    name="coco17",
    joints=("nose", "l_eye", "r_eye", "l_ear", "r_ear", "l_shoulder", "r_shoulder", "l_elbow",
            "r_elbow", "l_wrist", "r_wrist", "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle",
            "r_ankle"),
    # A tree rooted at the nose is only for drawing; COCO has no kinematic root.
    parents=(-1, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14),
    left=(1, 3, 5, 7, 9, 11, 13, 15),
    right=(2, 4, 6, 8, 10, 12, 14, 16),
    extra_bones=((5, 6), (11, 12)),
)

H36M17 = Skeleton(
    name="h36m17",
    joints=("pelvis", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "spine",
            "thorax", "neck_nose", "head", "l_shoulder", "l_elbow", "l_wrist", "r_shoulder",
            "r_elbow", "r_wrist"),
    parents=(-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15),
    left=(4, 5, 6, 11, 12, 13),
    right=(1, 2, 3, 14, 15, 16),
)

BLAZEPOSE33 = Skeleton(
    name="blazepose33",
    joints=("nose", "l_eye_inner", "l_eye", "l_eye_outer", "r_eye_inner", "r_eye", "r_eye_outer",
            "l_ear", "r_ear", "mouth_l", "mouth_r", "l_shoulder", "r_shoulder", "l_elbow",
            "r_elbow", "l_wrist", "r_wrist", "l_pinky", "r_pinky", "l_index", "r_index",
            "l_thumb", "r_thumb", "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle",
            "l_heel", "r_heel", "l_foot_index", "r_foot_index"),
    parents=(-1, 0, 1, 2, 0, 4, 5, 3, 6, 0, 0, 0, 0, 11, 12, 13, 14, 15, 16, 15, 16, 15, 16,
             11, 12, 23, 24, 25, 26, 27, 28, 27, 28),
    left=(1, 2, 3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31),
    right=(4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32),
    extra_bones=((11, 12), (23, 24), (9, 10)),
)

LAYOUTS: dict[str, Skeleton] = {s.name: s for s in (COCO17, H36M17, BLAZEPOSE33)}

# BlazePose landmarks that are the COCO-17 joints, in COCO order.
BLAZEPOSE33_TO_COCO17 = np.array([0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28])


def _mean(points: np.ndarray, scores: np.ndarray, idx: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Midpoint of some joints; its confidence is that of the least confident one."""
    return points[..., idx, :].mean(axis=-2), scores[..., idx].min(axis=-1)


def coco17_to_h36m17(points: np.ndarray, scores: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Map COCO-17 joints ``(..., 17, D)`` to H36M-17 ``(..., 17, D)`` with scores ``(..., 17)``.

    Pelvis = mid-hips, thorax = mid-shoulders, spine = midway between them, neck/nose = nose,
    head = midpoint of the eyes. Derived joints take the lowest score of their sources.
    """
    points = np.asarray(points, dtype=np.float32)
    if points.shape[-2] != 17:
        raise ValueError(f"COCO-17 needs 17 joints, got {points.shape[-2]}")
    scores = np.ones(points.shape[:-1], np.float32) if scores is None else np.asarray(scores, np.float32)
    out = np.zeros_like(points)
    out_s = np.zeros_like(scores)
    direct = {1: 12, 2: 14, 3: 16, 4: 11, 5: 13, 6: 15, 9: 0, 11: 5, 12: 7, 13: 9, 14: 6, 15: 8, 16: 10}
    for h36m, coco in direct.items():
        out[..., h36m, :] = points[..., coco, :]
        out_s[..., h36m] = scores[..., coco]
    out[..., 0, :], out_s[..., 0] = _mean(points, scores, [11, 12])
    out[..., 8, :], out_s[..., 8] = _mean(points, scores, [5, 6])
    out[..., 7, :] = (out[..., 0, :] + out[..., 8, :]) / 2
    out_s[..., 7] = np.minimum(out_s[..., 0], out_s[..., 8])
    out[..., 10, :], out_s[..., 10] = _mean(points, scores, [1, 2])
    return out, out_s


def blazepose33_to_coco17(points: np.ndarray, scores: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray | None]:
    """Select the 17 BlazePose landmarks that COCO-17 names, in COCO order."""
    points = np.asarray(points)
    if points.shape[-2] != 33:
        raise ValueError(f"BlazePose-33 needs 33 joints, got {points.shape[-2]}")
    picked = None if scores is None else np.asarray(scores)[..., BLAZEPOSE33_TO_COCO17]
    return points[..., BLAZEPOSE33_TO_COCO17, :], picked


def blazepose33_to_h36m17(points: np.ndarray, scores: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray]:
    """BlazePose-33 → H36M-17, through the COCO-17 subset (same derived-joint rules)."""
    return coco17_to_h36m17(*blazepose33_to_coco17(points, scores))


def to_h36m17(points: np.ndarray, scores: np.ndarray | None, layout: str
              ) -> tuple[np.ndarray, np.ndarray]:
    """Convert any supported layout to H36M-17 (the refiner's input layout)."""
    converters = {"coco17": coco17_to_h36m17, "blazepose33": blazepose33_to_h36m17}
    if layout == "h36m17":
        points = np.asarray(points, np.float32)
        s = np.ones(points.shape[:-1], np.float32) if scores is None else np.asarray(scores, np.float32)
        return points, s
    if layout not in converters:
        raise ValueError(f"no conversion from layout {layout!r} to h36m17")
    return converters[layout](points, scores)
