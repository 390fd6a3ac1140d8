"""Store to files: one ``person_<id>.bvh`` per tracked person (``person_<id>_part<n>.bvh`` after long gaps).

Every track gets its own fixed skeleton (see common.bvh.skeleton.bone_lengths) shared by all its
parts. Everything is solved before the first file is written, so a cancel or a bad track
leaves no files; each file is written atomically.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from common.atomic import ExportPathError
from common.bvh.level import CAMERA_AXES, SceneAxes, scene_axes
from common.bvh.motion import BvhMotion, solve_motion
from common.bvh.segments import split_track
from common.bvh.skeleton import bone_lengths
from common.bvh.writer import write_bvh
from common.store import ResultsStore, TrackSeries

DEFAULT_FPS = 25.0  # image folders and some cameras report no frame rate


class BvhExportCancelled(RuntimeError):
    """The user cancelled a BVH export; nothing was written."""


class NothingToExport(ValueError):
    """No person of the store can become an animation (the message says why for each)."""


@dataclass
class BvhOptions:
    """How tracks become animations."""

    frame_step: int = 1  # keep every n-th video frame (as the annotated video does)
    max_gap_seconds: float = 0.5  # gaps up to this long are interpolated; longer ones split the file
    level: bool = True  # people's median up to +Y, floor at Y = 0 (see common.bvh.level); else camera axes

    def __post_init__(self) -> None:
        if self.frame_step < 1:
            raise ValueError("frame_step must be >= 1")
        if self.max_gap_seconds < 0:
            raise ValueError("max_gap_seconds must be >= 0")

    def frame_time(self, fps: float) -> float:
        return self.frame_step / (fps or DEFAULT_FPS)

    def max_gap_frames(self, fps: float) -> int:
        return int(self.max_gap_seconds / self.frame_time(fps) + 1e-9)


@dataclass
class WrittenBvh:
    track_id: int
    path: Path
    first_frame: int  # video frame of the file's first BVH frame
    frames: int
    filled: int  # frames interpolated over short gaps


@dataclass
class BvhExport:
    written: list[WrittenBvh] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # people or stretches left out, and why
    axes: SceneAxes = CAMERA_AXES  # camera frame → the files' world

    def report(self) -> list[str]:
        """Where each file starts in the video (to line people up in an animation tool), then the notes."""
        starts = [f"{w.path.name}: {w.frames} frames from video frame {w.first_frame}"
                  + (f" ({w.filled} filled in)" if w.filled else "") for w in self.written]
        return starts + self.notes


def bvh_file_name(track_id: int, part: int) -> str:
    """``person_<id>.bvh`` for a track's first part, ``person_<id>_part<n>.bvh`` after that."""
    return f"person_{track_id}.bvh" if part == 1 else f"person_{track_id}_part{part}.bvh"


def check_bvh_folder(folder: str | Path) -> Path:
    """The folder for the files must be writable, or creatable in a writable parent."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportPathError(f"cannot write BVH files into {folder}: it is a file, not a folder")
    existing = folder if folder.is_dir() else folder.parent
    if not existing.is_dir():
        raise ExportPathError(f"cannot create BVH folder {folder}: {existing} does not exist")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ExportPathError(f"cannot write BVH files into {folder}: no permission to write in {existing}")
    return folder


def track_motions(series: TrackSeries, fps: float, options: BvhOptions, axes: SceneAxes = CAMERA_AXES
                  ) -> tuple[list[tuple[int, BvhMotion, int]], list[str]]:
    """The animations of one person: (first video frame, motion, filled frames) per part, and notes."""
    split = split_track(series, options.frame_step, options.max_gap_frames(fps))
    if not split.parts:
        return [], split.notes
    lengths = bone_lengths(split.usable_joints)
    motions = [(part.first_frame, solve_motion(part.joints, part.root, lengths, options.frame_time(fps), axes),
                part.filled) for part in split.parts]
    return motions, split.notes


def export_bvh(store: ResultsStore, folder: str | Path, track_ids: Iterable[int] | None = None,
               options: BvhOptions | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> BvhExport:
    """Write a BVH per person of ``store`` (or of ``track_ids``) into ``folder``.

    Raises NothingToExport (a ValueError) when no person can be written, saying why for each,
    and BvhExportCancelled when ``cancelled()`` turns true (then nothing is written).
    """
    options = options or BvhOptions()
    folder = check_bvh_folder(folder)
    ids = store.track_ids() if track_ids is None else [int(i) for i in track_ids]
    if not ids:
        raise NothingToExport("nothing to export as BVH: no person was tracked")
    result = BvhExport(axes=scene_axes(store) if options.level else CAMERA_AXES)
    pending = []
    for done, track_id in enumerate(ids, 1):
        if cancelled is not None and cancelled():
            raise BvhExportCancelled("BVH export cancelled")
        motions, notes = track_motions(store.track(track_id), store.fps, options, result.axes)
        result.notes += notes
        pending += [(track_id, part, *motion) for part, motion in enumerate(motions, 1)]
        if progress is not None:
            progress(done, len(ids))
    if not pending:
        raise NothingToExport("no person could be exported as BVH: " + "; ".join(result.notes))
    folder.mkdir(exist_ok=True)
    for track_id, part, first_frame, motion, filled in pending:
        path = write_bvh(motion, folder / bvh_file_name(track_id, part))
        result.written.append(WrittenBvh(track_id, path, first_frame, motion.num_frames, filled))
    return result
