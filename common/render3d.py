"""A small software renderer of the 3D scene (skeletons on a ground grid) for exported videos.

The GUI draws the same scene with OpenGL; exports must work headless and on machines without
GL, so they draw it with OpenCV lines in an orthographic view.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from common.colors import track_color
from common.skeleton import H36M17
from common.types import FrameResult

PERSON_SPACING_MM = 900.0  # where people stand when no root position is known


@dataclass
class SceneView:
    """Orbit angles of the export camera and the background colour."""

    azimuth_deg: float = -60.0
    elevation_deg: float = 18.0
    min_extent_mm: float = 2500.0
    background: tuple[int, int, int] = (28, 30, 36)


def scene_joints(result: FrameResult | None) -> list[tuple[int, np.ndarray]]:
    """(track id, (17, 3) joints in camera mm) for every lifted person, placed by root if known."""
    if result is None or result.poses3d is None or len(result) == 0:
        return []
    joints = result.poses3d.joints
    root = result.poses3d.root
    placed = []
    for row, track_id in enumerate(result.track_ids):
        if not np.isfinite(joints[row]).all():  # the lifter gives NaN for people it cannot lift
            continue
        offset = root[row] if root is not None and np.isfinite(root[row]).all() \
            else np.array([row * PERSON_SPACING_MM, 0.0, 0.0])
        placed.append((int(track_id), joints[row] + offset))
    return placed


def to_z_up(points: np.ndarray) -> np.ndarray:
    """Camera frame (x right, y down, z forward) → world with z up (x right, y forward)."""
    return np.stack([points[..., 0], points[..., 2], -points[..., 1]], axis=-1)


def _rotation(view: SceneView) -> np.ndarray:
    az, el = np.radians(view.azimuth_deg), np.radians(view.elevation_deg)
    rz = np.array([[np.cos(az), -np.sin(az), 0], [np.sin(az), np.cos(az), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(el), -np.sin(el)], [0, np.sin(el), np.cos(el)]])
    return rx @ rz


def render_scene(result: FrameResult | None, size: tuple[int, int], view: SceneView) -> np.ndarray:
    """RGB image of ``size`` (h, w) showing every lifted person of ``result``."""
    h, w = size
    canvas = np.empty((h, w, 3), np.uint8)
    canvas[:] = view.background
    people = [(tid, to_z_up(p)) for tid, p in scene_joints(result)]
    # Robust framing: a single far-away (or badly placed) person must not shrink everyone else.
    centroids = np.array([p.mean(axis=0) for _, p in people]) if people else np.zeros((1, 3))
    centre = np.median(centroids, axis=0)
    ground = float(np.median([p[:, 2].min() for _, p in people])) if people else -900.0
    spread = np.abs(centroids[:, :2] - centre[:2]).max(axis=1)
    extent = max(view.min_extent_mm, 2.8 * float(np.percentile(spread, 75)) + 1500.0)
    rot = _rotation(view)
    scale = 0.8 * min(h, w) / extent

    def project(points: np.ndarray) -> np.ndarray:
        p = (points - np.array([centre[0], centre[1], ground + 900.0])) @ rot.T
        return np.stack([w / 2 + p[:, 0] * scale, h / 2 - p[:, 2] * scale], 1).round().astype(int)

    half = extent / 2
    for t in np.linspace(-half, half, 9):  # ground grid at the lowest foot
        for a, b in (((t, -half), (t, half)), ((-half, t), (half, t))):
            seg = np.array([[centre[0] + a[0], centre[1] + a[1], ground],
                            [centre[0] + b[0], centre[1] + b[1], ground]])
            p0, p1 = project(seg)
            cv2.line(canvas, tuple(p0), tuple(p1), (70, 74, 84), 1, cv2.LINE_AA)
    for track_id, points in people:
        pts = project(points)
        color = track_color(track_id)
        for parent, child in H36M17.bones:
            cv2.line(canvas, tuple(pts[parent]), tuple(pts[child]), color, 2, cv2.LINE_AA)
        cv2.putText(canvas, str(track_id), tuple(pts[10] + np.array([4, -4])), cv2.FONT_HERSHEY_SIMPLEX,
                    0.45, color, 1, cv2.LINE_AA)
    return canvas


def compose_side_by_side(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Place two RGB images of equal height next to each other."""
    if left.shape[0] != right.shape[0]:
        right = cv2.resize(right, (int(right.shape[1] * left.shape[0] / right.shape[0]), left.shape[0]))
    return np.concatenate([left, right], axis=1)
