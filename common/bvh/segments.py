"""One track's frames on the BVH's even time grid: short gaps filled, long gaps split the file.

A BVH has one frame time, so the track is sampled at every ``frame_step``-th video frame (the
same frames the annotated video keeps). A sampled frame is missing when the person was not
tracked there or any of their 17 joints is not finite. Gaps of at most ``max_gap_seconds`` are
filled by linear interpolation of the joint and root positions; a longer gap ends the part and
the next tracked frame starts a new one. A part needs at least two frames to be an animation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from common.store import TrackSeries

MIN_PART_FRAMES = 2


@dataclass
class Part:
    """A gap-free stretch of one track, in camera coordinates (mm)."""

    first_frame: int  # video frame index of the part's first BVH frame
    joints: np.ndarray  # (N, 17, 3) root-relative
    root: np.ndarray | None  # (N, 3) placed pelvis position; None where the track was never placed
    filled: int  # frames interpolated over short gaps


@dataclass
class TrackParts:
    parts: list[Part]
    notes: list[str]  # what was dropped or split, for the user
    usable_joints: np.ndarray  # (M, 17, 3) every tracked frame with finite joints (for bone lengths)


def _interpolate(keys: np.ndarray, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``values`` (K, ...) at ``keys`` onto ``grid``, per coordinate."""
    flat = values.reshape(len(values), -1)
    out = np.stack([np.interp(grid, keys, flat[:, c]) for c in range(flat.shape[1])], 1)
    return out.reshape((len(grid),) + values.shape[1:])


def split_track(series: TrackSeries, frame_step: int, max_gap_frames: int) -> TrackParts:
    """Sample ``series`` every ``frame_step`` video frames and cut it into gap-free parts.

    ``max_gap_frames`` counts BVH frames (sampled frames) that may be filled in a row.
    """
    tid = series.track_id
    finite = np.isfinite(series.joints3d).all(axis=(1, 2))
    usable = series.joints3d[finite]
    if not finite.any():
        return TrackParts([], [f"person {tid}: no 3D joints (never lifted); not exported"], usable)
    on_grid = finite & (series.frames % frame_step == 0)
    if not on_grid.any():
        return TrackParts([], [f"person {tid}: no tracked frame falls on every {frame_step}th frame; "
                               "not exported"], usable)
    ticks = series.frames[on_grid] // frame_step
    joints, root = series.joints3d[on_grid].astype(np.float64), series.root3d[on_grid].astype(np.float64)
    breaks = np.flatnonzero(np.diff(ticks) > max_gap_frames + 1) + 1
    parts, notes = [], []
    for rows in np.split(np.arange(len(ticks)), breaks):
        grid = np.arange(ticks[rows[0]], ticks[rows[-1]] + 1)
        if len(grid) < MIN_PART_FRAMES:
            notes.append(f"person {tid}: frame {ticks[rows[0]] * frame_step} stands alone "
                         f"(a BVH animation needs at least {MIN_PART_FRAMES} frames); left out")
            continue
        placed = np.isfinite(root[rows]).all(axis=1)
        part_root = _interpolate(ticks[rows][placed], root[rows][placed], grid) if placed.any() else None
        parts.append(Part(int(grid[0] * frame_step), _interpolate(ticks[rows], joints[rows], grid),
                          part_root, len(grid) - len(rows)))
    if len(parts) > 1:
        notes.append(f"person {tid}: missing for more than {max_gap_frames} frames in a row "
                     f"{len(parts) - 1} time(s); written in {len(parts)} parts")
    if not parts:
        notes.append(f"person {tid}: no stretch of {MIN_PART_FRAMES} or more frames; not exported")
    return TrackParts(parts, notes, usable)
