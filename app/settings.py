"""Persistent user settings (QSettings): pipeline options, recent inputs, playback and export choices.

Pipeline options mirror :class:`pipeline.factory.PipelineOptions` field by field, so a stage that
adds an option there is saved and offered in the settings dialog without changes here.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from PyQt6.QtCore import QSettings

from pipeline.factory import PipelineOptions

MAX_RECENT = 8


def option_fields() -> list[dataclasses.Field]:
    return list(dataclasses.fields(PipelineOptions))


def option_default(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None


def _coerce(value: Any, default: Any) -> Any:
    """QSettings hands back strings from INI files; turn them into the default's type."""
    if value is None or value == "":
        return default if not isinstance(default, str) else ""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return str(value)


class AppSettings:
    """Typed access to the app's QSettings (an INI file in tests, the platform store otherwise)."""

    def __init__(self, qsettings: QSettings | None = None):
        self.qsettings = qsettings if qsettings is not None else QSettings()

    # ---- pipeline -----------------------------------------------------------------------
    def pipeline_options(self) -> PipelineOptions:
        values = {}
        for field in option_fields():
            default = option_default(field)
            stored = self.qsettings.value(f"pipeline/{field.name}")
            value = _coerce(stored, default)
            values[field.name] = None if value == "" and default is None else value
        try:
            return PipelineOptions(**values)
        except (TypeError, ValueError):  # settings from an older version that no longer validate
            return PipelineOptions()

    def set_pipeline_options(self, options: PipelineOptions) -> None:
        for field in option_fields():
            value = getattr(options, field.name)
            self.qsettings.setValue(f"pipeline/{field.name}", "" if value is None else value)
        self.qsettings.sync()

    # ---- recent inputs ------------------------------------------------------------------
    def recent_inputs(self) -> list[str]:
        value = self.qsettings.value("recent/inputs", [])
        if isinstance(value, str):  # a one-element list comes back as a plain string
            value = [value]
        return [str(v) for v in value or []][:MAX_RECENT]

    def add_recent_input(self, spec: str) -> None:
        recent = [spec] + [r for r in self.recent_inputs() if r != spec]
        self.qsettings.setValue("recent/inputs", recent[:MAX_RECENT])
        self.qsettings.sync()

    def remove_recent_input(self, spec: str) -> None:
        self.qsettings.setValue("recent/inputs", [r for r in self.recent_inputs() if r != spec])
        self.qsettings.sync()

    # ---- small UI memories --------------------------------------------------------------
    def value(self, key: str, default: Any) -> Any:
        return _coerce(self.qsettings.value(key), default)

    def set_value(self, key: str, value: Any) -> None:
        self.qsettings.setValue(key, value)
