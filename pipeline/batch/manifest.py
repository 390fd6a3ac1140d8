"""What a batch did, kept in the output folder so that a rerun skips finished work.

``OUT/posescope-batch.json`` (rewritten atomically) holds, per input: its output name, size and
modification time, the hash of the options it was processed with, its status and outputs. A video
is skipped when it is unchanged, was done with the same options and at least the exports asked
for now, and its outputs are all still there; an input that could not be read is skipped while it is unchanged (it would fail again).
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from common.atomic import atomic_path
from pipeline.factory import PipelineOptions

MANIFEST_NAME = "posescope-batch.json"
VERSION = 1

DONE, FAILED, BAD_INPUT = "done", "failed", "bad_input"


def options_hash(options: PipelineOptions, max_frames: int | None) -> str:
    """Identifies what the results depend on: every pipeline option but ``threads``, and the frame limit."""
    chosen = {k: v for k, v in asdict(options).items() if k != "threads"}
    chosen["max_frames"] = max_frames
    return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Fingerprint:
    """A cheap test that an input is the same file as last time."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> "Fingerprint":
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns)


@dataclass
class VideoRecord:
    name: str
    size: int
    mtime_ns: int
    status: str  # DONE, FAILED or BAD_INPUT
    options_hash: str
    exports: list[str] = field(default_factory=list)  # the kinds asked for ("json", "bvh", ...)
    outputs: list[str] = field(default_factory=list)  # files written, relative to the output folder
    reason: str = ""  # why it failed, or what an export left out
    frames: int = 0
    seconds: float = 0.0
    worker: str = ""
    node: str = ""  # Ray node id


class Manifest:
    """The records of one output folder, keyed by the input's absolute path."""

    def __init__(self, out_dir: Path, videos: dict[str, VideoRecord] | None = None):
        self.out_dir = out_dir
        self.videos = videos or {}
        self._saved_at = 0.0

    @property
    def path(self) -> Path:
        return self.out_dir / MANIFEST_NAME

    @classmethod
    def load(cls, out_dir: Path) -> "Manifest":
        path = out_dir / MANIFEST_NAME
        if not path.exists():
            return cls(out_dir)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version')!r}, expected {VERSION}")
            videos = {key: VideoRecord(**record) for key, record in data["videos"].items()}
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a PoseScope batch manifest ({exc}); "
                             "move it away or choose another --out") from exc
        return cls(out_dir, videos)

    def names(self) -> dict[str, str]:
        return {key: record.name for key, record in self.videos.items()}

    def finished(self, video: Path, digest: str, exports: list[str]) -> VideoRecord | None:
        """The record that spares ``video`` any work now, or None when it must be processed."""
        record = self.videos.get(str(video))
        if record is None or Fingerprint(record.size, record.mtime_ns) != Fingerprint.of(video):
            return None
        if record.status == BAD_INPUT:
            return record
        if (record.status == DONE and record.options_hash == digest and set(exports) <= set(record.exports)
                and all((self.out_dir / p).exists() for p in record.outputs)):
            return record
        return None

    def record(self, video: Path, record: VideoRecord) -> None:
        self.videos[str(video)] = record

    def save(self, at_most_every_s: float = 0.0) -> None:
        """Rewrite the file atomically; ``at_most_every_s`` spares big batches a rewrite per video."""
        now = time.monotonic()
        if at_most_every_s and now - self._saved_at < at_most_every_s:
            return
        data = {"version": VERSION, "videos": {k: asdict(v) for k, v in sorted(self.videos.items())}}
        with atomic_path(self.path, suffix=".json") as tmp:
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        self._saved_at = now
