"""Deep SORT: SORT with a deep association metric (Wojke, Bewley & Paulus, ICIP 2017).

Per frame: predict every track (:mod:`tracking.deepsort_kalman`); match confirmed tracks to
detections in a cascade that serves the most recently seen tracks first, by cosine appearance
distance to each track's feature gallery, forbidding pairs outside the 95 % Mahalanobis gate; then
match new (tentative) tracks and tracks missed for just one frame by IoU. A track becomes confirmed
after ``n_init`` consecutive matches, a tentative track dies at its first miss, a confirmed one after
``max_age`` frames without a match.

Without appearance features (no image or no encoder) the cascade uses motion alone: the squared
Mahalanobis distance divided by the gate, so any gated pair is admissible and closer is better.

Optional (off by default): a ByteTrack-style last pass that matches detections scoring below
``low_score_threshold`` to tracks still unmatched, by IoU; such detections never start a track.
"""
from __future__ import annotations

import numpy as np

from common.types import Detections, Tracks
from tracking.appearance import AppearanceEncoder, FeatureGallery, encode
from tracking.association import min_cost_matching
from tracking.boxes import iou_matrix, valid_boxes, xyah_to_xyxy, xyxy_to_xyah
from tracking.deepsort_kalman import CHI2_95_4DOF, DeepSortKalman

GATED = 1e5  # cost of a pair that may never match


