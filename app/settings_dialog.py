"""Processing settings, one editor per :class:`pipeline.factory.PipelineOptions` field.

A field's editor follows its type (the default's, else the annotation's); ``field(metadata={"choices": [...], "help": "..."})``
on an option turns it into a drop-down and gives it a tooltip.
"""
from __future__ import annotations

import dataclasses

from PyQt6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                             QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from app.errors import report_error
from app.settings import option_default, option_type, parse_option
from pipeline.factory import POSE_MODELS, PipelineOptions

AUTO = "auto"
# Choices for options whose field does not list them itself; the first three are open lists
# (any cuda:N, any detector size), the others closed.
KNOWN_CHOICES = {"device": (AUTO, "cpu", "cuda"),
                 "detector_size": ("native", "320", "416", "512", "640"),
                 "tracker": ("sort", "deepsort"),
                 "pose_model": POSE_MODELS}
OPEN_CHOICES = ("device", "detector_size")
LABELS = {"detect_every": "Detect every n-th frame", "detect_regions": "Detect around who needs it between whole-frame keyframes",
          "max_age": "Keep lost tracks (frames)",
          "min_hits": "Confirm tracks after (frames)", "seresnet_weights": "SE-ResNet weights",
          "lift": "Lift to 3D", "smoothing": "Smooth 3D joints", "fov_deg": "Camera field of view (°)"}


def _choices(field: dataclasses.Field) -> tuple[str, ...] | None:
    choices = field.metadata.get("choices") or KNOWN_CHOICES.get(field.name)
    if choices is None:
        return None
    choices = tuple(str(c) for c in choices)
    return choices if option_default(field) is not None or AUTO in choices else (AUTO, *choices)


class _Editor:
    """Reads and writes one option through the widget that suits its type."""

    def __init__(self, field: dataclasses.Field, value):
        self.field = field
        default, kind, choices = option_default(field), option_type(field), _choices(field)
        if choices is not None:
            self.widget: QWidget = QComboBox()
            self.widget.addItems(choices)
            self.widget.setEditable(field.name in OPEN_CHOICES)
            self.widget.setCurrentText(AUTO if value is None else str(value))
        elif kind is bool:
            self.widget = QCheckBox()
            self.widget.setChecked(bool(value))
        elif kind is int and default is not None:
            self.widget = QSpinBox()
            self.widget.setRange(-1_000_000, 1_000_000)
            self.widget.setValue(int(value))
        elif kind is float and default is not None:
            self.widget = QDoubleSpinBox()
            self.widget.setRange(-1e6, 1e6)
            self.widget.setDecimals(3)
            self.widget.setValue(float(value))
        else:  # text, or a number that may be left empty
            self.widget = QLineEdit("" if value is None else str(value))
            self.widget.setPlaceholderText("none")
        if field.metadata.get("help"):
            self.widget.setToolTip(str(field.metadata["help"]))

    def value(self):
        """The edited value; raises ValueError for text that should be a number."""
        if isinstance(self.widget, QComboBox):
            text = self.widget.currentText().strip()
            return parse_option(self.field, None if text == AUTO else text)
        if isinstance(self.widget, QCheckBox):
            return self.widget.isChecked()
        if isinstance(self.widget, (QSpinBox, QDoubleSpinBox)):
            return self.widget.value()
        return parse_option(self.field, self.widget.text().strip())


class SettingsDialog(QDialog):
    """Edits PipelineOptions; used for the next processing run."""

    def __init__(self, options: PipelineOptions, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Processing settings")
        form = QFormLayout()
        self.options_type = type(options)
        self.editors = {}
        for field in dataclasses.fields(options):
            editor = _Editor(field, getattr(options, field.name))
            self.editors[field.name] = editor
            form.addRow(LABELS.get(field.name, field.name.replace("_", " ").capitalize()), editor.widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Changes apply the next time an input is processed "
                                "(Process › Process again)."))
        layout.addWidget(buttons)

    def options(self) -> PipelineOptions:
        """The edited options; raises ValueError/TypeError if PipelineOptions rejects them."""
        return self.options_type(**{name: editor.value() for name, editor in self.editors.items()})

    def accept(self) -> None:
        try:
            self.options()
        except (TypeError, ValueError) as exc:
            report_error(self, "Invalid setting", exc)
            return
        super().accept()
