"""One video in, every requested export out: the job that `process` runs once and `batch` many times.

Both front ends call :func:`process_video` with a built :class:`Pipeline`, so a video processed by
``main.py process`` and by a batch worker goes through exactly the same code and gives the same
results. Every export is written atomically: a failure or a cancel leaves no file behind.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from common.atomic import check_writable
from common.exporters import VideoOptions, VideoWriters, annotate, write_csv, write_jsonl
from common.sources import open_source
from common.store import ResultsStore
from pipeline.pipeline import Pipeline


@dataclass
class ExportTargets:
    """Where each export of one video goes; ``None`` skips that export."""

    mp4: Path | None = None
    gif: Path | None = None
    json: Path | None = None
    csv: Path | None = None
    store: Path | None = None

    def requested(self) -> list[Path]:
        return [Path(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)]

    def check_writable(self) -> None:
        """Fail before hours of processing, not after."""
        for path in self.requested():
            check_writable(path)


@dataclass
class JobSummary:
    """What one job did: for the CLI's last lines and the batch summary table."""

    frames: int
    seconds: float  # wall time of the frame loop (models loaded before)
    stages: list[str]
    median_ms: dict[str, float]
    written: list[Path] = field(default_factory=list)
    disconnected: bool = False  # a camera or stream stopped delivering frames early
    source_name: str = ""

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[int, "int | None", int], None]  # frames done, total (None: unknown), people


def process_video(spec: str, targets: ExportTargets, pipeline: Pipeline,
                  video_options: VideoOptions | None = None, max_frames: int | None = None,
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> JobSummary:
    """Run ``pipeline`` over the video ``spec`` and write every export in ``targets``."""
    video_options = video_options or VideoOptions()
    targets.check_writable()
    with open_source(spec) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        total = source.frame_count if max_frames is None else min(max_frames, source.frame_count or max_frames)
        start = time.perf_counter()
        if targets.mp4 or targets.gif:
            fps = video_options.output_fps(source.fps)
            with VideoWriters(targets.mp4, targets.gif, fps, video_options) as writers:

                def on_result(frame, result) -> None:
                    if frame.index % video_options.frame_step == 0:
                        writers.write(annotate(frame.image, result, video_options.include_3d))
                    if progress is not None:
                        progress(frame.index + 1, total, len(result))

                done = pipeline.run(source, store, on_result=on_result, cancelled=cancelled,
                                    max_frames=max_frames)
        else:
            done = pipeline.run(source, store, cancelled=cancelled, max_frames=max_frames,
                                on_result=None if progress is None else
                                lambda frame, result: progress(frame.index + 1, total, len(result)))
        seconds = time.perf_counter() - start
        disconnected, name = source.disconnected, source.name
    if targets.json:
        write_jsonl(store, targets.json)
    if targets.csv:
        write_csv(store, targets.csv)
    if targets.store:
        store.save(targets.store)
    return JobSummary(done, seconds, pipeline.stages, pipeline.timers.median_ms(), targets.requested(),
                      disconnected, name)
