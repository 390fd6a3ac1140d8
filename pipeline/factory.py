"""Builds a Pipeline from user options (CLI flags, GUI settings) with the stages that exist."""
from __future__ import annotations

from dataclasses import dataclass

from common.device import pick_device
from pipeline.pipeline import Pipeline


@dataclass
class PipelineOptions:
    """What a user can choose; defaults are what PoseScope ships with."""

    device: str | None = None  # None: cuda if available, else cpu


def build_pipeline(options: PipelineOptions | None = None) -> Pipeline:
    """The configured pipeline on the chosen device."""
    options = options or PipelineOptions()
    device = pick_device(options.device)
    return Pipeline(device=str(device))
