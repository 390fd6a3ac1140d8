"""Builds a Pipeline from user options (CLI flags, GUI settings).

Defaults are what PoseScope ships with; every field is a CLI flag (``--detect-every 3``) and a
GUI setting, so both front ends build exactly the same pipeline.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field, fields

import torch

from common.device import pick_device
from nets.runtime import RUNTIMES
from pipeline.pipeline import Pipeline

DETECTOR_SIZES = ("multiscale", "native", "256", "320", "416", "512", "640")
POSE_MODELS = ("movenet-lightning", "movenet-thunder", "blazepose-full", "multipose", "seresnet")
LIFTERS = ("single", "temporal")


@dataclass
class PipelineOptions:
    """What a user can choose."""

    device: str | None = None  # None: cuda if available, else cpu
    detector_size: str = field(default="multiscale", metadata={
        "choices": DETECTOR_SIZES, "help": "multiscale: a 256-px pass for large people plus a native-size pass "
        "where small people can be (docs/footage.md); native: the frame at its own size (the old default, "
        "splits close-ups); a number: the longer side in px (faster, misses small people)"})
    detect_every: int = 4  # run the detector on every k-th frame; follow people by their joints between
    detect_by_need: bool = True  # detect sooner when someone is lost, weak or near an edge (pipeline/keyframes.py)
    detect_regions: bool = True  # a soon keyframe searches only around the people who need it (multiscale detector)
    tracker: str = "deepsort"  # deepsort (motion + colour appearance) or sort
    max_age: int = 30  # frames a lost track survives (bridges short occlusions)
    min_hits: int = 3  # matches before a new track is shown
    pose_model: str = "movenet-lightning"  # one of POSE_MODELS; multipose: the detector's own joints
    seresnet_weights: str | None = None  # checkpoint for pose_model=seresnet
    lift: bool = True  # 2D -> 3D with the refiner
    lifter: str = field(default="temporal", metadata={
        "choices": LIFTERS, "help": "temporal: each person from their track's last second (live), re-lifted from past "
        "and future frames once a file is processed (smoother, docs/refiner.md); single: every frame alone"})
    smoothing: bool = True  # One Euro filter on 3D joints
    fov_deg: float = 60.0  # assumed horizontal field of view for placing people in the scene
    threads: int = 0  # CPU threads for torch; 0 keeps torch's default (all cores). 1 is best on a busy machine
    runtime: str = field(default="auto", metadata={
        "choices": RUNTIMES, "help": "what runs the networks: auto = onnxruntime on the CPU, torch on CUDA "
        "(docs/runtime.md)"})

    def __post_init__(self) -> None:
        if self.pose_model not in POSE_MODELS:
            raise ValueError(f"unknown pose model {self.pose_model!r}; choose from {', '.join(POSE_MODELS)}")
        if self.pose_model == "seresnet" and not self.seresnet_weights:
            raise ValueError("pose model seresnet needs --seresnet-weights (no pretrained weights ship)")
        if self.runtime not in RUNTIMES:
            raise ValueError(f"unknown runtime {self.runtime!r}; choose from {', '.join(RUNTIMES)}")
        if self.lifter not in LIFTERS:
            raise ValueError(f"unknown lifter {self.lifter!r}; choose from {', '.join(LIFTERS)}")
        if self.detect_every < 1:
            raise ValueError("detect_every must be >= 1")
        if self.detector_size not in ("multiscale", "native") and not str(self.detector_size).isdigit():
            raise ValueError(f"detector_size must be 'multiscale', 'native' or a number of pixels, "
                             f"got {self.detector_size!r}")


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
    from pipeline.placement import RootPlacer
    from pipeline.smoother import OneEuroSmoother
    from tracking import make_tracker

    options = options or PipelineOptions()
    if options.threads > 0:
        torch.set_num_threads(options.threads)
    device = str(pick_device(options.device))
    detector = _detector(options, device)
    confirm = "min_hits" if options.tracker == "sort" else "n_init"  # Deep SORT's name for it
    tracker = make_tracker(options.tracker, max_age=options.max_age, **{confirm: options.min_hits})
    estimator = _estimator(options, device)
    lifter = _lifter(options, device) if options.lift else None
    return Pipeline(detector, tracker, estimator, lifter,
                    placer=RootPlacer(options.fov_deg) if lifter else None,
                    smoother=OneEuroSmoother() if lifter and options.smoothing else None,
                    device=device, detect_every=options.detect_every, detect_by_need=options.detect_by_need,
                    detect_regions=options.detect_regions)


def _detector(options: PipelineOptions, device: str):
    from detection import MultiScaleDetector, PersonDetector

    if options.detector_size == "multiscale":
        return MultiScaleDetector(PersonDetector(device=device, runtime=options.runtime))
    size = "native" if options.detector_size == "native" else int(options.detector_size)
    return PersonDetector(device=device, size=size, runtime=options.runtime)


def _estimator(options: PipelineOptions, device: str):
    if options.pose_model == "multipose":
        return None  # the detector's own keypoints
    if options.pose_model == "seresnet":
        from pose.seresnet_estimator import SEResNetPoseEstimator

        return SEResNetPoseEstimator.from_checkpoint(options.seresnet_weights, device=device)
    from pose import make_estimator

    return make_estimator(options.pose_model, device=device, runtime=options.runtime)


def _lifter(options: PipelineOptions, device: str):
    from refiner import Lifter

    if options.lifter == "temporal":
        from refiner.temporal_lifter import TrackLifter

        return TrackLifter.load(device=device, runtime=options.runtime)
    return Lifter.load(device=device, runtime=options.runtime)
