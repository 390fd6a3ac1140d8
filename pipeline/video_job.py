"""One video in, every requested export out: the job that `process` runs once and `batch` many times.

Both front ends call :func:`process_video` with a built :class:`Pipeline`, so a video processed by
``main.py process`` and by a batch worker goes through exactly the same code and gives the same
results. Every export is written atomically: a failure or a cancel leaves no file behind.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from pathlib import Path

from common.atomic import check_writable
from common.bvh import BvhOptions, NothingToExport, check_bvh_folder, export_bvh
from common.exporters import VideoOptions, VideoWriters, annotate, write_csv, write_jsonl
from common.sources import open_source
from common.store import ResultsStore
from pipeline.pipeline import Pipeline
from pipeline.relift import lifter_description, relift_store
from pipeline.stage_threads import StageThread


@dataclass
class ExportTargets:
    """Where each export of one video goes; ``None`` skips that export."""

    mp4: Path | None = None
    gif: Path | None = None
    json: Path | None = None
    csv: Path | None = None
    store: Path | None = None
    bvh: Path | None = None  # a folder: one person_<id>.bvh per tracked person

    def requested(self) -> list[Path]:
        return [Path(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)]

    def check_writable(self) -> None:
        """Fail before hours of processing, not after."""
        for f in fields(self):
            path = getattr(self, f.name)
            if path:
                check_bvh_folder(path) if f.name == "bvh" else check_writable(path)


@dataclass
class JobSummary:
    """What one job did: for the CLI's last lines and the batch summary table."""

    frames: int
    seconds: float  # wall time of the frame loop, video encoding included (models loaded before)
    stages: list[str]
    median_ms: dict[str, float]
    written: list[Path] = field(default_factory=list)
    disconnected: bool = False  # a camera or stream stopped delivering frames early
    source_name: str = ""
    notes: list[str] = field(default_factory=list)  # for the user: BVH start frames, people left out
    first_frame_s: float = 0.0  # start of the loop to the first result: decoder open, first-call kernels

    @property
    def steady_fps(self) -> float:
        """Frames per second after the first frame: the speed a long video runs at."""
        rest = self.seconds - self.first_frame_s
        return (self.frames - 1) / rest if self.frames > 1 and rest > 0 else self.fps

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[int, "int | None", int], None]  # frames done, total (None: unknown), people


def process_video(spec: str, targets: ExportTargets, pipeline: Pipeline,
                  video_options: VideoOptions | None = None, max_frames: int | None = None,
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
                  adapt_steps: int = 0) -> JobSummary:
    """Run ``pipeline`` over the video ``spec`` and write every export in ``targets`` (``adapt_steps``:
    test-time adaptation of the temporal lifter's two-sided re-lift, pipeline.relift)."""
    video_options = video_options or VideoOptions()
    targets.check_writable()
    with open_source(spec) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        total = source.frame_count if max_frames is None else min(max_frames, source.frame_count or max_frames)
        first_result_at: list[float] = []
        start = time.perf_counter()
        with ExitStack() as exports:  # on any failure or cancel, every video export is dropped
            drawing = None
            if targets.mp4 or targets.gif:
                writers = exports.enter_context(VideoWriters(
                    targets.mp4, targets.gif, video_options.output_fps(source.fps), video_options))
                drawing = exports.enter_context(StageThread(  # draws and encodes while the models go on
                    lambda item: writers.write(annotate(item[0].image, item[1], video_options.include_3d)),
                    name="video-export"))

            def on_result(frame, result) -> None:
                if not first_result_at:
                    first_result_at.append(time.perf_counter())
                if drawing is not None and frame.index % video_options.frame_step == 0:
                    drawing.submit((frame, result))
                if progress is not None:
                    progress(frame.index + 1, total, len(result))

            done = pipeline.run(source, store, on_result=on_result, cancelled=cancelled, max_frames=max_frames)
        seconds = time.perf_counter() - start
        disconnected, name = source.disconnected, source.name
    store = relift_store(store, pipeline, cancelled, adapt_steps=adapt_steps)  # temporal lifter: two-sided
    if targets.json:
        write_jsonl(store, targets.json)
    if targets.csv:
        write_csv(store, targets.csv)
    if targets.store:
        store.save(targets.store)
    written, notes = targets.requested(), []
    if targets.bvh:
        written.remove(Path(targets.bvh))  # the folder; its files are listed instead
        try:
            bvh = export_bvh(store, targets.bvh, options=BvhOptions(frame_step=video_options.frame_step))
            written, notes = written + [w.path for w in bvh.written], bvh.report()
        except NothingToExport as exc:
            notes = [str(exc)]
    if pipeline.lifter is not None:
        notes = [f"3D lifter: {lifter_description(pipeline.lifter)}"] + notes
    return JobSummary(done, seconds, pipeline.stages, pipeline.timers.median_ms(), written,
                      disconnected, name, notes,
                      first_frame_s=first_result_at[0] - start if first_result_at else 0.0)
