"""Scale-robust detection: every person found once, from ~40 px to the full frame height.

The merge rules are checked on hand-made boxes; the detector itself on real frames from
../shared/data resized so that the person is 40 ... 480 px tall (skipped when the data is absent)
and on bad input (blank, tiny, portrait, 4K, crowded frames).
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from common.types import Detections
from detection import MultiScaleDetector, PersonDetector
from detection.multiscale import keep_confident_or_agreed, merge, suppress_parts
from pipeline.footage_eval import SWEEP_CANVAS, found_once, person_at_height
from tests.conftest import require

SKIER_BOX = np.array([281.0, 45.0, 500.0, 392.0])  # COCO 785 ground truth, xyxy


def _dets(boxes, scores):
    return Detections(np.array(boxes, np.float32).reshape(-1, 4), np.array(scores, np.float32))


@pytest.mark.parametrize("part", [[105, 5, 255, 220], [150, 10, 220, 130]], ids=["upper body", "head"])
def test_part_of_a_person_inside_the_whole_body_box_is_dropped(part):
    whole = [100, 0, 260, 400]
    out = suppress_parts(_dets([part, whole], [0.6, 0.5]))
    assert out.boxes.tolist() == [whole]


def test_person_standing_behind_another_is_kept():
    front, behind = [100, 0, 300, 400], [180, 60, 230, 180]  # inside, narrower, lower: another person
    assert len(suppress_parts(_dets([front, behind], [0.6, 0.5]))) == 2


def test_merge_keeps_one_box_per_person_and_both_passes_people():
    coarse = _dets([[0, 0, 100, 300], [400, 10, 480, 200]], [0.5, 0.4])
    fine = _dets([[2, 4, 98, 296], [600, 50, 620, 100]], [0.3, 0.6])
    out = merge(coarse, fine, 0.5)
    assert len(out) == 3 and out.scores.tolist() == pytest.approx([0.6, 0.5, 0.4])


def test_low_score_box_kept_only_when_both_passes_agree():
    coarse = _dets([[0, 0, 100, 300], [300, 0, 350, 100]], [0.15, 0.15])
    fine = _dets([[5, 5, 100, 290]], [0.12])
    kept_coarse, kept_fine = keep_confident_or_agreed(coarse, fine, 0.2)
    assert kept_coarse.boxes.tolist() == [[0, 0, 100, 300]] and len(kept_fine) == 1


class _FakeNetwork:
    """Stands in for PersonDetector: one small person visible at native size only."""

    def __init__(self, size="native", calls=None):
        self.size, self.calls = size, calls if calls is not None else []

    def at_size(self, size, score_threshold=None):
        return _FakeNetwork(size, self.calls)

    def detect(self, image):
        self.calls.append(self.size)
        return _dets([[10, 10, 20, 40]], [0.5]) if self.size == "native" and self.small else Detections.empty()

    small = True


def test_fine_pass_runs_while_small_people_are_seen_and_every_nth_call_otherwise():
    network = _FakeNetwork()
    detector = MultiScaleDetector(network, fine_every=3)
    frame = np.zeros((400, 600, 3), np.uint8)
    passes = []
    for _ in range(5):  # a small person: the fine pass every call, the coarse pass resting but every 4th
        assert len(detector.detect(frame)) == 1
        passes.append(detector.last_passes)
    assert passes == [("coarse", "fine"), ("fine",), ("fine",), ("fine",), ("coarse", "fine")]
    _FakeNetwork.small = False
    try:
        passes = []
        for _ in range(7):
            detector.detect(frame)
            passes.append(detector.last_passes)
        # nobody found: the coarse pass is back at once; the fine pass rests once the coarse pass has
        # seen that nobody is left unsure, then runs every 3rd call
        assert passes == [("fine",), ("coarse", "fine"), ("coarse",), ("coarse",), ("coarse", "fine"), ("coarse",),
                          ("coarse",)]
        detector.reset()
        detector.detect(frame)
        assert detector.last_passes == ("coarse", "fine")  # a new stream starts with both passes
    finally:
        _FakeNetwork.small = True
    with pytest.raises(ValueError, match="fine_every"):
        MultiScaleDetector(network, fine_every=0)


def test_coarse_pass_never_rests_while_someone_large_is_found():
    network = _FakeNetwork()
    detector = MultiScaleDetector(network, fine_every=3)
    tall = np.zeros((100, 150, 3), np.uint8)  # the fake's 30-px person is 30 % of this frame: not small
    for _ in range(5):
        detector.detect(tall)
        assert detector.last_passes == ("coarse", "fine")


@pytest.fixture(scope="module")
def detector():
    return MultiScaleDetector(PersonDetector(device="cpu"))


@pytest.fixture(scope="module")
def skier(shared_data):
    path = require(shared_data / "mmpose_tests" / "coco" / "000000000785.jpg")
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize("height", [40, 80, 160, 320, 480])
def test_real_person_found_exactly_once_at_every_size(detector, skier, height):
    frame, box = person_at_height(skier, SKIER_BOX, height)
    assert frame.shape[0] >= SWEEP_CANVAS[1] and box[3] - box[1] == pytest.approx(height)
    detector.reset()
    hit, count = found_once(detector.detect(frame), box)
    assert hit and count == 1, f"{height} px: found={hit}, boxes={count}"


def test_person_filling_a_portrait_frame_found_once(detector, skier):
    portrait = np.ascontiguousarray(skier[30:400, 250:520])  # 270 x 370, the skier fills it
    detector.reset()
    out = detector.detect(portrait)
    hit, count = found_once(out, SKIER_BOX - np.array([250, 30, 250, 30]))
    assert hit and count == 1


def test_4k_frame(detector, skier):
    frame, box = person_at_height(skier, SKIER_BOX, 1200)
    pad_h, pad_w = 2160 - frame.shape[0], 3840 - frame.shape[1]
    frame = cv2.copyMakeBorder(frame, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)
    detector.reset()
    hit, count = found_once(detector.detect(frame), box)
    assert hit and count == 1


def test_crowd_of_56_real_people(detector, skier):
    x1, y1, x2, y2 = SKIER_BOX.astype(int)
    person = cv2.resize(skier[y1:y2, x1:x2], (60, 96), interpolation=cv2.INTER_AREA)
    rows, cols = 7, 8
    frame = np.full((rows * 104, cols * 80, 3), 200, np.uint8)
    for r in range(rows):
        for c in range(cols):
            frame[r * 104 + 4:r * 104 + 100, c * 80 + 10:c * 80 + 70] = person
    detector.reset()
    out = detector.detect(frame)
    assert 0.8 * rows * cols <= len(out) <= rows * cols


@pytest.mark.parametrize(("fill", "shape"), [(0, (48, 64, 3)), (255, (432, 768, 3)), (0, (768, 432, 3))])
def test_blank_frames_have_nobody(detector, fill, shape):
    detector.reset()
    assert len(detector.detect(np.full(shape, fill, np.uint8))) == 0


def test_region_search_finds_the_person_inside_in_frame_coordinates_and_drops_one_it_cuts(detector, skier):
    frame, box = person_at_height(skier, SKIER_BOX, 80)
    around = np.concatenate([box[:2] - 60, box[2:] + 60])
    inside = detector.detect_in(frame, around)
    hit, count = found_once(inside, box)
    assert hit and count == 1
    assert inside.keypoints[0, :, :2].min(axis=0).tolist() >= (box[:2] - 20).tolist()  # joints moved back too
    through = np.array([box[0] - 60, box[1] - 60, box[2] + 60, (box[1] + box[3]) / 2])  # cuts the legs off
    assert len(detector.detect_in(frame, through)) == 0
    elsewhere = np.array([0, 0, 96, 96], np.float32) if box[0] > 200 else np.array([600, 300, 700, 400], np.float32)
    assert len(detector.detect_in(frame, elsewhere)) == 0
