"""The pipeline's temporal 2D → 3D stage: each person is lifted from their track's 2D history.

``TrackLifter.load().lift(poses2d, track_ids, timestamp) -> Poses3D`` (live, causal: only frames up
to now) and ``lift_track_offline(times, keypoints, scores, layout)`` (a whole track of a file, two-sided:
past and future frames). Per track a short history of 2D observations is kept (the causal window,
about 1 s, plus one observation before it); every frame the windows of all people are built by
resampling their histories to the model's 25 Hz (refiner.temporal_windows) and lifted in one batch.

* A track's first ``min_history`` frames are lifted by the single-frame refiner (see docs/refiner.md
  for the measurement); so are people whose track id is unknown.
* A track unseen for more than ``max_gap_s`` starts a new history (the window would otherwise bridge
  the gap by interpolating across it; shorter gaps are bridged). Time going backwards (a new stream)
  also starts a new history.
* Frames with fewer than 4 usable joints are not added to a history and give NaN joints, as the
  single-frame refiner does.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from common.device import pick_device
from common.paths import WEIGHTS_DIR
from common.skeleton import to_h36m17
from common.types import Poses2D, Poses3D
from nets import open_network
from nets.onnx_export import BATCH
from refiner.adapt import adapt
from refiner.inputs import MIN_VISIBLE
from refiner.lifter import DEFAULT_SCORE_THRESHOLD, Lifter
from refiner.target import TargetStats
from refiner.temporal_inference import lift_track, lift_windows
from refiner.temporal_windows import FEATURES_PER_FRAME, MODEL_HZ, track_windows
from refiner.weights import load_temporal

DEFAULT_WEIGHTS = {v: WEIGHTS_DIR / f"refiner_temporal_{v}.safetensors" for v in ("causal", "twosided")}
DEFAULT_MAX_GAP_S = 0.5
DEFAULT_MIN_HISTORY = 2


@dataclass
class _History:
    """One track's recent observations: times ``(n,)``, H36M-17 pixels ``(n, 17, 2)``, visibility ``(n, 17)``."""

    times: np.ndarray = field(default_factory=lambda: np.zeros(0))
    joints: np.ndarray = field(default_factory=lambda: np.zeros((0, 17, 2), np.float32))
    visible: np.ndarray = field(default_factory=lambda: np.zeros((0, 17), bool))

    def add(self, t: float, joints: np.ndarray, visible: np.ndarray, span_s: float) -> None:
        """Append one observation; keep the window's span and one observation before it."""
        first = max(int(np.searchsorted(self.times, t - span_s, side="right")) - 1, 0)
        self.times = np.append(self.times[first:], t)
        self.joints = np.concatenate([self.joints[first:], joints[None]])
        self.visible = np.concatenate([self.visible[first:], visible[None]])

    def padded(self, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The history front-padded to ``length`` with copies of its first observation at earlier
        times (which resample to exactly that observation), so that tracks can be batched."""
        pad = length - len(self.times)
        times = np.concatenate([self.times[0] - np.arange(pad, 0, -1) * 1e3, self.times])
        return (times, np.concatenate([np.repeat(self.joints[:1], pad, 0), self.joints]),
                np.concatenate([np.repeat(self.visible[:1], pad, 0), self.visible]))


def _style(layout: str) -> str:
    """Detector layouts have a COCO-style torso and no H36M head joints (see refiner.inputs)."""
    return "h36m" if layout == "h36m17" else "coco"


class TrackLifter:
    """Causal per-track lifting for live processing, two-sided lifting of whole tracks for files."""

    def __init__(self, causal: tuple[torch.nn.Module, TargetStats], single: Lifter,
                 twosided: tuple[torch.nn.Module, TargetStats] | None = None, device: torch.device | str = "cpu",
                 score_threshold: float = DEFAULT_SCORE_THRESHOLD, max_gap_s: float = DEFAULT_MAX_GAP_S,
                 min_history: int = DEFAULT_MIN_HISTORY, runtime: str = "torch") -> None:
        self.device = torch.device(device)
        self.causal = self._on_device(causal)
        # the live network runs where the other stages' do (ONNX Runtime on the CPU with runtime="auto")
        self._causal_net = open_network(self.causal[0], "refiner-temporal-causal",
                                        (BATCH, self.causal[0].receptive_field, FEATURES_PER_FRAME),
                                        self.device, runtime, half_on_cuda=False)
        self.twosided = self._on_device(twosided) if twosided is not None else None
        self.single = single
        self.score_threshold, self.max_gap_s, self.min_history = score_threshold, max_gap_s, min_history
        self.architecture = "temporal"
        self._span_s = (self.causal[0].receptive_field - 1) / MODEL_HZ
        self._tracks: dict[int, _History] = {}

    def _on_device(self, pair: tuple[torch.nn.Module, TargetStats]) -> tuple[torch.nn.Module, TargetStats]:
        model, stats = pair
        return model.to(self.device).eval(), TargetStats(stats.mean.to(self.device), stats.std.to(self.device))

    @classmethod
    def load(cls, causal: str | Path | None = None, twosided: str | Path | None = None,
             single: str | Path | None = None, device: str | torch.device | None = None,
             runtime: str = "auto", **options) -> "TrackLifter":
        """The shipped (or given) causal and two-sided weights, and the single-frame refiner as fallback
        (run by ``runtime``, see nets.runtime; so is the live causal network, the two-sided one runs in torch)."""
        dev = pick_device(str(device) if device else None)
        causal_model, causal_stats, _ = load_temporal(causal or DEFAULT_WEIGHTS["causal"], "causal")
        two_model, two_stats, _ = load_temporal(twosided or DEFAULT_WEIGHTS["twosided"], "twosided")
        return cls((causal_model, causal_stats), Lifter.load(single, device=dev, runtime=runtime),
                   (two_model, two_stats), dev, runtime=runtime, **options)

    @property
    def description(self) -> str:
        files = ", two-sided re-lift of files" if self.twosided is not None else ""
        return f"temporal ({self.causal[0].receptive_field} frames at {MODEL_HZ:g} Hz, causal live{files})"

    def _visible(self, poses2d: Poses2D) -> tuple[np.ndarray, np.ndarray]:
        joints, scores = to_h36m17(poses2d.keypoints, poses2d.scores, poses2d.layout)
        return joints, np.isfinite(scores) & (scores >= self.score_threshold) & np.isfinite(joints).all(-1)

    def lift(self, poses2d: Poses2D, track_ids: np.ndarray | None = None, timestamp: float | None = None) -> Poses3D:
        """N people of one frame → ``(N, 17, 3)`` root-relative mm (viewing frame; NaN when unliftable)."""
        if track_ids is None or timestamp is None:
            raise ValueError("the temporal lifter needs each person's track id and the frame's timestamp")
        track_ids = np.asarray(track_ids).reshape(-1)
        if len(track_ids) != len(poses2d):
            raise ValueError(f"{len(track_ids)} track ids for {len(poses2d)} people")
        if not np.isfinite(timestamp):
            raise ValueError(f"frame timestamp must be finite, got {timestamp}")
        out = np.full((len(poses2d), 17, 3), np.nan, np.float32)
        joints, visible = self._visible(poses2d)
        rows, histories = [], []
        for i, track_id in enumerate(track_ids.tolist()):
            history = self._history(int(track_id), timestamp)
            if visible[i].sum() < MIN_VISIBLE:
                continue
            history.add(float(timestamp), joints[i], visible[i], self._span_s)
            if len(history.times) >= self.min_history:
                rows.append(i)
                histories.append(history)
        self._forget_stale(timestamp)
        fallback = np.setdiff1d(np.arange(len(poses2d)), rows)
        if len(fallback):
            out[fallback] = self.single.lift(Poses2D(poses2d.keypoints[fallback], poses2d.scores[fallback],
                                                     poses2d.layout)).joints
        if rows:
            longest = max(len(h.times) for h in histories)
            times, j, v = (np.stack(x) for x in zip(*(h.padded(longest) for h in histories)))
            j2, vis = track_windows(times, j, v, np.full((len(rows), 1), float(timestamp)),
                                    self.causal[0].receptive_field, True)
            out[rows] = lift_windows(*self.causal, j2[:, 0], vis[:, 0], _style(poses2d.layout), device=self.device,
                                     net=self._causal_net)
        return Poses3D(out)

    def _history(self, track_id: int, timestamp: float) -> _History:
        history = self._tracks.get(track_id)
        if history is None or not len(history.times) or not 0 < timestamp - history.times[-1] <= self.max_gap_s:
            history = self._tracks[track_id] = _History()
        return history

    def _forget_stale(self, timestamp: float) -> None:
        stale = [k for k, h in self._tracks.items() if len(h.times) and not 0 <= timestamp - h.times[-1] <= self.max_gap_s]
        for k in stale:
            del self._tracks[k]

    def adapted_twosided(self, tracks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], layout: str, steps: int,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> tuple[torch.nn.Module, TargetStats]:
        """The two-sided model fine-tuned on a video's own tracks ``(times, keypoints, scores)``
        (test-time adaptation, refiner.adapt); this lifter's own model is left as it is."""
        if self.twosided is None:
            raise ValueError("no two-sided weights loaded: TrackLifter.load(twosided=...)")
        observed = []
        for times, keypoints, scores in tracks:
            joints, visible = self._visible(Poses2D(np.asarray(keypoints, np.float32), np.asarray(scores, np.float32),
                                                    layout))
            usable = visible.sum(-1) >= MIN_VISIBLE
            observed.append((np.asarray(times, np.float64)[usable], joints[usable], visible[usable]))
        model = adapt(*self.twosided, observed, _style(layout), steps, progress=progress, cancelled=cancelled)
        return model, self.twosided[1]

    def lift_track_offline(self, times: np.ndarray, keypoints: np.ndarray, scores: np.ndarray, layout: str,
                           twosided: tuple[torch.nn.Module, TargetStats] | None = None) -> np.ndarray:
        """A whole track (observations at increasing ``times``) → ``(T, 17, 3)`` root-relative mm, each
        frame from past and future frames (two-sided model, or ``twosided``, e.g. an adapted one);
        segments split at gaps > ``max_gap_s``."""
        twosided = twosided or self.twosided
        if twosided is None:
            raise ValueError("no two-sided weights loaded: TrackLifter.load(twosided=...)")
        poses = Poses2D(np.asarray(keypoints, np.float32), np.asarray(scores, np.float32), layout)
        joints, visible = self._visible(poses)
        times = np.asarray(times, np.float64)
        out = np.full((len(times), 17, 3), np.nan, np.float32)
        usable = np.flatnonzero(visible.sum(-1) >= MIN_VISIBLE)
        if len(usable) == 0:
            return out
        breaks = np.flatnonzero(np.diff(times[usable]) > self.max_gap_s) + 1
        for segment in np.split(usable, breaks):
            out[segment] = lift_track(*twosided, times[segment], joints[segment], visible[segment],
                                      _style(layout), device=self.device)
        return out
