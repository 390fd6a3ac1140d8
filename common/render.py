"""Draws one frame's results (boxes, track ids, 2D skeletons) in per-id colours.

Shared by the exporters and the GUI's video panel, so what users see and what they export match.
"""
from __future__ import annotations

import cv2
import numpy as np

from common.colors import track_color
from common.skeleton import LAYOUTS
from common.types import FrameResult

MIN_JOINT_SCORE = 0.3


def draw_results(image: np.ndarray, result: FrameResult | None, selected_id: int | None = None,
                 min_score: float = MIN_JOINT_SCORE) -> np.ndarray:
    """Return a copy of RGB ``image`` with ``result`` drawn on it; ``selected_id`` is emphasised."""
    canvas = np.ascontiguousarray(image.copy())
    if result is None or len(result) == 0:
        return canvas
    scale = max(1.0, min(canvas.shape[:2]) / 480.0)  # thicker strokes on large frames
    thickness = max(1, int(round(2 * scale)))
    for row, track_id in enumerate(result.track_ids):
        color = track_color(int(track_id))
        emphasis = 2 if selected_id is not None and int(track_id) == selected_id else 1
        x1, y1, x2, y2 = (int(round(v)) for v in result.boxes[row])
        cv2.rectangle(canvas, (x1, y1), (x2, y2), color, thickness * emphasis, cv2.LINE_AA)
        _draw_label(canvas, f"{int(track_id)}", (x1, y1), color, scale)
        if result.poses2d is not None:
            _draw_skeleton(canvas, result.poses2d.keypoints[row], result.poses2d.scores[row],
                           result.poses2d.layout, color, thickness * emphasis, min_score)
    return canvas


def _draw_label(canvas: np.ndarray, text: str, corner: tuple[int, int], color, scale: float) -> None:
    font_scale = 0.5 * scale
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, 1)
    x, y = corner[0], max(corner[1], h + base + 2)
    cv2.rectangle(canvas, (x, y - h - base - 2), (x + w + 4, y), color, -1)
    cv2.putText(canvas, text, (x + 2, y - base), cv2.FONT_HERSHEY_SIMPLEX, font_scale, (0, 0, 0),
                max(1, int(scale)), cv2.LINE_AA)


def _draw_skeleton(canvas: np.ndarray, points: np.ndarray, scores: np.ndarray, layout: str,
                   color, thickness: int, min_score: float) -> None:
    skeleton = LAYOUTS[layout]
    visible = (scores >= min_score) & np.isfinite(points).all(axis=1)
    pts = np.nan_to_num(points).round().astype(int)
    for a, b in skeleton.bones:
        if visible[a] and visible[b]:
            cv2.line(canvas, tuple(pts[a]), tuple(pts[b]), color, thickness, cv2.LINE_AA)
    radius = thickness + 1
    for j in np.flatnonzero(visible):
        cv2.circle(canvas, tuple(pts[j]), radius, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(canvas, tuple(pts[j]), radius, color, 1, cv2.LINE_AA)
