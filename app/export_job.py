"""What the user asked to export, and the worker thread that writes it.

Video exports re-decode the input and redraw every processed frame with the stored results
(the same renderer as the video panel); data exports write the store as JSON lines / CSV, and
animations as one BVH per person (common.bvh).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PyQt6.QtCore import QThread, pyqtSignal

from common.atomic import check_writable
from common.bvh import BvhExport, BvhExportCancelled, BvhOptions, check_bvh_folder, export_bvh
from common.exporters import ExportCancelled, VideoOptions, export_annotated, write_csv, write_jsonl
from common.sources import open_source
from common.store import ResultsStore
from common.types import Frame


@dataclass
class ExportRequest:
    """Targets (None: not wanted) and how the video is drawn."""

    mp4: Path | None = None
    gif: Path | None = None
    jsonl: Path | None = None
    csv: Path | None = None
    video: VideoOptions = field(default_factory=VideoOptions)
    bvh: Path | None = None  # a folder for person_<id>.bvh files
    bvh_person: int | None = None  # only this track id; None: everybody

    @property
    def targets(self) -> list[Path]:
        return [p for p in (self.mp4, self.gif, self.jsonl, self.csv, self.bvh) if p is not None]

    @property
    def wants_video(self) -> bool:
        return self.mp4 is not None or self.gif is not None

    def check(self) -> None:
        """Raise ExportPathError/ValueError before any work starts."""
        if not self.targets:
            raise ValueError("choose at least one thing to export")
        for path in (self.mp4, self.gif, self.jsonl, self.csv):
            if path is not None:
                check_writable(path)
        if self.bvh is not None:
            check_bvh_folder(self.bvh)


def processed_frames(spec: str, store: ResultsStore) -> Iterator[Frame]:
    """The input's frames up to the last processed one (a partly processed video exports its part)."""
    last = int(store.frame_indices[-1]) if len(store) else -1
    with open_source(spec) as source:
        for frame in source:
            if frame.index > last:
                break
            yield frame


class ExportWorker(QThread):
    """Writes an :class:`ExportRequest` off the GUI thread; the store must not change meanwhile."""

    progress = pyqtSignal(int, int)  # frames done, frames in all
    failed = pyqtSignal(object)

    def __init__(self, request: ExportRequest, store: ResultsStore, spec: str, parent=None):
        super().__init__(parent)
        self.request, self.store, self.spec = request, store, spec
        self.was_cancelled = False
        self.error: Exception | None = None
        self.frames_written = 0
        self.bvh: BvhExport | None = None
        self._cancel_requested = False

    def cancel(self) -> None:
        self._cancel_requested = True

    def run(self) -> None:
        request, store = self.request, self.store
        try:
            if request.wants_video:
                total = int(store.frame_indices[-1]) + 1 if len(store) else 0
                self.frames_written = export_annotated(
                    processed_frames(self.spec, store), store, mp4=request.mp4, gif=request.gif,
                    options=request.video, source_fps=store.fps, total=total,
                    progress=lambda done, all_: self.progress.emit(done, all_ or 0),
                    cancelled=lambda: self._cancel_requested)
            if request.jsonl is not None:
                write_jsonl(store, request.jsonl)
            if request.csv is not None:
                write_csv(store, request.csv)
            if request.bvh is not None:
                people = None if request.bvh_person is None else [request.bvh_person]
                self.bvh = export_bvh(store, request.bvh, people, BvhOptions(frame_step=request.video.frame_step),
                                      progress=self.progress.emit, cancelled=lambda: self._cancel_requested)
        except (ExportCancelled, BvhExportCancelled):
            self.was_cancelled = True
        except Exception as exc:  # shown to the user as a dialog by the window
            self.error = exc
            self.failed.emit(exc)
