"""Pipeline wiring with minimal stage doubles (real models are tested in test_pipeline_real.py)."""
import numpy as np
import pytest

from common.sources import ImageFolderSource, SourceError
from common.store import ResultsStore
from common.types import Detections, Frame, Poses2D, Poses3D, Tracks
from pipeline.pipeline import Cancelled, Pipeline
from pipeline.prefetch import prefetch


class BrightBlobDetector:
    """Finds the one bright square each test frame holds."""

    def detect(self, image):
        ys, xs = np.nonzero(image[..., 1] > 200)
        if len(xs) == 0:
            return Detections.empty()
        return Detections([[xs.min(), ys.min(), xs.max(), ys.max()]], [1.0])


class KeepIdTracker:
    def update(self, detections, image=None):
        n = len(detections)
        return Tracks(np.full(n, 7), detections.boxes, detections.scores, np.arange(n))


class BoxCornersEstimator:
    def estimate(self, image, boxes):
        kp = np.repeat(boxes[:, None, :2], 17, axis=1)
        return Poses2D(kp, np.ones(kp.shape[:2]), "coco17")


class FlatLifter:
    def lift(self, poses2d, track_ids=None, timestamp=None):
        joints = np.zeros((len(poses2d), 17, 3))
        joints[..., :2] = poses2d.keypoints - poses2d.keypoints[:, :1]
        return Poses3D(joints)


def _frames(n=6):
    frames = []
    for i in range(n):
        image = np.zeros((40, 60, 3), np.uint8)
        if i != 2:  # frame 2 has nobody
            image[10:20, 5 + i:15 + i, 1] = 255
        frames.append(Frame(i, i / 10, image))
    return frames


class ListSource:
    fps, frame_count, name = 10.0, 6, "list"

    def __init__(self, frames):
        self.frames = frames

    def __iter__(self):
        return iter(self.frames)


def test_each_stage_feeds_the_next_and_empty_frames_pass_through():
    pipeline = Pipeline(BrightBlobDetector(), KeepIdTracker(), BoxCornersEstimator(), FlatLifter())
    store = ResultsStore()
    assert pipeline.run(ListSource(_frames()), store) == 6
    assert len(store.frame(2)) == 0
    r = store.frame(4)
    np.testing.assert_array_equal(r.track_ids, [7])
    np.testing.assert_allclose(r.boxes[0], [9, 10, 18, 19])
    np.testing.assert_allclose(r.poses2d.keypoints[0, 0], [9, 10])
    assert r.poses3d is not None
    assert {"detect", "track", "pose2d", "lift", "total"} <= set(pipeline.timers.median_ms())


def test_cancel_keeps_what_was_computed():
    pipeline = Pipeline(BrightBlobDetector(), KeepIdTracker())
    store = ResultsStore()
    with pytest.raises(Cancelled):
        pipeline.run(ListSource(_frames()), store, cancelled=lambda: len(store) >= 3)
    assert len(store) == 3


def test_stage_dependencies_are_checked():
    with pytest.raises(ValueError, match="go together"):
        Pipeline(detector=BrightBlobDetector())
    with pytest.raises(ValueError, match="needs 2D joints"):
        Pipeline(lifter=FlatLifter())


def test_decoder_errors_reach_the_consumer_after_good_frames():
    def frames():
        yield from _frames(3)
        raise SourceError("camera unplugged")

    seen = []
    with pytest.raises(SourceError, match="unplugged"):
        for frame in prefetch(frames()):
            seen.append(frame.index)
    assert seen == [0, 1, 2]


def test_max_frames_stops_early(tmp_path):
    import cv2
    for i in range(5):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.zeros((8, 8, 3), np.uint8))
    store = ResultsStore()
    assert Pipeline().run(ImageFolderSource(tmp_path), store, max_frames=2) == 2


def test_joints_outside_the_frame_are_clipped_with_a_low_score():
    from pipeline.pipeline import clip_to_frame
    kp = np.zeros((1, 17, 2)) + 10
    kp[0, 3] = (-5, 20)
    kp[0, 4] = (30, 70)
    poses = clip_to_frame(Poses2D(kp, np.full((1, 17), 0.8), "coco17"), (60, 40))
    np.testing.assert_allclose(poses.keypoints[0, 3], (0, 20))
    np.testing.assert_allclose(poses.keypoints[0, 4], (30, 39))
    np.testing.assert_allclose(poses.scores[0, [3, 4]], 0.08, rtol=1e-6)
    assert poses.scores[0, 0] == pytest.approx(0.8)
