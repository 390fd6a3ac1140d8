"""Track life cycles of SORT and Deep SORT on small synthetic scenes."""
from __future__ import annotations

import numpy as np
import pytest

from common.types import Detections
from tracking import DeepSort, Sort, make_tracker
from tracking.appearance import AppearanceError
from tracking.colour_encoder import ColourEncoder


def dets(*boxes, scores=None) -> Detections:
    boxes = np.array(boxes, dtype=float).reshape(-1, 4)
    return Detections(boxes, np.ones(len(boxes)) if scores is None else np.array(scores))


def walker(t: int, x0: float = 100.0, y0: float = 50.0, vx: float = 4.0) -> list[float]:
    return [x0 + vx * t, y0, x0 + vx * t + 40, y0 + 100]


def test_sort_reports_early_frames_then_only_after_min_hits():
    tracker = Sort()  # max_age=1, min_hits=3
    shown = [len(tracker.update(dets(walker(t)))) for t in range(6)]
    assert shown == [1, 1, 1, 1, 1, 1]  # first min_hits frames always, then the streak is long enough
    late = Sort()
    for t in range(4):
        late.update(Detections.empty())
    counts = [len(late.update(dets(walker(t)))) for t in range(6)]
    assert counts == [0, 0, 0, 1, 1, 1]  # born at its first detection, shown at the fourth


def test_sort_output_keeps_detection_index_and_score():
    tracker = Sort(min_hits=0)
    tracker.update(dets(walker(0), [400, 50, 440, 150], scores=[0.9, 0.7]))
    out = tracker.update(dets([400, 50, 440, 150], walker(1), scores=[0.6, 0.8]))
    by_id = dict(zip(out.ids.tolist(), zip(out.det_indices.tolist(), out.scores.tolist())))
    assert by_id[1][0] == 1 and by_id[1][1] == pytest.approx(0.8)
    assert by_id[2][0] == 0 and by_id[2][1] == pytest.approx(0.6)
    np.testing.assert_allclose(out.boxes[out.ids == 1][0], walker(1), atol=3.0)


def test_sort_deletes_after_max_age_and_never_reuses_ids():
    tracker = Sort(max_age=1, min_hits=1)
    assert tracker.update(dets(walker(0))).ids.tolist() == [1]
    tracker.update(Detections.empty())  # one miss: kept
    assert tracker.live_ids.tolist() == [1]
    tracker.update(Detections.empty())  # two misses: gone
    assert tracker.live_ids.tolist() == []
    tracker.update(dets(walker(3)))
    assert tracker.live_ids.tolist() == [2]


def test_sort_two_crossing_walkers_keep_their_ids():
    tracker = Sort()
    seen = {}
    for t in range(40):
        out = tracker.update(dets(walker(t, x0=100, vx=5), walker(t, x0=400, y0=60, vx=-5)))
        for track_id, box in zip(out.ids.tolist(), out.boxes):
            seen.setdefault(track_id, []).append(box[0])
    assert set(seen) == {1, 2}
    assert np.all(np.diff(seen[1]) > 0) and np.all(np.diff(seen[2]) < 0)


def test_deepsort_tentative_confirmed_and_deleted():
    tracker = DeepSort(encoder=None, n_init=3, max_age=5)
    counts = [len(tracker.update(dets(walker(t)))) for t in range(4)]
    assert counts == [0, 0, 1, 1]  # confirmed at the third consecutive match
    coasting = [len(tracker.update(Detections.empty())) for _ in range(7)]
    assert coasting == [1, 0, 0, 0, 0, 0, 0]  # shown one frame without detection, then hidden
    assert tracker.live_ids.tolist() == []  # dropped after max_age misses
    tracker.update(dets(walker(12)))
    tracker.update(Detections.empty())  # a tentative track dies at its first miss
    assert tracker.live_ids.tolist() == []


def test_deepsort_confirmed_track_survives_a_gap_and_keeps_its_id():
    tracker = DeepSort(encoder=None, max_age=10)
    for t in range(5):
        out = tracker.update(dets(walker(t)))
    first_id = out.ids.tolist()
    for t in range(5, 9):
        tracker.update(Detections.empty())
    out = tracker.update(dets(walker(9)))
    assert out.ids.tolist() == first_id and out.det_indices.tolist() == [0]


