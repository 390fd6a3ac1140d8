"""ResultsStore: the single source of truth for what was computed on a stream.

Rows are (frame, person) pairs kept column-wise in chunks. Random access by frame index serves
scrubbing; iteration by track id serves the inspector. Once more than ``max_memory_rows`` rows
are held, sealed chunks are spilled to ``.npy`` files in a temporary folder and memory-mapped,
so a long video does not grow the process without bound.

Saved format (``.npz``, written atomically): the row columns concatenated (``frame``, ``track_id``,
``box``, ``box_score``, ``kp2d``, ``kp2d_score``, ``joints3d``, ``root3d``, ``has3d``), the
per-frame columns (``frame_index``, ``frame_timestamp``) and ``meta`` (a JSON string with fps,
frame size, 2D layout and source name).
"""
from __future__ import annotations

import bisect
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common.atomic import atomic_path
from common.types import FrameResult, Poses2D, Poses3D

CHUNK_FRAMES = 512
FORMAT_VERSION = 1


@dataclass
class TrackSeries:
    """One person over time: arrays aligned on the frames where the track was reported."""

    track_id: int
    frames: np.ndarray  # (T,) frame indices
    timestamps: np.ndarray  # (T,)
    boxes: np.ndarray  # (T, 4)
    kp2d: np.ndarray  # (T, J, 2)
    kp2d_scores: np.ndarray  # (T, J)
    joints3d: np.ndarray  # (T, 17, 3), NaN where not lifted
    root3d: np.ndarray  # (T, 3), NaN where unknown


class StoreFormatError(ValueError):
    """A results file that is not a PoseScope store, or of an unknown version."""


