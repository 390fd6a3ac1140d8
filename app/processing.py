"""Runs the pipeline in a worker thread and streams each frame's result to the GUI thread.

The GUI thread owns the ResultsStore and adds results as they arrive by signal, so the store is
never touched by two threads (it is not thread-safe) and the GUI thread never runs a model.
At most ``MAX_IN_FLIGHT`` frames wait for the GUI: when processing outruns drawing (no models,
a fast GPU) the worker waits instead of queueing decoded frames without bound.

With the temporal lifter a file (not a camera) gets the two-sided pass once it is processed
(pipeline.relift, as ``main.py process`` does): the worker keeps its own copy of the results for it
and hands the GUI a new store whose 3D comes from past and future frames.
"""
from __future__ import annotations

import threading

from PyQt6.QtCore import QThread, pyqtSignal

from common.sources import FrameSource, open_source
from common.store import ResultsStore
from common.types import FrameResult
from pipeline.factory import PipelineOptions, build_pipeline
from pipeline.pipeline import Cancelled
from pipeline.relift import can_relift, relift_store

MAX_IN_FLIGHT = 8


class _HandOffToGui:
    """Takes the place of the store inside ``Pipeline.run``: results travel by signal instead."""

    def add(self, result: FrameResult) -> None:
        """Nothing to keep here; ``on_result`` forwards the result to the GUI thread's store."""


class ProcessingWorker(QThread):
    """Builds the pipeline (loading models) and processes one input, off the GUI thread.

    Give it either ``spec`` (it opens its own source in the thread) or an already opened
    ``source`` that it then owns (cameras, which cannot be opened twice).
    """

    stages_ready = pyqtSignal(list)  # names of the configured stages
    frame_processed = pyqtSignal(object, object)  # Frame, FrameResult
    failed = pyqtSignal(object)  # the exception that stopped processing
    relifting = pyqtSignal()  # every frame is processed; the two-sided pass over the tracks begins
    relifted = pyqtSignal(object)  # ResultsStore: the same results, 3D from past and future frames

    def __init__(self, options: PipelineOptions, spec: str | None = None,
                 source: FrameSource | None = None, max_frames: int | None = None, parent=None):
        super().__init__(parent)
        if (spec is None) == (source is None):
            raise ValueError("give either an input spec or an opened source")
        self.options, self.spec, self.source, self.max_frames = options, spec, source, max_frames
        self.was_cancelled = False
        self.relift_done = False  # the GUI got the two-sided store
        self.frames_done = 0  # frames handed to the GUI
        self.median_ms: dict[str, float] = {}
        self._cancel_requested = False
        self._in_flight = threading.Semaphore(MAX_IN_FLIGHT)

    def cancel(self) -> None:
        """Ask the worker to stop after the current frame (results so far are kept)."""
        self._cancel_requested = True

    def run(self) -> None:
        pipeline = None
        try:
            source = self.source if self.source is not None else open_source(self.spec)
            with source:  # closed even if a model fails to load
                pipeline = build_pipeline(self.options)
                self.stages_ready.emit(pipeline.stages)
                relift = self.spec is not None and can_relift(pipeline)  # a file, a lifter that looks ahead
                store = ResultsStore(source.fps, source_name=source.name) if relift else _HandOffToGui()
                pipeline.run(source, store, on_result=self._forward,
                             cancelled=lambda: self._cancel_requested, max_frames=self.max_frames)
            if relift and not self.was_cancelled:
                self.relifting.emit()
                self.relifted.emit(relift_store(store, pipeline, cancelled=lambda: self._cancel_requested))
                self.relift_done = True
        except Cancelled:
            self.was_cancelled = True
        except Exception as exc:  # shown to the user as a dialog by the window
            self.failed.emit(exc)
        finally:
            if pipeline is not None:
                self.median_ms = pipeline.timers.median_ms()

    def frame_consumed(self) -> None:
        """The GUI has handled one ``frame_processed``; the worker may send another."""
        self._in_flight.release()

    def _forward(self, frame, result) -> None:
        while not self._in_flight.acquire(timeout=0.05):
            if self._cancel_requested:
                self.was_cancelled = True
                return  # the GUI may be waiting for this thread; do not wait for it
        self.frames_done += 1
        self.frame_processed.emit(frame, result)
