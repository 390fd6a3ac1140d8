"""Builds a Pipeline from user options (CLI flags, GUI settings) with the stages that exist."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, fields

from common.device import pick_device
from pipeline.pipeline import Pipeline


@dataclass
class PipelineOptions:
    """What a user can choose; defaults are what PoseScope ships with."""

    device: str | None = None  # None: cuda if available, else cpu


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """CLI flags for every PipelineOptions field."""
    parser.add_argument("--device", help="cpu, cuda or cuda:N (default: cuda if available)")


def options_from_args(args: argparse.Namespace) -> PipelineOptions:
    return PipelineOptions(**{f.name: getattr(args, f.name) for f in fields(PipelineOptions)
                              if getattr(args, f.name, None) is not None})


def build_pipeline(options: PipelineOptions | None = None) -> Pipeline:
    """The configured pipeline on the chosen device."""
    options = options or PipelineOptions()
    device = pick_device(options.device)
    return Pipeline(device=str(device))
