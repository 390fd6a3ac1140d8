"""The 3D viewport: every tracked person's skeleton on a ground grid, one colour per track id.

Scene units are metres in a z-up world: x right, y forward (away from the camera), z up, so the
default view, from behind and slightly above the camera, matches the video. People are placed by
their estimated root position (``Poses3D.root``) when the pipeline has one, else side by side
(see ``common.render3d.scene_joints``, shared with the exported 3D view).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PyQt6.QtGui import QColor, QVector3D
from PyQt6.QtWidgets import QLabel

from common.colors import track_color
from common.render3d import scene_joints, to_z_up
from common.skeleton import H36M17
from common.types import FrameResult

BONES = np.array(H36M17.bones)
HEAD = H36M17.index("head")
MM_PER_M = 1000.0
DIMMED_ALPHA = 0.3
LABEL_DEPTH = 100


class _PersonItems:
    """The GL items drawing one person (bones, joints, id label); reused from frame to frame."""

    def __init__(self, view: gl.GLViewWidget):
        self.bones = gl.GLLinePlotItem(mode="lines", antialias=True)
        self.joints = gl.GLScatterPlotItem(pxMode=True)
        self.label = gl.GLTextItem()
        # Text is painted with a QPainter, which rebinds the widget's framebuffer: draw it after
        # all geometry so off-screen renders (renderToArray) still get every skeleton.
        self.label.setDepthValue(LABEL_DEPTH)
        for item in (self.bones, self.joints, self.label):
            view.addItem(item)

    def show(self, track_id: int, points: np.ndarray, selected: bool, dimmed: bool) -> None:
        r, g, b = (c / 255.0 for c in track_color(track_id))
        alpha = DIMMED_ALPHA if dimmed else 1.0
        self.bones.setData(pos=points[BONES.ravel()], color=(r, g, b, alpha), width=6.0 if selected else 3.0)
        self.joints.setData(pos=points, color=(1.0, 1.0, 1.0, alpha), size=9.0 if selected else 5.0)
        self.label.setData(pos=points[HEAD] + np.array([0.0, 0.0, 0.18]), text=str(track_id),
                           color=QColor.fromRgbF(r, g, b, alpha))
        self.set_visible(True)

    def set_visible(self, visible: bool) -> None:
        for item in (self.bones, self.joints, self.label):
            item.setVisible(visible)


class SceneView(gl.GLViewWidget):
    """Orbit (left drag), pan (middle drag or shift+left), zoom (wheel) around the people."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setBackgroundColor((28, 30, 36))
        self.grid = gl.GLGridItem(size=QVector3D(20, 20, 1), color=(110, 116, 130, 110))
        self.grid.setSpacing(0.5, 0.5, 1)
        self.addItem(self.grid)
        self.axes = gl.GLAxisItem(size=QVector3D(0.5, 0.5, 0.5))
        self.addItem(self.axes)
        self.trail = gl.GLLinePlotItem(mode="line_strip", antialias=True)  # the selected person's path
        self.addItem(self.trail)
        self._trail_points = np.zeros((0, 3))
        self._people: list[_PersonItems] = []
        self._floor_samples: list[float] = []
        self._floor, self._floor_stale = 0.0, False
        self._framed = False
        self.people_shown: dict[int, np.ndarray] = {}  # track id -> (17, 3) m, as last drawn
        self.overlay = QLabel(self)
        self.overlay.setStyleSheet("color: #d0d3da; background: rgba(20, 21, 26, 150); padding: 3px;")
        self.overlay.move(6, 6)
        self.setCameraPosition(distance=8.0, elevation=15.0, azimuth=-90.0)
        self._set_overlay("3D view: no results yet")

    def _set_overlay(self, text: str) -> None:
        self.overlay.setText(text)
        self.overlay.adjustSize()

    def clear_scene(self) -> None:
        """Forget the floor and framing (a new input was opened)."""
        self._floor_samples, self._floor, self._framed, self._floor_stale = [], 0.0, False, True
        self.set_trail(None, None)
        self.show_result(None)

    def observe(self, result: FrameResult) -> None:
        """Learn the floor height from a new result: the median of people's lowest joints. The grid
        moves there when the scene is next drawn (moving it redraws the view: not for every result)."""
        for _, joints in scene_joints(result):
            self._floor_samples.append(float(to_z_up(joints)[:, 2].min()) / MM_PER_M)
        self._floor_stale = bool(self._floor_samples)

    def _place_floor(self) -> None:
        if not self._floor_stale:
            return
        self._floor_stale = False
        self._floor = float(np.median(self._floor_samples[-2000:])) if self._floor_samples else 0.0
        self.grid.resetTransform()
        self.grid.translate(0, 0, self._floor)
        self.axes.resetTransform()
        self.axes.translate(0, 0, self._floor)

    def set_trail(self, track_id: int | None, roots_mm: np.ndarray | None) -> None:
        """Draw a person's root positions (camera mm, (T, 3), NaN where unknown) on the floor."""
        points = np.zeros((0, 3))
        if track_id is not None and roots_mm is not None:
            known = roots_mm[np.isfinite(roots_mm).all(axis=1)]
            points = to_z_up(known) / MM_PER_M if len(known) >= 2 else points
        self._trail_points = points
        self._draw_trail(track_id)

    def _draw_trail(self, track_id: int | None = None) -> None:
        if len(self._trail_points) < 2:
            self.trail.setVisible(False)
            return
        floor = np.column_stack([self._trail_points[:, :2], np.full(len(self._trail_points), self._floor + 0.01)])
        r, g, b = (c / 255.0 for c in track_color(track_id)) if track_id is not None else (1.0, 1.0, 1.0)
        self.trail.setData(pos=floor, color=(r, g, b, 0.8), width=2.0)
        self.trail.setVisible(True)

    def show_result(self, result: FrameResult | None, selected_id: int | None = None) -> None:
        """Draw the people of ``result``; the selected track is thick, the others dimmed."""
        self._place_floor()
        people = [(tid, to_z_up(joints) / MM_PER_M) for tid, joints in scene_joints(result)]
        while len(self._people) < len(people):
            self._people.append(_PersonItems(self))
        ids = {tid for tid, _ in people}
        for slot, items in enumerate(self._people):
            if slot >= len(people):
                items.set_visible(False)
                continue
            tid, points = people[slot]
            selected = tid == selected_id
            items.show(tid, points, selected, dimmed=selected_id in ids and not selected)
        self.people_shown = dict(people)
        if people and not self._framed:
            self.frame_people()
        if result is None:
            self._set_overlay("3D view: no results yet")
        elif not people:
            self._set_overlay("3D view: nobody lifted to 3D in this frame")
        else:
            self._set_overlay(f"3D view: {len(people)} {'person' if len(people) == 1 else 'people'}"
                              "  (drag: orbit, wheel: zoom, shift+drag: pan)")

    def frame_people(self) -> None:
        """Aim the camera at the people on screen, keeping the current viewing angles."""
        if not self.people_shown:
            return
        points = np.concatenate(list(self.people_shown.values()))
        centre = (points.min(0) + points.max(0)) / 2
        extent = float(np.ptp(points, axis=0).max())
        self.opts["center"] = QVector3D(*(float(c) for c in centre))
        self.setCameraPosition(distance=max(4.0, 1.6 * extent + 2.0))
        self._framed = True