def _scene(positions: list[float], colours: list[tuple[int, int, int]]):
    image = np.full((240, 640, 3), 90, dtype=np.uint8)
    boxes = []
    for x, colour in zip(positions, colours):
        image[40:200, int(x): int(x) + 30] = colour
        boxes.append([x, 40, x + 30, 200])
    return image, dets(*boxes)


@pytest.mark.parametrize("encoder", [ColourEncoder(), None])
def test_deepsort_appearance_keeps_identity_through_a_gap_where_motion_cannot(encoder):
    """Two people stand side by side, are hidden for a few frames and come back swapped."""
    red, blue = (220, 30, 30), (30, 40, 220)
    tracker = DeepSort(encoder=encoder, max_age=10)
    for _ in range(5):
        image, d = _scene([200, 225], [red, blue])
        out = tracker.update(d, image)
    red_id, blue_id = out.ids[np.argsort(out.det_indices)].tolist()
    for _ in range(3):
        tracker.update(Detections.empty(), np.full((240, 640, 3), 90, np.uint8))
    image, d = _scene([225, 200], [red, blue])  # red now on the right, blue on the left
    out = tracker.update(d, image)
    got = dict(zip(out.det_indices.tolist(), out.ids.tolist()))
    if encoder is None:  # motion alone keeps the ids where the boxes were: a swap
        assert got == {0: blue_id, 1: red_id}
    else:  # colour keeps each id with its person
        assert got == {0: red_id, 1: blue_id}


def test_colour_encoder_uses_keypoint_bands():
    image = np.zeros((200, 100, 3), dtype=np.uint8)
    image[:140] = (200, 20, 20)  # red down to the hips at row 140, green below
    image[140:] = (20, 200, 20)
    keypoints = np.zeros((1, 17, 3))
    keypoints[0, [5, 6], 1] = 20  # shoulders
    keypoints[0, [11, 12], 1] = 140  # hips
    keypoints[0, [13, 14, 15, 16], 1] = 190  # knees, ankles
    keypoints[0, :, 2] = 1.0
    box = np.array([[0.0, 0.0, 100.0, 200.0]])
    by_keypoints = ColourEncoder()(image, box, keypoints)
    torso, legs = np.split(by_keypoints[0], 2)
    assert torso @ legs == pytest.approx(0.0)  # clean split at the hips: no shared colour
    by_fractions = ColourEncoder()(image, box, None)
    torso, legs = np.split(by_fractions[0], 2)
    assert torso @ legs > 0.1  # fixed bands split at 50 %: the legs band also holds red
    assert by_keypoints.shape == (1, 2 * ColourEncoder.bins_per_band)


def test_bad_encoder_output_is_a_clear_error():
    tracker = DeepSort(encoder=lambda image, boxes, keypoints: np.zeros((len(boxes) + 1, 8)))
    with pytest.raises(AppearanceError, match="expected"):
        tracker.update(dets(walker(0)), np.zeros((240, 640, 3), np.uint8))


def test_factory_and_options():
    assert isinstance(make_tracker("sort", max_age=3), Sort)
    assert isinstance(make_tracker("deepsort").encoder, ColourEncoder)
    with pytest.raises(ValueError, match="unknown tracker"):
        make_tracker("bytetrack")
    with pytest.raises(ValueError, match="bad SORT parameters"):
        Sort(iou_threshold=2.0)


@pytest.mark.parametrize("name", ["sort", "deepsort"])
def test_low_score_pass_keeps_track_alive_but_never_starts_one(name):
    tracker = make_tracker(name, low_score_threshold=0.6, **({"min_hits": 1} if name == "sort" else {}))
    for t in range(4):
        tracker.update(dets(walker(t), scores=[0.9]))
    track_id = tracker.live_ids.tolist()
    out = tracker.update(dets(walker(4), scores=[0.3]))  # weak detection of the same person
    assert out.ids.tolist() == track_id and out.det_indices.tolist() == [0]
    assert out.scores.tolist() == pytest.approx([0.3])
    fresh = make_tracker(name, low_score_threshold=0.6)
    for t in range(5):
        fresh.update(dets(walker(t), scores=[0.3]))
    assert fresh.live_ids.tolist() == []
