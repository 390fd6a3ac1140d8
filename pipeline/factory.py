"""Builds a Pipeline from user options (CLI flags, GUI settings).

Defaults are what PoseScope ships with; every field is a CLI flag (``--detect-every 3``) and a
GUI setting, so both front ends build exactly the same pipeline.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, fields

import torch

from common.device import pick_device
from pipeline.pipeline import Pipeline

POSE_MODELS = ("movenet-lightning", "movenet-thunder", "blazepose-full", "multipose", "seresnet")


@dataclass
class PipelineOptions:
    """What a user can choose."""

    device: str | None = None  # None: cuda if available, else cpu
    detector_size: str = "native"  # "native" or the longer side in px (e.g. "512"): faster, misses small people
    detect_every: int = 4  # run the detector on every k-th frame; follow people by their joints between
    tracker: str = "deepsort"  # deepsort (motion + colour appearance) or sort
    max_age: int = 30  # frames a lost track survives (bridges short occlusions)
    min_hits: int = 3  # matches before a new track is shown
    pose_model: str = "movenet-lightning"  # one of POSE_MODELS; multipose: the detector's own joints
    seresnet_weights: str | None = None  # checkpoint for pose_model=seresnet
    lift: bool = True  # 2D -> 3D with the refiner
    smoothing: bool = True  # One Euro filter on 3D joints
    fov_deg: float = 60.0  # assumed horizontal field of view for placing people in the scene
    threads: int = 0  # CPU threads for torch; 0 keeps torch's default (all cores). 1 is best on a busy machine

    def __post_init__(self) -> None:
        if self.pose_model not in POSE_MODELS:
            raise ValueError(f"unknown pose model {self.pose_model!r}; choose from {', '.join(POSE_MODELS)}")
        if self.pose_model == "seresnet" and not self.seresnet_weights:
            raise ValueError("pose model seresnet needs --seresnet-weights (no pretrained weights ship)")
        if self.detect_every < 1:
            raise ValueError("detect_every must be >= 1")
        if self.detector_size != "native" and not str(self.detector_size).isdigit():
            raise ValueError("detector_size must be 'native' or a number of pixels")


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """One CLI flag per PipelineOptions field, with the field's default."""
    for f in fields(PipelineOptions):
        flag = "--" + f.name.replace("_", "-")
        default = f.default
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None,
                                help=f"(default: {'on' if default else 'off'})")
        elif f.name == "pose_model":
            parser.add_argument(flag, choices=POSE_MODELS, help=f"(default: {default})")
        else:
            kind = type(default) if default is not None else str
            parser.add_argument(flag, type=kind, help=f"(default: {default})")


def options_from_args(args: argparse.Namespace) -> PipelineOptions:
    return PipelineOptions(**{f.name: getattr(args, f.name) for f in fields(PipelineOptions)
                              if getattr(args, f.name, None) is not None})


def build_pipeline(options: PipelineOptions | None = None) -> Pipeline:
    """The configured pipeline on the chosen device (models load here, once)."""
    from detection import PersonDetector
    from pipeline.placement import RootPlacer
    from pipeline.smoother import OneEuroSmoother
    from refiner import Lifter
    from tracking import make_tracker

    options = options or PipelineOptions()
    if options.threads > 0:
        torch.set_num_threads(options.threads)
    device = str(pick_device(options.device))
    size = "native" if options.detector_size == "native" else int(options.detector_size)
    detector = PersonDetector(device=device, size=size)
    confirm = "min_hits" if options.tracker == "sort" else "n_init"  # Deep SORT's name for it
    tracker = make_tracker(options.tracker, max_age=options.max_age, **{confirm: options.min_hits})
    estimator = _estimator(options, device)
    lifter = Lifter.load(device=device) if options.lift else None
    return Pipeline(detector, tracker, estimator, lifter,
                    placer=RootPlacer(options.fov_deg) if lifter else None,
                    smoother=OneEuroSmoother() if lifter and options.smoothing else None,
                    device=device, detect_every=options.detect_every)


def _estimator(options: PipelineOptions, device: str):
    if options.pose_model == "multipose":
        return None  # the detector's own keypoints
    if options.pose_model == "seresnet":
        from pose.seresnet_estimator import SEResNetPoseEstimator

        return SEResNetPoseEstimator.from_checkpoint(options.seresnet_weights, device=device)
    from pose import make_estimator

    return make_estimator(options.pose_model, device=device)
