"""The batch worker: a Ray actor that loads the models once and runs many videos, one per task.

Each video goes through :func:`pipeline.video_job.process_video`, the job ``process`` runs, so the
results are the same. Failures come back as results (with the reason), never as exceptions, so one
bad video cannot stop the batch; a cancel (``ray.cancel`` on the task) stops the video cleanly.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from common.sources import SourceError
from pipeline.batch.layout import remove_leftovers
from pipeline.batch.manifest import BAD_INPUT, DONE, FAILED
from pipeline.factory import PipelineOptions
from pipeline.pipeline import Cancelled
from pipeline.video_job import ExportTargets

CANCELLED = "cancelled"


@dataclass
class VideoJob:
    video: Path
    name: str
    targets: ExportTargets
    max_frames: int | None = None


@dataclass
class VideoResult:
    video: Path
    name: str
    status: str  # DONE, FAILED, BAD_INPUT or CANCELLED
    worker: str
    node: str
    frames: int = 0
    seconds: float = 0.0  # the whole task: opening, frames, exports
    reason: str = ""  # why it failed, or what an export left out (e.g. BVH without 3D joints)
    outputs: list[Path] = field(default_factory=list)


class VideoWorker:
    """Runs on a Ray worker process; ``threads`` bounds its CPU threads (torch, OpenCV)."""

    def __init__(self, options: PipelineOptions, threads: int, progress=None):
        import cv2
        import ray
        import torch

        from pipeline.factory import build_pipeline

        torch.set_num_threads(threads)
        cv2.setNumThreads(threads)
        start = time.perf_counter()
        self.pipeline = build_pipeline(replace(options, threads=threads))
        self.load_seconds = time.perf_counter() - start
        self.progress = progress  # a FrameCounter actor, or None
        context = ray.get_runtime_context()
        self.node = context.get_node_id()
        self.name = f"{os.uname().nodename}:{os.getpid()}"
        self._is_cancelled = context.is_canceled

    def info(self) -> dict[str, object]:
        return {"worker": self.name, "node": self.node, "load_seconds": self.load_seconds}

    def process(self, job: VideoJob) -> VideoResult:
        from pipeline.video_job import process_video

        result = VideoResult(job.video, job.name, DONE, self.name, self.node)
        folder = job.targets.requested()[0].parent
        start = time.perf_counter()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            remove_leftovers(job.targets)
            summary = process_video(str(job.video), job.targets, self.pipeline, max_frames=job.max_frames,
                                    progress=self._report(job), cancelled=self._is_cancelled)
            result.frames, result.outputs, result.reason = summary.frames, summary.written, "; ".join(summary.notes)
        except Cancelled as exc:
            result.status, result.reason = CANCELLED, str(exc)
        except SourceError as exc:
            result.status, result.reason = BAD_INPUT, str(exc)
        except Exception as exc:  # noqa: BLE001 - any other failure is this video's, not the batch's
            result.status, result.reason = FAILED, f"{type(exc).__name__}: {exc}"
        if result.status != DONE and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # no empty folder for a video without results
        result.seconds = time.perf_counter() - start
        return result

    def _report(self, job: VideoJob):
        if self.progress is None:
            return None
        key = str(job.video)
        return lambda done, total, people: self.progress.report.remote(key, done)
