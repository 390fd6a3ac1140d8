"""Human3.6M tracks for the temporal lifter: every (sequence, camera) as a 50 Hz track of 2D input
and viewing-frame 3D targets, from which training draws windows ("one output per window").

Stacked-Hourglass detections exist at 10 Hz only; their tracks are interpolated to 50 Hz with
refiner.temporal_windows.resample, exactly as the pipeline resamples a video's tracks, and paired
with the mocap of the same sequence and camera.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from refiner.h36m_data import ViewSequence, load_views, pelvis_rays
from refiner.humaneva_data import load_humaneva
from refiner.temporal_windows import resample, window_offsets
from refiner.viewing_frame import to_viewing_frame

MOCAP_HZ = 50.0


@dataclass
class TrackSet:
    """All tracks concatenated; ``start``/``end`` give each frame's track bounds."""

    joints2d: torch.Tensor  # (F, 17, 2) px
    visible: torch.Tensor  # (F, 17) bool
    target: torch.Tensor  # (F, 17, 3) root-relative viewing-frame mm
    start: torch.Tensor  # (F,) first frame index of the frame's track
    end: torch.Tensor  # (F,) one past its last frame
    detected: torch.Tensor  # (F,) 2D from the SH detector (input style 'sh')

    def __len__(self) -> int:
        return len(self.joints2d)

    @staticmethod
    def from_tracks(tracks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], detected: bool) -> "TrackSet":
        lengths = np.array([len(t[0]) for t in tracks])
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        start = np.repeat(offsets[:-1], lengths)
        return TrackSet(torch.from_numpy(np.concatenate([t[0] for t in tracks]).astype(np.float32)),
                        torch.from_numpy(np.concatenate([t[1] for t in tracks])),
                        torch.from_numpy(np.concatenate([t[2] for t in tracks]).astype(np.float32)),
                        torch.from_numpy(start), torch.from_numpy(np.repeat(offsets[1:], lengths)),
                        torch.full((int(lengths.sum()),), detected))

    def without_targets(self) -> "TrackSet":
        """The same 2D with NaN for the 3D: a 2D-only (unlabelled) set that cannot leak labels."""
        return replace(self, target=torch.full_like(self.target, float("nan")))

    def windows(self, frames: torch.Tensor, strides: torch.Tensor, receptive_field: int, causal: bool,
                keep_before: torch.Tensor | None = None, keep_after: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """2D windows ``(B, T, 17, 2)`` and visibility around output ``frames`` at per-window ``strides``
        (in 50 Hz frames); edges of the track are repeated. ``keep_before``/``keep_after`` (in window
        frames) cut the window shorter, as at the start or end of a real track."""
        offsets = torch.from_numpy(window_offsets(receptive_field, causal))
        idx = frames[:, None] + strides[:, None] * offsets[None]
        lo, hi = self.start[frames], self.end[frames] - 1
        if keep_before is not None:
            lo = torch.maximum(lo, frames - strides * keep_before)
        if keep_after is not None:
            hi = torch.minimum(hi, frames + strides * keep_after)
        idx = torch.minimum(torch.maximum(idx, lo[:, None]), hi[:, None])
        return self.joints2d[idx], self.visible[idx]


def gt_tracks(views: list[ViewSequence]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(2D, visibility, viewing-frame target) per projected ground-truth view."""
    return [(v.joints2d, v.visible, to_viewing_frame(v.joints3d, v.rays)) for v in views]


def detection_tracks(sh_views: list[ViewSequence], gt_views: list[ViewSequence]
                     ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """SH views interpolated to 50 Hz and paired with the mocap of the same sequence and camera."""
    by_key = {(v.sequence, v.camera_id): v for v in gt_views}
    tracks = []
    for sh in sh_views:
        gt = by_key[(sh.sequence, sh.camera_id)]
        frames = np.arange(sh.frames[-1] + 1)
        joints2d, visible = resample(sh.frames / MOCAP_HZ, sh.joints2d, sh.visible, frames / MOCAP_HZ)
        rays = pelvis_rays(sh.camera, joints2d)
        tracks.append((joints2d, visible, to_viewing_frame(gt.joints3d[frames], rays)))
    return tracks


def load_track_sets(data_dir: str | Path, subjects: list[str], with_detections: bool
                    ) -> tuple[TrackSet, TrackSet | None]:
    """Ground-truth-2D tracks and (optionally) SH-detection tracks of ``subjects``."""
    gt_views = load_views(data_dir, subjects, "gt")
    gt = TrackSet.from_tracks(gt_tracks(gt_views), detected=False)
    sh = None
    if with_detections:
        sh = TrackSet.from_tracks(detection_tracks(load_views(data_dir, subjects, "sh"), gt_views), detected=True)
    return gt, sh



def humaneva_track_set(data_dir: str | Path, split: str = "Train") -> TrackSet:
    """HumanEva 2D tracks (60 Hz, 'sh' input style), without 3D: unlabelled data for adaptation."""
    tracks = load_humaneva(data_dir, split)
    return TrackSet.from_tracks([(t.joints2d, t.visible, np.full((len(t.joints2d), 17, 3), np.nan, np.float32))
                                 for t in tracks], detected=True)
