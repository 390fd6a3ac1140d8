"""Persistent user settings (QSettings): pipeline options, recent inputs, playback and export choices.

Pipeline options mirror :class:`pipeline.factory.PipelineOptions` field by field, so a stage that
adds an option there is saved and offered in the settings dialog without changes here.
"""
from __future__ import annotations

import dataclasses
import re
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


def option_type(field: dataclasses.Field) -> type:
    """bool, int, float or str: the default's type, else read from the annotation ("float | None")."""
    default = option_default(field)
    if isinstance(default, (bool, int, float)):
        return type(default)
    annotation = field.type if isinstance(field.type, str) else str(field.type)
    for kind in (bool, int, float):
        if re.search(rf"\b{kind.__name__}\b", annotation):
            return kind
    return str


def parse_option(field: dataclasses.Field, value: Any) -> Any:
    """A stored or typed value as the option's type; empty means the default (often None: auto).

    Raises ValueError for text that is not a number where one is needed.
    """
    if value is None or value == "":
        return option_default(field)
    kind = option_type(field)
    if kind is bool:
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    return kind(value)


class AppSettings:
    """Typed access to the app's QSettings (an INI file in tests, the platform store otherwise)."""

    def __init__(self, qsettings: QSettings | None = None):
        self.qsettings = qsettings if qsettings is not None else QSettings()

    # ---- pipeline -----------------------------------------------------------------------
    def pipeline_options(self) -> PipelineOptions:
        """The saved options; defaults for anything unsaved or no longer valid."""
        values = {}
        for field in option_fields():
            try:
                values[field.name] = parse_option(field, self.qsettings.value(f"pipeline/{field.name}"))
            except ValueError:
                values[field.name] = option_default(field)
        try:
            return PipelineOptions(**values)
        except (TypeError, ValueError):  # saved by a version whose options no longer validate
            return PipelineOptions()

    def set_pipeline_options(self, options: PipelineOptions) -> None:
        """Saves only what differs from the defaults, so a better default in a new version (e.g. the
        lifter) reaches everyone who never changed that option."""
        for field in option_fields():
            key, value = f"pipeline/{field.name}", getattr(options, field.name)
            if value == option_default(field):
                self.qsettings.remove(key)
            else:
                self.qsettings.setValue(key, "" if value is None else value)
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
    def value(self, key: str, default: str) -> str:
        value = self.qsettings.value(key)
        return default if value in (None, "") else str(value)

    def set_value(self, key: str, value: str) -> None:
        self.qsettings.setValue(key, value)
