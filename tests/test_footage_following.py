"""Following people between keyframes, keyframes by need, and the everyday-footage scoring."""
from __future__ import annotations

import json

import numpy as np
import pytest

from common.types import Detections, Poses2D
from pipeline.footage_eval import LABELS, person_at_height, score_counts
from pipeline.keyframes import (FOLLOW, FULL, REGION, KeyframeSchedule, KeypointFollower, held_by_region, join,
                                 region_of_need, regional_keyframe)

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
    return [schedule.plan(follower, FRAME)[0] != FOLLOW for _ in range(frames)]


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
    assert KeyframeSchedule(4).plan(follower, FRAME)[0] == FULL


def test_regional_keyframes_search_around_the_needy_person_and_the_whole_frame_every_kth():
    edge = _person(2, 150, height=90)
    follower = _follower(_person(400, 150, height=90), edge)
    schedule = KeyframeSchedule(4, soon_every=2, regions=True)
    plans = [schedule.plan(follower, FRAME) for _ in range(8)]
    assert [kind for kind, _ in plans] == [FOLLOW, REGION, FOLLOW, FULL] * 2
    region = plans[1][1]
    assert held_by_region(follower.boxes, region, FRAME).tolist() == [False, True]  # the calm one is outside
    assert region[0] == 0 and region[3] - region[1] < FRAME[1]


def test_region_of_need_larger_than_half_the_frame_is_a_whole_frame_keyframe():
    boxes = np.array([[10, 10, 60, 110], [560, 300, 610, 400]], np.float32)  # far apart: the hull is most of it
    assert region_of_need(boxes, FRAME) is None
    assert region_of_need(boxes[:1], FRAME) is not None
    assert region_of_need(np.array([[300, 100, 360, 300]], np.float32), FRAME) is None  # tall: the coarse pass's
    follower = _follower(_person(2, 20, height=100), _person(600, 300, height=100))  # both at an edge
    schedule = KeyframeSchedule(4, regions=True)
    assert [schedule.plan(follower, FRAME)[0] for _ in range(2)] == [FOLLOW, FULL]


def test_held_by_region_needs_clearance_from_inner_sides_only():
    region = np.array([0, 100, 300, 480], np.float32)  # touches the left and bottom of the frame
    boxes = np.array([[0, 200, 40, 480], [250, 200, 299, 300], [50, 90, 90, 200], [100, 120, 150, 250]], np.float32)
    assert held_by_region(boxes, region, FRAME).tolist() == [True, False, False, True]


class _RegionDetector:
    def __init__(self, found):
        self.found, self.regions = found, []

    def detect_in(self, image, region):
        self.regions.append(region)
        return self.found


def test_regional_keyframe_hands_held_people_to_the_detector_and_follows_the_rest():
    near_edge, calm = _person(5, 150, height=90), _person(400, 150, height=90)
    follower = _follower(near_edge, calm)
    found = Detections(np.array([[4, 148, 40, 242], [380, 140, 440, 250], [120, 150, 150, 240]], np.float32),
                       np.array([0.9, 0.8, 0.7]), np.zeros((3, 17, 3), np.float32))  # edge, calm again, newcomer
    detector = _RegionDetector(found)
    region = np.array([0, 60, 200, 330], np.float32)
    estimator = RecordingEstimator(*calm)
    followed, poses, new = regional_keyframe(np.zeros((480, 640, 3), np.uint8), region, follower, detector,
                                             estimator, FRAME)
    assert len(estimator.boxes) == 1 and estimator.boxes[0][0] > 350  # only the calm person is followed
    assert len(followed) == 1 and len(poses) == 1
    assert new.boxes.tolist() == found.boxes[[0, 2]].tolist()  # the calm person's box is theirs already
    both, joints = join((followed, poses), (new, Poses2D(np.zeros((2, 17, 2)), np.zeros((2, 17)), "coco17")))
    assert len(both) == 3 and len(joints) == 3 and both.keypoints.shape == (3, 17, 3)


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
    assert follower.lost == 1 and KeyframeSchedule(4).plan(follower, FRAME)[0] == FULL


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
