"""Following people between keyframes, keyframes by need, and the everyday-footage scoring."""
from __future__ import annotations

import json

import numpy as np
import pytest

from common.types import Detections, Poses2D
from pipeline.footage_eval import LABELS, person_at_height, score_counts
from pipeline.keyframes import KeyframeSchedule, KeypointFollower

FRAME = (640, 480)


def _person(x0, y0, height=200.0, score=0.8, legs_score=None):
    """COCO-17 joints of an upright person whose box is (x0, y0, x0 + height / 3, y0 + height)."""
    ys = y0 + np.linspace(0.05, 0.95, 17) * height
    xs = x0 + np.tile([0.3, 0.7], 9)[:17] * height / 3
    scores = np.full(17, score)
    if legs_score is not None:
        scores[11:] = legs_score
    return np.stack([xs, ys], -1), scores


def _follower(*people, boxes=None):
    follower = KeypointFollower()
    kp = np.stack([p[0] for p in people]).astype(np.float32)
    sc = np.stack([p[1] for p in people]).astype(np.float32)
    if boxes is None:
        boxes = [[p[0][:, 0].min() - 10, p[0][:, 1].min() - 10, p[0][:, 0].max() + 10, p[0][:, 1].max() + 10]
                 for p in people]
    follower.remember(Detections(np.array(boxes, np.float32), np.full(len(people), 0.5)),
                      Poses2D(kp, sc, "coco17"))
    return follower


def _keyframes(schedule, follower, frames=8):
    return [schedule.is_keyframe(follower, FRAME) for _ in range(frames)]


def test_calm_scene_detects_every_kth_frame():
    calm = _follower(_person(300, 150))
    assert _keyframes(KeyframeSchedule(4), calm) == [False, False, False, True] * 2


def test_nobody_followed_detects_every_frame():
    assert all(_keyframes(KeyframeSchedule(4), KeypointFollower()))


@pytest.mark.parametrize("person", [_person(2, 150), _person(300, 150, score=0.35)], ids=["near edge", "weak"])
def test_someone_near_an_edge_or_weak_detects_sooner(person):
    follower = _follower(_person(300, 150), person)
    assert _keyframes(KeyframeSchedule(4, soon_every=2), follower) == [False, True] * 4
    assert _keyframes(KeyframeSchedule(4, by_need=False), follower) == [False, False, False, True] * 2


def test_someone_lost_detects_at_once():
    follower = _follower(_person(100, 150), _person(300, 150))
    one = _follower(_person(100, 150))
    follower.remember(Detections(one.boxes, np.ones(1)), one.poses)
    assert follower.lost == 1
    assert KeyframeSchedule(4).is_keyframe(follower, FRAME)


class RecordingEstimator:
    """Returns fixed joints and remembers the crop boxes it was given."""

    def __init__(self, keypoints, scores):
        self.keypoints, self.scores, self.boxes = keypoints, scores, None

    def estimate(self, image, boxes):
        self.boxes = boxes
        return Poses2D(self.keypoints[None].repeat(len(boxes), 0), self.scores[None].repeat(len(boxes), 0), "coco17")


def test_follow_crop_covers_the_whole_body_when_the_legs_are_not_seen():
    kp, sc = _person(300, 100, height=300, legs_score=0.05)  # legs cut by the frame edge / unsure
    follower = _follower((kp, sc), boxes=[[290, 90, 410, 410]])
    estimator = RecordingEstimator(kp + 5, sc)
    detections, _ = follower.follow(np.zeros((480, 640, 3), np.uint8), estimator)
    crop = estimator.boxes[0]
    assert crop[1] <= 90 and crop[3] >= 410  # the detector box, not just the confident upper body
    assert detections.boxes[0].tolist() == pytest.approx([295, 95, 415, 415])  # moved with the joints


def test_person_whose_joints_collapse_is_dropped_not_followed_onto_the_background():
    kp, sc = _person(300, 100)
    follower = _follower((kp, sc))
    detections, poses = follower.follow(np.zeros((480, 640, 3), np.uint8), RecordingEstimator(kp, sc * 0.2))
    assert len(detections) == 0 and len(poses) == 0
    follower.remember(detections, poses)
    assert follower.lost == 1 and KeyframeSchedule(4).is_keyframe(follower, FRAME)


def test_scores_against_labels():
    labels = {0: (0, 0), 10: (1, 0), 20: (1, 0), 30: (0, 1), 40: (1, 0)}
    out = score_counts({0: 1, 10: 1, 20: 2, 30: 1, 40: 0}, labels)
    assert out.presence == pytest.approx(2 / 3) and out.full_frames == 3
    assert out.duplicate_frames == 1 and out.empty_frames_with_reports == 1 and out.empty_frames == 1


def test_label_file_is_complete_and_consistent():
    doc = json.loads(LABELS.read_text())
    frames = {int(k): v for k, v in doc["frames"].items()}
    assert sorted(frames) == list(range(0, doc["video_frames"], 10)) and doc["how"]
    assert all(v["fully_visible"] in (0, 1) and v["partly_visible"] in (0, 1) for v in frames.values())
    assert 90 <= sum(v["fully_visible"] for v in frames.values()) <= 110  # six people, ~10 s each


def test_person_at_height_scales_the_box_and_pads_small_frames():
    image = np.zeros((100, 200, 3), np.uint8)
    frame, box = person_at_height(image, np.array([50.0, 10.0, 80.0, 90.0]), 40)
    assert box[3] - box[1] == pytest.approx(40) and frame.shape[:2] == (432, 768)
