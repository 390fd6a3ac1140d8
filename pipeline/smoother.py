"""Temporal smoothing of 3D joints per track: the One Euro filter (Casiez et al., CHI 2012).

A low-pass filter whose cut-off rises with speed: still poses lose their jitter, fast motion
keeps little lag. Vectorised over all joints and coordinates of a track.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class OneEuroConfig:
    min_cutoff: float = 1.0  # Hz; lower = smoother when still
    beta: float = 0.01  # 1/mm; higher = less lag when moving fast (joints in mm)
    d_cutoff: float = 1.0  # Hz, for the speed estimate
    forget_after_s: float = 1.0  # a track unseen this long starts afresh


def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2 * np.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


@dataclass
class _State:
    value: np.ndarray
    speed: np.ndarray
    time: float


class OneEuroSmoother:
    """Keeps one filter state per track id; call :meth:`smooth` once per frame, in time order."""

    def __init__(self, config: OneEuroConfig | None = None):
        self.config = config or OneEuroConfig()
        self._states: dict[int, _State] = {}

    def smooth(self, track_ids: np.ndarray, timestamp: float, joints: np.ndarray) -> np.ndarray:
        """Filtered copy of ``joints`` ``(N, J, 3)`` for the tracks ``track_ids`` at ``timestamp`` s."""
        cfg = self.config
        out = np.array(joints, dtype=np.float32, copy=True)
        for row, track_id in enumerate(np.asarray(track_ids).tolist()):
            x = out[row]
            state = self._states.get(track_id)
            dt = None if state is None else timestamp - state.time
            if state is None or not np.isfinite(x).all() or dt <= 0 or dt > cfg.forget_after_s:
                if np.isfinite(x).all():
                    self._states[track_id] = _State(x.copy(), np.zeros_like(x), timestamp)
                continue
            speed = (x - state.value) / dt
            a_d = _alpha(cfg.d_cutoff, dt)
            speed = a_d * speed + (1 - a_d) * state.speed
            cutoff = cfg.min_cutoff + cfg.beta * np.abs(speed)
            a = _alpha(cutoff, dt)
            x = a * x + (1 - a) * state.value
            self._states[track_id] = _State(x, speed, timestamp)
            out[row] = x
        self._forget(timestamp)
        return out

    def _forget(self, now: float) -> None:
        stale = [t for t, s in self._states.items() if now - s.time > self.config.forget_after_s]
        for track_id in stale:
            del self._states[track_id]