class ResultsStore:
    """Per-frame, per-person results with random access by frame and by track."""

    def __init__(self, fps: float = 0.0, frame_size: tuple[int, int] = (0, 0), source_name: str = "",
                 max_memory_rows: int = 200_000):
        self.fps = fps
        self.frame_size = frame_size
        self.source_name = source_name
        self.layout2d: str | None = None
        self.num_joints2d = 0
        self.max_memory_rows = max_memory_rows
        self._frame_rows: dict[int, tuple[int, int]] = {}  # frame index -> global row range
        self._frame_timestamps: dict[int, float] = {}
        self._pending: list[dict[str, np.ndarray]] = []
        self._pending_by_frame: dict[int, int] = {}  # frame index -> position in _pending
        self._pending_rows = 0
        self._chunks: list[dict[str, np.ndarray]] = []
        self._chunk_starts: list[int] = []
        self._rows = 0
        self._spill_dir: tempfile.TemporaryDirectory | None = None

    # ---- writing -------------------------------------------------------------------------
    def add(self, result: FrameResult) -> None:
        """Append one frame's results (frames may skip indices but must not repeat)."""
        if result.index in self._frame_rows:
            raise ValueError(f"frame {result.index} is already stored")
        n = len(result)
        if result.poses2d is not None and n:
            if self.layout2d is None:
                self.layout2d, self.num_joints2d = result.poses2d.layout, result.poses2d.keypoints.shape[1]
            elif result.poses2d.layout != self.layout2d:
                raise ValueError(f"2D layout changed from {self.layout2d} to {result.poses2d.layout}")
        j = self.num_joints2d
        cols = {
            "frame": np.full(n, result.index, np.int64),
            "track_id": result.track_ids.astype(np.int64),
            "box": result.boxes.astype(np.float32),
            "box_score": result.box_scores.astype(np.float32),
            "kp2d": np.full((n, j, 2), np.nan, np.float32),
            "kp2d_score": np.zeros((n, j), np.float32),
            "joints3d": np.full((n, 17, 3), np.nan, np.float32),
            "root3d": np.full((n, 3), np.nan, np.float32),
            "has3d": np.zeros(n, bool),
        }
        if result.poses2d is not None and n:
            cols["kp2d"], cols["kp2d_score"] = result.poses2d.keypoints, result.poses2d.scores
        if result.poses3d is not None and n:
            cols["joints3d"], cols["has3d"][:] = result.poses3d.joints, True
            if result.poses3d.root is not None:
                cols["root3d"] = result.poses3d.root
        self._frame_rows[result.index] = (self._rows, self._rows + n)
        self._frame_timestamps[result.index] = result.timestamp
        if result.frame_size != (0, 0):
            self.frame_size = result.frame_size
        self._pending_by_frame[result.index] = len(self._pending)
        self._pending.append(cols)
        self._pending_rows += n
        self._rows += n
        if len(self._pending) >= CHUNK_FRAMES:
            self._seal()

    def _seal(self) -> None:
        """Turn pending frames into one chunk; spill old chunks once memory is over budget."""
        chunk = self._pending_chunk()
        if chunk is not None:
            self._chunk_starts.append(self._rows - self._pending_rows)
            self._chunks.append(chunk)
        self._pending, self._pending_rows, self._pending_by_frame = [], 0, {}
        in_memory = sum(len(c["frame"]) for c in self._chunks if not _is_mapped(c))
        if in_memory > self.max_memory_rows:
            self._spill()

    def _pending_chunk(self) -> dict[str, np.ndarray] | None:
        """Pending rows as one chunk (frames without people hold no rows), or None."""
        parts = [p for p in self._pending if len(p["frame"])]
        if not parts:
            return None
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    def _chunks_view(self) -> list[dict[str, np.ndarray]]:
        """Sealed chunks plus the pending rows, without sealing (cheap while streaming)."""
        pending = self._pending_chunk()
        return self._chunks + ([pending] if pending is not None else [])

    def _spill(self) -> None:
        if self._spill_dir is None:
            self._spill_dir = tempfile.TemporaryDirectory(prefix="posescope-store-")
        for i, chunk in enumerate(self._chunks):
            if _is_mapped(chunk):
                continue
            mapped = {}
            for key, values in chunk.items():
                path = Path(self._spill_dir.name) / f"{i}_{key}.npy"
                np.save(path, values)
                mapped[key] = np.load(path, mmap_mode="r")
            self._chunks[i] = mapped

    # ---- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        """Number of frames stored."""
        return len(self._frame_rows)

    def __contains__(self, frame_index: int) -> bool:
        return frame_index in self._frame_rows

    @property
    def frame_indices(self) -> np.ndarray:
        return np.array(sorted(self._frame_rows), dtype=np.int64)

    def _rows_slice(self, index: int, start: int, stop: int) -> dict[str, np.ndarray]:
        if index in self._pending_by_frame:
            return self._pending[self._pending_by_frame[index]]
        k = bisect.bisect_right(self._chunk_starts, start) - 1
        base = self._chunk_starts[k]
        return {key: np.asarray(v[start - base:stop - base]) for key, v in self._chunks[k].items()}

    def frame(self, index: int) -> FrameResult | None:
        """The stored result for ``index``, or None if that frame was not processed."""
        if index not in self._frame_rows:
            return None
        start, stop = self._frame_rows[index]
        timestamp = self._frame_timestamps[index]
        if start == stop:
            return FrameResult(index, timestamp, np.zeros(0), np.zeros((0, 4)), np.zeros(0),
                               frame_size=self.frame_size)
        rows = self._rows_slice(index, start, stop)
        return self._result_from_rows(index, timestamp, rows)

    def _result_from_rows(self, index: int, timestamp: float, rows: dict[str, np.ndarray]) -> FrameResult:
        poses2d = Poses2D(rows["kp2d"], rows["kp2d_score"], self.layout2d) if self.layout2d else None
        poses3d = None
        if rows["has3d"].all():
            root = rows["root3d"] if np.isfinite(rows["root3d"]).any() else None
            poses3d = Poses3D(rows["joints3d"], root)
        return FrameResult(index, timestamp, rows["track_id"], rows["box"], rows["box_score"],
                           poses2d, poses3d, frame_size=self.frame_size)

    def _all_rows(self) -> dict[str, np.ndarray]:
        chunks = self._chunks_view()
        if not chunks:
            return {}
        return {k: np.concatenate([np.asarray(c[k]) for c in chunks]) for k in chunks[0]}

    def track_ids(self) -> list[int]:
        """Every track id seen, ascending."""
        ids: set[int] = set()
        for chunk in self._chunks_view():
            ids.update(np.unique(chunk["track_id"]).tolist())
        return sorted(ids)

    def track(self, track_id: int) -> TrackSeries:
        """All rows of one track, in frame order."""
        parts = []
        for chunk in self._chunks_view():
            mask = np.asarray(chunk["track_id"]) == track_id
            if mask.any():
                parts.append({k: np.asarray(v)[mask] for k, v in chunk.items()})
        if not parts:
            raise KeyError(f"no track {track_id}")
        rows = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        timestamps = np.array([self._frame_timestamps[int(f)] for f in rows["frame"]])
        return TrackSeries(track_id, rows["frame"], timestamps, rows["box"], rows["kp2d"],
                           rows["kp2d_score"], rows["joints3d"], rows["root3d"])

    def __iter__(self) -> Iterator[FrameResult]:
        """Frames in index order."""
        for index in self.frame_indices:
            yield self.frame(int(index))

    # ---- persistence ---------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write everything to one ``.npz`` (temporary file, renamed when complete)."""
        rows = self._all_rows() or _empty_columns(self.num_joints2d)
        frames = self.frame_indices
        meta = {"version": FORMAT_VERSION, "fps": self.fps, "frame_size": list(self.frame_size),
                "layout2d": self.layout2d, "source": self.source_name}
        with atomic_path(path, suffix=".npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez_compressed(
                    fh, meta=np.array(json.dumps(meta)), frame_index=frames,
                    frame_timestamp=np.array([self._frame_timestamps[int(i)] for i in frames], np.float64),
                    **rows)

    @classmethod
    def load(cls, path: str | Path) -> "ResultsStore":
        """Read a store written by :meth:`save`."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"results file not found: {path}")
        try:
            data = np.load(path, allow_pickle=False)
            meta = json.loads(str(data["meta"]))
        except (ValueError, KeyError, OSError) as exc:
            raise StoreFormatError(f"{path} is not a PoseScope results file: {exc}") from exc
        if meta.get("version") != FORMAT_VERSION:
            raise StoreFormatError(f"{path}: unsupported results version {meta.get('version')}")
        store = cls(meta["fps"], tuple(meta["frame_size"]), meta.get("source", ""))
        rows = {k: data[k] for k in _empty_columns(0)}
        store.layout2d, store.num_joints2d = meta.get("layout2d"), rows["kp2d"].shape[1]
        order = np.argsort(rows["frame"], kind="stable")
        rows = {k: v[order] for k, v in rows.items()}
        starts = np.searchsorted(rows["frame"], data["frame_index"], side="left")
        stops = np.searchsorted(rows["frame"], data["frame_index"], side="right")
        for index, ts, a, b in zip(data["frame_index"], data["frame_timestamp"], starts, stops):
            part = {k: v[a:b] for k, v in rows.items()}
            store.add(store._result_from_rows(int(index), float(ts), part))
        return store


def _is_mapped(chunk: dict[str, np.ndarray]) -> bool:
    return isinstance(chunk["frame"], np.memmap)


def _empty_columns(num_joints2d: int) -> dict[str, np.ndarray]:
    return {"frame": np.zeros(0, np.int64), "track_id": np.zeros(0, np.int64),
            "box": np.zeros((0, 4), np.float32), "box_score": np.zeros(0, np.float32),
            "kp2d": np.zeros((0, num_joints2d, 2), np.float32),
            "kp2d_score": np.zeros((0, num_joints2d), np.float32),
            "joints3d": np.zeros((0, 17, 3), np.float32), "root3d": np.zeros((0, 3), np.float32),
            "has3d": np.zeros(0, bool)}