class DeepSort:
    """Deep SORT tracker; call :meth:`update` once per frame, in stream order."""

    def __init__(self, encoder: AppearanceEncoder | None = None, max_cosine_distance: float = 0.2,
                 nn_budget: int | None = 100, max_iou_distance: float = 0.7, max_age: int = 30,
                 n_init: int = 3, low_score_threshold: float | None = None,
                 low_iou_threshold: float = 0.5) -> None:
        if max_age < 1 or n_init < 1:
            raise ValueError(f"bad Deep SORT parameters: max_age={max_age}, n_init={n_init}")
        self.encoder = encoder
        self.max_cosine_distance = max_cosine_distance
        self.max_iou_distance = max_iou_distance
        self.max_age = max_age
        self.n_init = n_init
        self.low_score_threshold = low_score_threshold
        self.low_iou_threshold = low_iou_threshold
        self.kalman = DeepSortKalman()
        self.gallery = FeatureGallery(nn_budget)
        self._next_id = 1
        self._x = np.zeros((0, 8))
        self._P = np.zeros((0, 8, 8))
        self._ids = np.zeros(0, dtype=np.int64)
        self._hits = np.zeros(0, dtype=np.int64)
        self._since_update = np.zeros(0, dtype=np.int64)
        self._confirmed = np.zeros(0, dtype=bool)
        self._score = np.zeros(0)
        self._det_index = np.zeros(0, dtype=np.int64)

    @property
    def live_ids(self) -> np.ndarray:
        """Ids of every track still kept, reported or not."""
        return self._ids.copy()

    def update(self, detections: Detections, image: np.ndarray | None = None) -> Tracks:
        """Advance one frame; returns confirmed tracks matched now or missed for one frame only."""
        det_index = np.flatnonzero(valid_boxes(detections.boxes))
        boxes = detections.boxes[det_index].astype(np.float64)
        scores = detections.scores[det_index].astype(np.float64)
        features = None
        if self.encoder is not None and image is not None and len(boxes):
            keypoints = None if detections.keypoints is None else detections.keypoints[det_index]
            features = encode(self.encoder, image, boxes, keypoints)
        self._predict()

        if self.low_score_threshold is None:
            high, low = np.arange(len(boxes)), np.zeros(0, dtype=np.int64)
        else:
            high = np.flatnonzero(scores >= self.low_score_threshold)
            low = np.flatnonzero(scores < self.low_score_threshold)
        measurements = xyxy_to_xyah(boxes)
        matched_tracks, matched_dets = self._associate(boxes, measurements, features, high, low)

        self._correct(matched_tracks, measurements[matched_dets], scores[matched_dets],
                      det_index[matched_dets])
        if features is not None:
            self.gallery.add(self._ids[matched_tracks], features[matched_dets])
        self._forget_missed(matched_tracks)
        new = np.setdiff1d(high, matched_dets)
        self._start(measurements[new], scores[new], det_index[new])
        if features is not None:
            self.gallery.add(self._ids[len(self._ids) - len(new):], features[new])
        shown = self._confirmed & (self._since_update <= 1)
        return Tracks(self._ids[shown], xyah_to_xyxy(self._x[shown]), self._score[shown],
                      self._det_index[shown])

    def _associate(self, boxes, measurements, features, high, low) -> tuple[np.ndarray, np.ndarray]:
        """All three matching stages; returns matched (track rows, detection rows)."""
        tracks_free = np.ones(len(self._ids), dtype=bool)
        dets_free = np.zeros(len(boxes), dtype=bool)
        dets_free[high] = True
        pairs = []

        def match(track_rows: np.ndarray, det_rows: np.ndarray, cost: np.ndarray, limit: float):
            found, _, _ = min_cost_matching(cost, limit)
            t, d = track_rows[found[:, 0]], det_rows[found[:, 1]]
            tracks_free[t] = False
            dets_free[d] = False
            pairs.append((t, d))

        confirmed = np.flatnonzero(self._confirmed)
        if len(confirmed) and len(high):
            cost, limit = self._cascade_cost(confirmed, high, measurements, features)
            misses = self._since_update[confirmed]
            for level in np.unique(misses[misses <= self.max_age]).tolist():  # recent ones first
                free = np.flatnonzero(dets_free[high])
                if not len(free):
                    break
                rows = np.flatnonzero(misses == level)
                match(confirmed[rows], high[free], cost[np.ix_(rows, free)], limit)

        recent = np.flatnonzero(tracks_free & (~self._confirmed | (self._since_update == 1)))
        free = np.flatnonzero(dets_free)
        if len(recent) and len(free):
            iou_cost = 1.0 - iou_matrix(self._predicted_boxes(recent), boxes[free])
            match(recent, free, iou_cost, self.max_iou_distance)

        left = np.flatnonzero(tracks_free)
        if len(low) and len(left):
            iou_cost = 1.0 - iou_matrix(self._predicted_boxes(left), boxes[low])
            match(left, low, iou_cost, 1.0 - self.low_iou_threshold)

        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])

    def _cascade_cost(self, tracks: np.ndarray, dets: np.ndarray, measurements: np.ndarray,
                      features: np.ndarray | None) -> tuple[np.ndarray, float]:
        """Gated cost (tracks × detections) for the cascade and its admissible maximum."""
        maha = self.kalman.gating_distance(self._x[tracks], self._P[tracks], measurements[dets])
        if features is None:
            cost, limit = maha / CHI2_95_4DOF, 1.0
        else:
            cost = self.gallery.cosine_distance(self._ids[tracks], features[dets])
            limit = self.max_cosine_distance
            no_samples = np.isnan(cost)  # e.g. images started arriving mid-stream: use motion
            cost[no_samples] = (maha / CHI2_95_4DOF * limit)[no_samples]
        cost[maha > CHI2_95_4DOF] = GATED
        return cost, limit

    def _predicted_boxes(self, rows: np.ndarray) -> np.ndarray:
        return xyah_to_xyxy(self._x[rows])

    def _predict(self) -> None:
        if not len(self._ids):
            return
        self._x, self._P = self.kalman.predict(self._x, self._P)
        self._since_update += 1
        self._det_index[:] = -1
        self._score[:] = 0.0
        drawable = (self._x[:, 2] > 0) & (self._x[:, 3] > 0) & np.isfinite(self._x).all(axis=1)
        if not drawable.all():  # a box with no area has nothing left to match: drop its track
            self._keep(drawable)

    def _correct(self, tracks, measurements, scores, det_index) -> None:
        if not len(tracks):
            return
        self._x[tracks], self._P[tracks] = self.kalman.update(
            self._x[tracks], self._P[tracks], measurements)
        self._hits[tracks] += 1
        self._since_update[tracks] = 0
        self._confirmed[tracks] |= self._hits[tracks] >= self.n_init
        self._score[tracks] = scores
        self._det_index[tracks] = det_index

    def _forget_missed(self, matched: np.ndarray) -> None:
        """Tentative tracks die at their first miss, confirmed ones after ``max_age`` misses."""
        missed = np.ones(len(self._ids), dtype=bool)
        missed[matched] = False
        dead = missed & (~self._confirmed | (self._since_update > self.max_age))
        if dead.any():
            self._keep(~dead)
            self.gallery.keep_only(self._ids)

    def _start(self, measurements: np.ndarray, scores: np.ndarray, det_index: np.ndarray) -> None:
        m = len(measurements)
        if not m:
            return
        x, P = self.kalman.initiate(measurements)
        self._x = np.concatenate([self._x, x])
        self._P = np.concatenate([self._P, P])
        self._ids = np.concatenate([self._ids, np.arange(self._next_id, self._next_id + m)])
        self._next_id += m
        self._hits = np.concatenate([self._hits, np.ones(m, dtype=np.int64)])
        self._since_update = np.concatenate([self._since_update, np.zeros(m, dtype=np.int64)])
        self._confirmed = np.concatenate([self._confirmed, np.full(m, self.n_init <= 1)])
        self._score = np.concatenate([self._score, scores])
        self._det_index = np.concatenate([self._det_index, det_index])

    def _keep(self, mask: np.ndarray) -> None:
        for name in ("_x", "_P", "_ids", "_hits", "_since_update", "_confirmed", "_score",
                     "_det_index"):
            setattr(self, name, getattr(self, name)[mask])
