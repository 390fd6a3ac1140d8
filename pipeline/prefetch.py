"""Decode frames in a background thread so decoding overlaps inference."""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator

from common.types import Frame

_END = object()


def prefetch(frames: Iterable[Frame], depth: int = 4, max_frames: int | None = None) -> Iterator[Frame]:
    """Yield from ``frames`` while a thread decodes up to ``depth`` frames ahead.

    Errors raised by the decoder (a truncated file, a lost camera) are re-raised here, in the
    consumer's thread, after the frames decoded before them. Closing the generator stops the
    thread.
    """
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def decode() -> None:
        try:
            for count, frame in enumerate(frames):
                if (max_frames is not None and count >= max_frames) or not put(frame):
                    break
        except BaseException as exc:  # handed to the consumer
            put(exc)
            return
        put(_END)

    thread = threading.Thread(target=decode, name="frame-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
