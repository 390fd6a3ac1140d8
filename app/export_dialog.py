"""The export dialog: annotated MP4 and GIF (fps, size, frame step, bitrate, 3D view), data files and BVH."""
from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                             QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit,
                             QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.errors import report_error
from app.export_job import ExportRequest
from common.atomic import ExportPathError
from common.exporters import VideoOptions

BITRATES = ("auto", "1M", "2M", "4M", "8M", "16M")


class _Target(QWidget):
    """A check box, a path and a Browse button for one output file (or folder: no ``file_filter``)."""

    def __init__(self, label: str, path: Path, file_filter: str | None, checked: bool, parent=None):
        super().__init__(parent)
        self.check = QCheckBox(label)
        self.check.setChecked(checked)
        self.path = QLineEdit(str(path))
        self.file_filter = file_filter
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.check.toggled.connect(self.path.setEnabled)
        self.check.toggled.connect(browse.setEnabled)
        self.path.setEnabled(checked)
        browse.setEnabled(checked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.path, 1)
        layout.addWidget(browse)

    def _browse(self) -> None:
        if self.file_filter is None:
            chosen = QFileDialog.getExistingDirectory(self, "Export into", self.path.text())
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), self.file_filter)
        if chosen:
            self.path.setText(chosen)

    def value(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text).expanduser() if self.check.isChecked() and text else None


class ExportDialog(QDialog):
    """Collects an :class:`ExportRequest`; checks the paths before closing."""

    def __init__(self, folder: Path, stem: str, can_export_video: bool, source_fps: float,
                 parent=None, selected_id: int | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        base = folder / f"{stem}_posescope"
        self.mp4 = _Target("MP4", base.with_suffix(".mp4"), "MP4 video (*.mp4)", can_export_video)
        self.gif = _Target("GIF", base.with_suffix(".gif"), "GIF animation (*.gif)", False)
        self.jsonl = _Target("JSON lines", base.with_suffix(".jsonl"), "JSON lines (*.jsonl)", True)
        self.csv = _Target("CSV", base.with_suffix(".csv"), "CSV (*.csv)", False)
        self.bvh = _Target("BVH animation", folder / f"{stem}_bvh", None, False)
        self.bvh.setToolTip("One person_<id>.bvh per person, for Blender or MotionBuilder (see docs/bvh.md)")
        self.bvh_people = QComboBox()
        self.bvh_people.addItem("All people")
        self.selected_id = selected_id
        if selected_id is not None:
            self.bvh_people.addItem(f"Selected person ({selected_id})")
            self.bvh_people.setCurrentIndex(1)
        self.bvh_people.setEnabled(False)
        self.bvh.check.toggled.connect(self.bvh_people.setEnabled)
        for target in (self.mp4, self.gif):
            target.setEnabled(can_export_video)
            if not can_export_video:
                target.check.setChecked(False)
                target.setToolTip("A camera's frames cannot be read again; export the data instead.")
        self.fps = QDoubleSpinBox()
        self.fps.setRange(0, 240)
        self.fps.setDecimals(2)
        self.fps.setSpecialValueText(f"auto (source {source_fps:g} fps ÷ frame step)")
        self.width = QSpinBox()
        self.width.setRange(0, 7680)
        self.width.setSingleStep(16)
        self.width.setSpecialValueText("source size")
        self.width.setSuffix(" px")
        self.frame_step = QSpinBox()
        self.frame_step.setRange(1, 100)
        self.bitrate = QComboBox()
        self.bitrate.addItems(BITRATES)
        self.bitrate.setEditable(True)
        self.bitrate.setToolTip("MP4 bitrate such as 4M; auto lets the encoder pick by quality")
        self.include_3d = QCheckBox("Put the 3D view beside the video")
        video_box = QGroupBox("Annotated video")
        video_form = QFormLayout(video_box)
        video_form.addRow(self.mp4)
        video_form.addRow(self.gif)
        video_form.addRow("Frame rate", self.fps)
        video_form.addRow("Width", self.width)
        video_form.addRow("Every n-th frame", self.frame_step)
        video_form.addRow("MP4 bitrate", self.bitrate)
        video_form.addRow(self.include_3d)
        video_box.setEnabled(can_export_video)
        data_box = QGroupBox("Joint data (every processed frame)")
        data_form = QVBoxLayout(data_box)
        data_form.addWidget(self.jsonl)
        data_form.addWidget(self.csv)
        bvh_row = QHBoxLayout()
        bvh_row.addWidget(self.bvh, 1)
        bvh_row.addWidget(self.bvh_people)
        data_form.addLayout(bvh_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(video_box)
        layout.addWidget(data_box)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def request(self) -> ExportRequest:
        """What is filled in; raises ValueError for impossible video options."""
        bitrate = self.bitrate.currentText().strip()
        video = VideoOptions(fps=self.fps.value() or None, width=self.width.value() or None,
                             frame_step=self.frame_step.value(),
                             bitrate=None if bitrate in ("", "auto") else bitrate,
                             include_3d=self.include_3d.isChecked())
        person = self.selected_id if self.bvh_people.currentIndex() == 1 else None
        return ExportRequest(self.mp4.value(), self.gif.value(), self.jsonl.value(), self.csv.value(), video,
                             self.bvh.value(), person)

    def accept(self) -> None:
        try:
            self.request().check()
        except (ExportPathError, ValueError) as exc:
            report_error(self, "Cannot export", exc)
            return
        super().accept()
