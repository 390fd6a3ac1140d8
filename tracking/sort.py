"""SORT: Simple Online and Realtime Tracking (Bewley et al., ICIP 2016).

Each track is a constant-velocity Kalman filter on the box (:mod:`tracking.sort_kalman`). Every frame
all tracks are predicted, matched to the detections by IoU (:func:`tracking.association.match_by_iou`),
corrected with their match, and unmatched detections start new tracks. A track is reported while it
is matched this frame and has ``min_hits`` consecutive matches, or during the first ``min_hits``
frames of the stream; it is dropped after ``max_age`` frames without a match. All per-track state
lives in arrays, so a frame costs a fixed number of numpy calls whatever the number of tracks.

Optional (off by default): a ByteTrack-style second pass that matches detections scoring below
``low_score_threshold`` to the tracks left unmatched by the first pass; such detections keep a track
alive but never start one.
"""
from __future__ import annotations

import numpy as np

from common.types import Detections, Tracks
from tracking.association import match_by_iou
from tracking.boxes import iou_matrix, valid_boxes, xysr_to_xyxy, xyxy_to_xysr
from tracking.batched_kalman import BatchedKalman
from tracking.sort_kalman import sort_box_model


class Sort:
    """SORT tracker; call :meth:`update` once per frame, in stream order, even with no detections."""

    def __init__(self, max_age: int = 1, min_hits: int = 3, iou_threshold: float = 0.3,
                 low_score_threshold: float | None = None, low_iou_threshold: float = 0.5) -> None:
        if max_age < 0 or min_hits < 0 or not 0.0 <= iou_threshold <= 1.0:
            raise ValueError(f"bad SORT parameters: max_age={max_age}, min_hits={min_hits}, "
                             f"iou_threshold={iou_threshold}")
        self.max_age = max_age
        self.min_hits = min_hits
        self.iou_threshold = iou_threshold
        self.low_score_threshold = low_score_threshold
        self.low_iou_threshold = low_iou_threshold
        self.kalman = BatchedKalman(sort_box_model())
        self.frame_count = 0
        self._next_id = 1
        n = self.kalman.dim_x
        self._x = np.zeros((0, n))
        self._P = np.zeros((0, n, n))
        self._ids = np.zeros(0, dtype=np.int64)
        self._since_update = np.zeros(0, dtype=np.int64)
        self._hit_streak = np.zeros(0, dtype=np.int64)
        self._score = np.zeros(0)
        self._det_index = np.zeros(0, dtype=np.int64)

    @property
    def live_ids(self) -> np.ndarray:
        """Ids of every track still kept, reported or not."""
        return self._ids.copy()

    def update(self, detections: Detections, image: np.ndarray | None = None) -> Tracks:
        """Advance one frame; returns the tracks reported for it (``image`` is not used by SORT)."""
        self.frame_count += 1
        det_index = np.flatnonzero(valid_boxes(detections.boxes))
        boxes = detections.boxes[det_index].astype(np.float64)
        scores = detections.scores[det_index].astype(np.float64)
        predicted = self._predict()

        if self.low_score_threshold is None:
            high, low = np.arange(len(boxes)), None
            matches, free_high, free_tracks = match_by_iou(iou_matrix(boxes, predicted),
                                                           self.iou_threshold)
        else:
            high = np.flatnonzero(scores >= self.low_score_threshold)
            low = np.flatnonzero(scores < self.low_score_threshold)
            matches, free_high, free_tracks = match_by_iou(iou_matrix(boxes[high], predicted),
                                                           self.iou_threshold)
        det_of_match, track_of_match = high[matches[:, 0]], matches[:, 1]
        if low is not None and len(low) and len(free_tracks):
            low_matches, _, _ = match_by_iou(
                iou_matrix(boxes[low], predicted[free_tracks]), self.low_iou_threshold)
            det_of_match = np.concatenate([det_of_match, low[low_matches[:, 0]]])
            track_of_match = np.concatenate([track_of_match, free_tracks[low_matches[:, 1]]])

        self._correct(track_of_match, boxes[det_of_match], scores[det_of_match],
                      det_index[det_of_match])
        new = high[free_high]
        self._start(boxes[new], scores[new], det_index[new])
        return self._report_and_prune()

    def _predict(self) -> np.ndarray:
        """Predict every track one frame ahead; tracks whose box became invalid are dropped."""
        if not len(self._ids):
            return np.zeros((0, 4))
        shrinking_away = self._x[:, 6] + self._x[:, 2] <= 0  # next area would be ≤ 0: stop shrinking
        self._x[shrinking_away, 6] = 0.0
        self._x, self._P = self.kalman.predict(self._x, self._P)
        self._hit_streak[self._since_update > 0] = 0
        self._since_update += 1
        self._det_index[:] = -1
        drawable = (self._x[:, 2] > 0) & (self._x[:, 3] > 0) & np.isfinite(self._x).all(axis=1)
        if not drawable.all():  # a box with no area has nothing left to match: drop its track
            self._keep(drawable)
        return xysr_to_xyxy(self._x)

    def _correct(self, tracks: np.ndarray, boxes: np.ndarray, scores: np.ndarray,
                 det_index: np.ndarray) -> None:
        if not len(tracks):
            return
        self._x[tracks], self._P[tracks] = self.kalman.update(
            self._x[tracks], self._P[tracks], xyxy_to_xysr(boxes))
        self._since_update[tracks] = 0
        self._hit_streak[tracks] += 1
        self._score[tracks] = scores
        self._det_index[tracks] = det_index

    def _start(self, boxes: np.ndarray, scores: np.ndarray, det_index: np.ndarray) -> None:
        m = len(boxes)
        if not m:
            return
        x, P = self.kalman.initiate(xyxy_to_xysr(boxes))
        self._x = np.concatenate([self._x, x])
        self._P = np.concatenate([self._P, P])
        self._ids = np.concatenate([self._ids, np.arange(self._next_id, self._next_id + m)])
        self._next_id += m
        self._since_update = np.concatenate([self._since_update, np.zeros(m, dtype=np.int64)])
        self._hit_streak = np.concatenate([self._hit_streak, np.zeros(m, dtype=np.int64)])
        self._score = np.concatenate([self._score, scores])
        self._det_index = np.concatenate([self._det_index, det_index])

    def _report_and_prune(self) -> Tracks:
        shown = (self._since_update < 1) & (
            (self._hit_streak >= self.min_hits) | (self.frame_count <= self.min_hits))
        out = Tracks(self._ids[shown], xysr_to_xyxy(self._x[shown]), self._score[shown],
                     self._det_index[shown])
        alive = self._since_update <= self.max_age
        if not alive.all():
            self._keep(alive)
        return out

    def _keep(self, mask: np.ndarray) -> None:
        for name in ("_x", "_P", "_ids", "_since_update", "_hit_streak", "_score", "_det_index"):
            setattr(self, name, getattr(self, name)[mask])
