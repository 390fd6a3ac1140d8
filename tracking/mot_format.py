"""MOTChallenge text files: detections in, tracks out.

A row is ``frame, id, x, y, w, h, score, wx, wy, wz`` with 1-based frames and top-left ``xywh``
pixels; detection files carry ``id = -1``. Inside the project boxes are ``xyxy`` (common.types).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from common.types import Detections, Tracks


class MOTFormatError(ValueError):
    """A MOT text file that cannot be read as detections."""


def load_detections(path: str | Path) -> np.ndarray:
    """Rows ``(frame, x1, y1, x2, y2, score)`` of a MOT ``det.txt``, in file order."""
    path = Path(path)
    try:
        rows = np.loadtxt(path, delimiter=",", ndmin=2)
    except (OSError, ValueError) as err:
        raise MOTFormatError(f"{path}: not a readable MOT file ({err})") from err
    if rows.size == 0:
        return np.zeros((0, 6))
    if rows.shape[1] < 7:
        raise MOTFormatError(f"{path}: expected at least 7 comma-separated columns, got {rows.shape[1]}")
    frame, xywh, score = rows[:, 0], rows[:, 2:6], rows[:, 6]
    if not np.all(np.isfinite(frame)) or np.any(frame < 1) or np.any(frame != np.round(frame)):
        raise MOTFormatError(f"{path}: frame numbers must be whole numbers starting at 1")
    xyxy = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)
    return np.column_stack([frame, xyxy, score])


def frames_of(rows: np.ndarray) -> Iterator[tuple[int, Detections]]:
    """``(frame, Detections)`` for every frame from 1 to the last one, empty frames included."""
    if not len(rows):
        return
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    frames = rows[:, 0].astype(np.int64)
    last = int(frames[-1])
    starts = np.searchsorted(frames, np.arange(1, last + 2))
    for frame in range(1, last + 1):
        chunk = rows[starts[frame - 1]: starts[frame]]
        yield frame, Detections(chunk[:, 1:5], chunk[:, 5])


def write_tracks(path: str | Path, per_frame: list[tuple[int, Tracks]]) -> None:
    """Write tracker output as MOT rows (``xywh``, the matched detection's score in column 7)."""
    lines = []
    for frame, tracks in per_frame:
        for track_id, (x1, y1, x2, y2), score in zip(tracks.ids, tracks.boxes, tracks.scores):
            lines.append(f"{frame},{track_id},{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},"
                         f"{score:.4f},-1,-1,-1\n")
    Path(path).write_text("".join(lines))
