"""Hostile input: the trackers never crash, never hold NaN, never reuse an id."""
from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.types import Detections
from tracking import make_tracker

coordinate = st.one_of(st.floats(-2000, 4000), st.floats(allow_nan=True, allow_infinity=True),
                       st.sampled_from([np.nan, np.inf, -np.inf, 1e200, -1e200, 1e-300, 0.0]))
box = st.lists(coordinate, min_size=4, max_size=4)
frame = st.lists(box, min_size=0, max_size=12)
# Nearby, mostly sane boxes so that tracks really form, match and die among the bad ones.
jitter_frame = st.lists(st.tuples(st.integers(0, 4), st.floats(-15, 15), st.floats(0.5, 1.0)),
                        min_size=0, max_size=8)


def _check_tracker_state(tracker, seen_ids: set, previous_max: int, out) -> int:
    live = tracker.live_ids
    assert len(set(live.tolist())) == len(live)
    assert np.isfinite(tracker._x).all() and np.isfinite(tracker._P).all()
    new = set(live.tolist()) - seen_ids
    assert all(i > previous_max for i in new)  # every new id is fresh, never an old one
    seen_ids |= new
    assert np.isfinite(out.boxes).all() and len(set(out.ids.tolist())) == len(out.ids)
    assert set(out.ids.tolist()) <= set(live.tolist())
    return max(seen_ids, default=previous_max)


@pytest.mark.parametrize("name", ["sort", "deepsort"])
@settings(max_examples=40, deadline=None)
@given(frames=st.lists(frame, min_size=1, max_size=15))
def test_arbitrary_boxes_never_crash_or_poison_state(name, frames):
    tracker = make_tracker(name, low_score_threshold=0.5)
    seen, top = set(), 0
    rng = np.random.default_rng(len(frames))
    for boxes in frames:
        boxes = np.array(boxes, dtype=float).reshape(-1, 4)
        scores = rng.uniform(0, 1, len(boxes))
        image = rng.integers(0, 255, (64, 96, 3), dtype=np.uint8) if name == "deepsort" else None
        out = tracker.update(Detections(boxes, scores), image)
        assert np.all((out.det_indices >= -1) & (out.det_indices < len(boxes)))
        top = _check_tracker_state(tracker, seen, top, out)


@pytest.mark.parametrize("name", ["sort", "deepsort"])
@settings(max_examples=40, deadline=None)
@given(frames=st.lists(jitter_frame, min_size=1, max_size=25))
def test_flickering_people_keep_state_finite_and_ids_fresh(name, frames):
    people = np.array([[50, 50, 90, 150], [60, 55, 100, 160], [300, 40, 340, 140],
                       [10, 10, 20, 12], [0, 0, 1e4, 1e4]], dtype=float)
    tracker = make_tracker(name, max_age=3)
    seen, top = set(), 0
    for t, people_seen in enumerate(frames):
        boxes = np.array([people[p] + [dx + t, 0, dx + t, 0] for p, dx, _ in people_seen]).reshape(-1, 4)
        scores = np.array([s for _, _, s in people_seen])
        out = tracker.update(Detections(boxes, scores), np.zeros((200, 400, 3), np.uint8))
        top = _check_tracker_state(tracker, seen, top, out)
        valid_rows = out.det_indices[out.det_indices >= 0]
        np.testing.assert_allclose(out.scores[out.det_indices >= 0], scores[valid_rows], rtol=1e-6)


@pytest.mark.parametrize("name", ["sort", "deepsort"])
def test_boxes_outside_the_image_and_degenerate_boxes(name):
    tracker = make_tracker(name)
    image = np.zeros((100, 100, 3), np.uint8)
    boxes = np.array([[-500, -500, -400, -300], [150, 150, 250, 300], [10, 10, 10, 50],
                      [30, 30, 20, 40], [np.nan, 0, 10, 10], [0, 0, 50, 80]], dtype=float)
    for _ in range(5):
        out = tracker.update(Detections(boxes, np.ones(6)), image)
    assert set(out.det_indices.tolist()) == {0, 1, 5}  # the three drawable boxes are tracked
    assert np.isfinite(out.boxes).all()


@pytest.mark.parametrize("name", ["sort", "deepsort"])
def test_thousands_of_detections_in_one_frame(name):
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 4000, (3000, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(5, 60, (3000, 2))], axis=1)
    tracker = make_tracker(name, encoder=None) if name == "deepsort" else make_tracker(name)
    start = time.perf_counter()
    for _ in range(4):
        out = tracker.update(Detections(boxes + rng.normal(0, 1, boxes.shape), np.ones(3000)))
    assert time.perf_counter() - start < 30.0
    assert len(tracker.live_ids) >= 2900 and np.isfinite(out.boxes).all()


def test_empty_frames_and_restarts():
    for name in ("sort", "deepsort"):
        tracker = make_tracker(name)
        for _ in range(3):
            assert len(tracker.update(Detections.empty())) == 0
        tracker.update(Detections(np.array([[0, 0, 10, 20.0]]), np.array([0.9])))
        assert tracker.live_ids.tolist() == [1]
