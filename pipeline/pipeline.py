"""The pipeline object: owns the stages, the device and per-stage timers.

detect → track → 2D pose (all crops of a frame in one batch) → lift to 3D (batched) → place in
the scene → smooth → ResultsStore. The GUI runs it in a worker thread; the CLI runs the same
object. Stages that are not configured are skipped, never faked: without a detector a frame has
no people, without a lifter results carry no 3D. Without a pose estimator the detector's own
(coarser) keypoints are the 2D joints.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import closing
from typing import Protocol

import numpy as np

from common.sources import FrameSource
from common.store import ResultsStore
from common.types import Detections, Frame, FrameResult, Poses2D, Poses3D, Tracks
from pipeline.keyframes import FOLLOW, FULL, KeyframeSchedule, KeypointFollower, join, regional_keyframe
from pipeline.prefetch import prefetch
from pipeline.timers import StageTimers


class Detector(Protocol):
    def detect(self, image: np.ndarray) -> Detections: ...


class Tracker(Protocol):
    def update(self, detections: Detections, image: np.ndarray | None = None) -> Tracks: ...


class PoseEstimator(Protocol):
    def estimate(self, image: np.ndarray, boxes: np.ndarray) -> Poses2D: ...


class Lifter(Protocol):
    def lift(self, poses2d: Poses2D, track_ids: np.ndarray, timestamp: float) -> Poses3D: ...  # ids, time: temporal lifter


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
                 device: str = "cpu", detect_every: int = 1, detect_by_need: bool = False,
                 detect_regions: bool = False):
        if (tracker is None) != (detector is None):
            raise ValueError("a detector and a tracker go together (ids come from the tracker)")
        if lifter is not None and detector is None:
            raise ValueError("a lifter needs 2D joints: configure a detector (and a pose estimator)")
        self.detector, self.tracker, self.estimator = detector, tracker, estimator
        self.lifter, self.placer, self.smoother = lifter, placer, smoother
        self.device = device
        # regional keyframes need a detector that can search part of a frame (the multiscale one)
        regions = detect_regions and detect_by_need and hasattr(detector, "detect_in")
        self.schedule = KeyframeSchedule(detect_every, by_need=detect_by_need, regions=regions)
        self.follower = KeypointFollower()  # people carried between keyframes
        self._pristine = copy.deepcopy((tracker, smoother))  # stream state restarts from these
        self._root_smoother = copy.deepcopy(smoother)
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
            result = FrameResult(frame.index, frame.timestamp, np.zeros(0), np.zeros((0, 4)),
                                 np.zeros(0), frame_size=frame.size)
            if self.detector is None:
                return result
            detections, detection_poses = self._detect_or_follow(image, frame.size)
            if detection_poses is not None:
                detection_poses = clip_to_frame(detection_poses, frame.size)
            if self.estimator is not None:
                self.follower.remember(detections, detection_poses)
            with self.timers.time("track"):
                tracks = self.tracker.update(detections, image)
            result = FrameResult(frame.index, frame.timestamp, tracks.ids, tracks.boxes, tracks.scores,
                                 frame_size=frame.size)
            if detection_poses is not None and len(tracks):
                result.poses2d = _rows(detection_poses, tracks.det_indices)
            if self.lifter is None or result.poses2d is None or len(tracks) == 0:
                return result
            with self.timers.time("lift"):
                poses3d = self.lifter.lift(result.poses2d, tracks.ids, frame.timestamp)
            if self.placer is not None:
                with self.timers.time("place"):
                    poses3d = self.placer.place(poses3d, result.poses2d, frame.size)
            if self.smoother is not None:
                with self.timers.time("smooth"):
                    poses3d = self._smooth(tracks.ids, frame.timestamp, poses3d)
            result.poses3d = poses3d
        return result

    def _smooth(self, track_ids: np.ndarray, timestamp: float, poses3d: Poses3D) -> Poses3D:
        """Joints and root positions are filtered separately: they move at different speeds."""
        joints = self.smoother.smooth(track_ids, timestamp, poses3d.joints)
        root = poses3d.root
        if root is not None:
            root = self._root_smoother.smooth(track_ids, timestamp, root[:, None])[:, 0]
        return Poses3D(joints, root)

    def _detect_or_follow(self, image: np.ndarray, frame_size: tuple[int, int]
                          ) -> tuple[Detections, Poses2D | None]:
        """Detections and their 2D joints: by the detector on keyframes (on part of the frame for a
        regional one, pipeline/keyframes.py), else by following joints."""
        kind, region = (FULL, None) if self.estimator is None else self.schedule.plan(self.follower, frame_size)
        if kind == FULL:
            with self.timers.time("detect"):
                detections = self.detector.detect(image)
            return detections, self._detection_poses(image, detections)
        if kind == FOLLOW:
            with self.timers.time("follow"):
                return self.follower.follow(image, self.estimator)
        with self.timers.time("region"):
            followed, followed_poses, found = regional_keyframe(image, region, self.follower, self.detector,
                                                                self.estimator, frame_size)
        return join((followed, followed_poses), (found, self._detection_poses(image, found)))

    def _detection_poses(self, image: np.ndarray, detections: Detections) -> Poses2D | None:
        """2D joints per detection: the pose estimator on all crops at once, or the detector's own."""
        if self.estimator is not None:
            if len(detections) == 0:
                return Poses2D(np.zeros((0, 17, 2)), np.zeros((0, 17)), "coco17")
            with self.timers.time("pose2d"):
                return self.estimator.estimate(image, detections.boxes)
        if detections.keypoints is None:
            return None
        return Poses2D(detections.keypoints[..., :2], detections.keypoints[..., 2], "coco17")

    def reset(self) -> None:
        """Forget stream state (tracks, followed people, filters) before a new stream."""
        self.follower = KeypointFollower()
        self.schedule = KeyframeSchedule(self.schedule.detect_every, self.schedule.by_need, self.schedule.soon_every,
                                         self.schedule.regions)
        if hasattr(self.detector, "reset"):  # a detector with a schedule of its own (multiscale)
            self.detector.reset()
        self.tracker, self.smoother = copy.deepcopy(self._pristine)
        self._root_smoother = copy.deepcopy(self.smoother)

    def run(self, source: FrameSource, store: ResultsStore,
            on_result: Callable[[Frame, FrameResult], None] | None = None,
            cancelled: Callable[[], bool] | None = None, max_frames: int | None = None) -> int:
        """Process ``source`` into ``store`` from a fresh stream state, decoding in a thread.

        ``on_result`` sees every frame with its result (exporters, GUI, progress). Returns the
        number of frames processed; raises :class:`Cancelled` when ``cancelled()`` turns true.
        """
        self.reset()
        done = 0
        with closing(prefetch(source, max_frames=max_frames)) as frames:  # the decoder stops on any exit
            for frame in frames:
                if cancelled is not None and cancelled():
                    raise Cancelled(f"cancelled after {done} frames")
                result = self.process(frame)
                store.add(result)
                if on_result is not None:
                    on_result(frame, result)
                done += 1
        return done


