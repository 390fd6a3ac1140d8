"""The per-person inspector: 3D joint coordinates, joint angles and root trajectory over time.

Every plot has a cursor at the current frame; dragging a cursor scrubs the video. The table
shows the current frame's joints (mm, root-relative, camera frame: x right, y down, z forward);
selecting a row plots that joint over time.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableWidget,
                             QTableWidgetItem, QVBoxLayout, QWidget)

from app.angles import ANGLE_GROUPS, joint_angles
from common.colors import track_color
from common.skeleton import H36M17
from common.store import TrackSeries

AXIS_PENS = ("#ff6b6b", "#51cf66", "#4dabf7")  # x, y, z


def with_gaps(frames: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Insert NaN between non-consecutive frames so curves break where the person was not seen."""
    frames = np.asarray(frames, np.float64)
    values = np.asarray(values, np.float64)
    breaks = np.flatnonzero(np.diff(frames) > 1) + 1
    if len(breaks) == 0:
        return frames, values
    return (np.insert(frames, breaks, np.nan),
            np.insert(values, breaks, np.full((len(breaks),) + values.shape[1:], np.nan), axis=0))


class Inspector(QWidget):
    """Shows one track; ``set_frame`` moves the cursors and refreshes the joint table."""

    frame_requested = pyqtSignal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.series: TrackSeries | None = None
        self.angles: dict[str, np.ndarray] = {}
        self.frame = 0
        self.title = QLabel("Select a person in the track list or the video to inspect them.")
        self.table = QTableWidget(H36M17.num_joints, 3)
        self.table.setHorizontalHeaderLabels(["x mm", "y mm", "z mm"])
        self.table.setVerticalHeaderLabels(list(H36M17.joints))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setToolTip("Joints at the current frame (mm, relative to the pelvis; camera axes: "
                              "x right, y down, z forward). Select a row to plot that joint.")
        self.table.setMinimumWidth(260)
        self.table.itemSelectionChanged.connect(self._plot_joint)
        self.cursors: list[pg.InfiniteLine] = []
        self.angle_plots = pg.GraphicsLayoutWidget()
        self.angle_curves: dict[str, pg.PlotDataItem] = {}
        for i, (group, (left, right)) in enumerate(ANGLE_GROUPS.items()):
            plot = self.angle_plots.addPlot(row=i // 2, col=i % 2, title=f"{group} (°)")
            plot.addLegend(offset=(-5, 2), labelTextSize="8pt", colCount=2)
            self.angle_curves[left] = plot.plot(name="left", pen=pg.mkPen("#f59f00", width=2))
            self.angle_curves[right] = plot.plot(
                name="right", pen=pg.mkPen("#22b8cf", width=2, style=Qt.PenStyle.DashLine))
            self._add_cursor(plot)
        plots = pg.GraphicsLayoutWidget()
        self.trajectory_plot = plots.addPlot(row=0, col=0, title="root trajectory (m)")
        self.trajectory_plot.addLegend(offset=(-5, 2), labelTextSize="8pt", colCount=3)
        self.trajectory_curves = [self.trajectory_plot.plot(name=n, pen=pg.mkPen(c, width=2))
                                  for n, c in zip(("x right", "depth", "height"), AXIS_PENS)]
        self._add_cursor(self.trajectory_plot)
        self.joint_plot = plots.addPlot(row=1, col=0, title="joint (mm, root-relative)")
        self.joint_plot.addLegend(offset=(-5, 2), labelTextSize="8pt", colCount=3)
        self.joint_curves = [self.joint_plot.plot(name=n, pen=pg.mkPen(c, width=2))
                             for n, c in zip("xyz", AXIS_PENS)]
        self._add_cursor(self.joint_plot)
        for plot in (self.trajectory_plot, self.joint_plot):
            plot.setLabel("bottom", "frame")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((self.table, 2), (self.angle_plots, 4), (plots, 3)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)

    def _add_cursor(self, plot: pg.PlotItem) -> None:
        cursor = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen("#ffffff", width=1))
        cursor.setToolTip("Current frame (drag to scrub)")
        cursor.sigDragged.connect(lambda line: self.frame_requested.emit(int(round(line.value()))))
        plot.addItem(cursor, ignoreBounds=True)
        self.cursors.append(cursor)

    # ---- data ---------------------------------------------------------------------------
    def set_track(self, series: TrackSeries | None) -> None:
        """Show ``series`` (None clears the inspector)."""
        self.series = series
        if series is None:
            self.title.setText("Select a person in the track list or the video to inspect them.")
            self.angles = {}
            for curve in [*self.angle_curves.values(), *self.trajectory_curves, *self.joint_curves]:
                curve.setData([], [])
            self._fill_table(None)
            return
        r, g, b = track_color(series.track_id)
        lifted = int(np.isfinite(series.joints3d[:, 0, 0]).sum())
        self.title.setText(
            f"<b style='color: rgb({r},{g},{b})'>Person {series.track_id}</b> — seen in "
            f"{len(series.frames)} frames ({int(series.frames[0])}–{int(series.frames[-1])}), "
            f"{lifted} lifted to 3D")
        self.angles = joint_angles(series.joints3d)
        for name, curve in self.angle_curves.items():
            curve.setData(*with_gaps(series.frames, self.angles[name]), connect="finite")
        root = series.root3d / 1000.0
        axes = (root[:, 0], root[:, 2], -root[:, 1])  # x right, depth, height (camera y is down)
        for curve, values in zip(self.trajectory_curves, axes):
            curve.setData(*with_gaps(series.frames, values), connect="finite")
        if not np.isfinite(root).any():
            self.trajectory_plot.setTitle("root trajectory (m): no root positions (placement off)")
        else:
            self.trajectory_plot.setTitle("root trajectory (m)")
        self._plot_joint()
        self.set_frame(self.frame)

    def selected_joint(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else H36M17.index("r_wrist")

    def _plot_joint(self) -> None:
        joint = self.selected_joint()
        self.joint_plot.setTitle(f"{H36M17.joints[joint]} (mm, root-relative)")
        if self.series is None:
            return
        for axis, curve in enumerate(self.joint_curves):
            curve.setData(*with_gaps(self.series.frames, self.series.joints3d[:, joint, axis]),
                          connect="finite")

    def set_frame(self, frame: int) -> None:
        """Move every cursor to ``frame`` and show that frame's joints in the table."""
        self.frame = frame
        if self.series is None:  # empty plots and table (set_track): moving cursors would repaint six plots
            return
        for cursor in self.cursors:
            cursor.blockSignals(True)
            cursor.setValue(frame)
            cursor.blockSignals(False)
        joints = None
        if self.series is not None:
            at = np.searchsorted(self.series.frames, frame)
            if at < len(self.series.frames) and self.series.frames[at] == frame:
                joints = self.series.joints3d[at]
        self._fill_table(joints)

    def _fill_table(self, joints: np.ndarray | None) -> None:
        for j in range(H36M17.num_joints):
            for axis in range(3):
                value = joints[j, axis] if joints is not None else np.nan
                text = f"{value:.0f}" if np.isfinite(value) else "–"
                item = self.table.item(j, axis)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(j, axis, item)
                item.setText(text)
