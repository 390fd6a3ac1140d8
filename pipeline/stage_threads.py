"""A pipeline stage in its own thread behind a bounded queue, so its work overlaps the models'.

The models must run frame after frame (following people needs the previous frame's joints), but
what comes after them — drawing, H.264 and GIF encoding, writing — does not. A :class:`StageThread`
takes those items in order and handles them while the next frames are computed; the bounded queue
keeps memory flat when the stage is slower than the models (the feeder then waits).
OpenCV, Pillow's quantiser, the x264 subprocess, torch and ONNX Runtime release the GIL, so the two
threads really use both cores.

Failure and cancel travel both ways: an error in the stage reaches the feeding thread at its next
``submit`` (or at ``close``), and a feeder that fails or is cancelled aborts the stage, which drops
what it has not handled yet. Either way the thread is joined before the ``with`` block ends:
no hang, no thread left behind.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

_END = object()
_POLL_S = 0.05  # how often a blocked hand-over looks whether the other side has stopped


class StageThread:
    """Runs ``handle(item)`` for every submitted item, in submission order, in one thread."""

    def __init__(self, handle: Callable[[Any], None], name: str, depth: int = 4):
        if depth < 1:
            raise ValueError("a stage queue needs room for at least one item")
        self._handle = handle
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def submit(self, item: Any) -> None:
        """Hand ``item`` to the stage; waits while its queue is full. Re-raises the stage's error."""
        self._put(item)

    def close(self) -> None:
        """Let the stage finish every submitted item, then join it; re-raises its error."""
        try:
            self._put(_END)
        finally:
            self._thread.join()
        self._raise_if_failed()

    def abort(self) -> None:
        """Stop the stage without handling what is still queued, and join it."""
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> "StageThread":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def _put(self, item: Any) -> None:
        while True:
            self._raise_if_failed()
            if self._stop.is_set():
                raise RuntimeError(f"stage {self._thread.name} was aborted")
            try:
                self._queue.put(item, timeout=_POLL_S)
                return
            except queue.Full:
                continue

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                continue
            if item is _END:
                return
            try:
                self._handle(item)
            except BaseException as exc:  # handed to the feeding thread
                self._error = exc
                self._stop.set()
                return
