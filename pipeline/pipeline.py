"""The pipeline object: owns the stages, the device and per-stage timers.

detect → track → 2D pose (all crops of a frame in one batch) → lift to 3D (batched) → place in
the scene → smooth → ResultsStore. The GUI runs it in a worker thread; the CLI runs the same
object. Stages that are not configured are skipped, never faked: without a detector a frame has
no people, without a lifter results carry no 3D.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from common.sources import FrameSource
from common.store import ResultsStore
from common.types import Detections, Frame, FrameResult, Poses2D, Poses3D, Tracks
from pipeline.prefetch import prefetch
from pipeline.timers import StageTimers


class Detector(Protocol):
    def detect(self, image: np.ndarray) -> Detections: ...


class Tracker(Protocol):
    def update(self, detections: Detections, image: np.ndarray | None = None) -> Tracks: ...


class PoseEstimator(Protocol):
    def estimate(self, image: np.ndarray, boxes: np.ndarray) -> Poses2D: ...


class Lifter(Protocol):
    def lift(self, poses2d: Poses2D) -> Poses3D: ...


class Placer(Protocol):
    def place(self, poses3d: Poses3D, poses2d: Poses2D, frame_size: tuple[int, int]) -> Poses3D: ...


class Smoother(Protocol):
    def smooth(self, track_ids: np.ndarray, timestamp: float, joints: np.ndarray) -> np.ndarray: ...


class Cancelled(RuntimeError):
    """Processing was stopped by the user; what was computed so far is kept."""


class Pipeline:
    """Runs the configured stages frame by frame and records per-stage timings."""

    def __init__(self, detector: Detector | None = None, tracker: Tracker | None = None,
                 estimator: PoseEstimator | None = None, lifter: Lifter | None = None,
                 placer: Placer | None = None, smoother: Smoother | None = None,
                 device: str = "cpu"):
        if (tracker is None) != (detector is None):
            raise ValueError("a detector and a tracker go together (ids come from the tracker)")
        if lifter is not None and estimator is None:
            raise ValueError("a lifter needs a 2D pose estimator")
        self.detector, self.tracker, self.estimator = detector, tracker, estimator
        self.lifter, self.placer, self.smoother = lifter, placer, smoother
        self.device = device
        self.timers = StageTimers()

    @property
    def stages(self) -> list[str]:
        """Names of the configured stages, in order."""
        names = ("detector", "tracker", "estimator", "lifter", "placer", "smoother")
        return [n for n in names if getattr(self, n) is not None]

    def process(self, frame: Frame) -> FrameResult:
        """All configured stages on one frame."""
        image = frame.image
        with self.timers.time("total"):
            if self.detector is None:
                return FrameResult(frame.index, frame.timestamp, np.zeros(0), np.zeros((0, 4)),
                                   np.zeros(0), frame_size=frame.size)
            with self.timers.time("detect"):
                detections = self.detector.detect(image)
            with self.timers.time("track"):
                tracks = self.tracker.update(detections, image)
            result = FrameResult(frame.index, frame.timestamp, tracks.ids, tracks.boxes, tracks.scores,
                                 frame_size=frame.size)
            if self.estimator is None or len(tracks) == 0:
                return result
            with self.timers.time("pose2d"):
                result.poses2d = self.estimator.estimate(image, tracks.boxes)
            if self.lifter is None:
                return result
            with self.timers.time("lift"):
                poses3d = self.lifter.lift(result.poses2d)
            if self.placer is not None:
                with self.timers.time("place"):
                    poses3d = self.placer.place(poses3d, result.poses2d, frame.size)
            if self.smoother is not None:
                with self.timers.time("smooth"):
                    poses3d = Poses3D(self.smoother.smooth(tracks.ids, frame.timestamp, poses3d.joints),
                                      poses3d.root)
            result.poses3d = poses3d
        return result

    def run(self, source: FrameSource, store: ResultsStore,
            on_result: Callable[[Frame, FrameResult], None] | None = None,
            cancelled: Callable[[], bool] | None = None, max_frames: int | None = None) -> int:
        """Process ``source`` into ``store`` with decoding prefetched in a thread.

        ``on_result`` sees every frame with its result (exporters, GUI, progress). Returns the
        number of frames processed; raises :class:`Cancelled` when ``cancelled()`` turns true.
        """
        done = 0
        for frame in prefetch(source, max_frames=max_frames):
            if cancelled is not None and cancelled():
                raise Cancelled(f"cancelled after {done} frames")
            result = self.process(frame)
            store.add(result)
            if on_result is not None:
                on_result(frame, result)
            done += 1
        return done