def _rows(poses: Poses2D, indices: np.ndarray) -> Poses2D:
    """The poses of ``indices``; -1 (a track without a detection this frame) gets zero-score joints."""
    found = indices >= 0
    keypoints = np.full((len(indices), *poses.keypoints.shape[1:]), np.nan, np.float32)
    scores = np.zeros((len(indices), poses.scores.shape[1]), np.float32)
    keypoints[found], scores[found] = poses.keypoints[indices[found]], poses.scores[indices[found]]
    return Poses2D(keypoints, scores, poses.layout)


OUTSIDE_SCORE_FACTOR = 0.1  # joints guessed outside the picture keep a tenth of their score


def clip_to_frame(poses: Poses2D, frame_size: tuple[int, int]) -> Poses2D:
    """Joints outside the frame (a person cut by the edge) are clipped to it with a low score,
    so the lifter treats them as unobserved and fills them in from the rest of the body."""
    width, height = frame_size
    x, y = poses.keypoints[..., 0], poses.keypoints[..., 1]
    outside = (x < 0) | (y < 0) | (x > width - 1) | (y > height - 1)
    if not outside.any():
        return poses
    keypoints = np.stack([np.clip(x, 0, width - 1), np.clip(y, 0, height - 1)], axis=-1)
    scores = np.where(outside, poses.scores * OUTSIDE_SCORE_FACTOR, poses.scores)
    return type(poses)(**{**vars(poses), "keypoints": keypoints, "scores": scores})
