"""Overlap and assignment used by both trackers."""
from __future__ import annotations

import numpy as np

from tracking.association import match_by_iou, min_cost_matching
from tracking.boxes import iou_matrix, valid_boxes, xyah_to_xyxy, xysr_to_xyxy, xyxy_to_xyah, xyxy_to_xysr


def test_iou_matrix_values_and_shapes():
    a = np.array([[0, 0, 10, 10], [5, 5, 15, 15]], dtype=float)
    b = np.array([[0, 0, 10, 10], [10, 10, 20, 20], [0, 0, 5, 10]], dtype=float)
    iou = iou_matrix(a, b)
    assert iou.shape == (2, 3)
    np.testing.assert_allclose(iou[0], [1.0, 0.0, 0.5])
    np.testing.assert_allclose(iou[1, 0], 25 / 175)
    np.testing.assert_allclose(iou[1, 1], 25 / 175)
    assert iou_matrix(np.zeros((0, 4)), b).shape == (0, 3)
    assert iou_matrix(a, np.zeros((0, 4))).shape == (2, 0)
    assert np.isfinite(iou_matrix(np.zeros((1, 4)), np.zeros((1, 4)))).all()  # degenerate: 0


def test_box_conversions_round_trip():
    boxes = np.array([[1.0, 2.0, 31.0, 62.0], [-5.0, 10.0, 5.0, 15.0]])
    np.testing.assert_allclose(xysr_to_xyxy(xyxy_to_xysr(boxes)), boxes)
    np.testing.assert_allclose(xyah_to_xyxy(xyxy_to_xyah(boxes)), boxes)
    np.testing.assert_array_equal(xyxy_to_xysr(boxes)[0], [16.0, 32.0, 1800.0, 0.5])


def test_valid_boxes_rejects_nan_inf_absurd_and_nonpositive_sizes():
    boxes = np.array([[0, 0, 1, 1], [np.nan, 0, 1, 1], [0, 0, np.inf, 1], [5, 0, 1, 1], [0, 0, 1, 0],
                      [0, 0, 1e-9, 1], [0, 0, 1e300, 1e300], [-1e5, -1e5, 1e5, 1e5]])
    np.testing.assert_array_equal(valid_boxes(boxes), [True] + [False] * 6 + [True])


def test_match_by_iou_unambiguous_hungarian_and_rejection():
    iou = np.array([[0.9, 0.0, 0.0], [0.0, 0.0, 0.6]])
    matches, free_rows, free_cols = match_by_iou(iou, 0.3)
    np.testing.assert_array_equal(matches, [[0, 0], [1, 2]])
    np.testing.assert_array_equal(free_rows, [])
    np.testing.assert_array_equal(free_cols, [1])
    # Ambiguous: greedy would give row 0 its best (col 0); the optimum is 0→1, 1→0.
    iou = np.array([[0.8, 0.7], [0.6, 0.1]])
    matches, _, _ = match_by_iou(iou, 0.3)
    np.testing.assert_array_equal(matches, [[0, 1], [1, 0]])
    # The Hungarian optimum pairs 1→1 below the threshold, so that pair is rejected.
    matches, free_rows, free_cols = match_by_iou(np.array([[0.9, 0.35], [0.32, 0.1]]), 0.3)
    np.testing.assert_array_equal(matches, [[0, 0]])
    np.testing.assert_array_equal(free_rows, [1])
    np.testing.assert_array_equal(free_cols, [1])


def test_min_cost_matching_never_takes_a_gated_pair():
    cost = np.array([[0.1, 0.5], [0.15, 1e5]])
    matches, free_rows, free_cols = min_cost_matching(cost, 0.2)
    np.testing.assert_array_equal(matches, [[0, 0]])  # the 0.5 and 1e5 pairs never match
    assert len(free_rows) == 1 and len(free_cols) == 1
    empty, rows, cols = min_cost_matching(np.zeros((0, 3)), 0.5)
    assert empty.shape == (0, 2) and len(rows) == 0 and list(cols) == [0, 1, 2]
