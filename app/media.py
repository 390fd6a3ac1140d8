"""What the window is showing: the input's name, a seekable source for scrubbing and a frame cache.

Processing reads its own copy of the input in the worker thread; this one serves the GUI thread
only (OpenCV captures are not shared between threads). A camera cannot be opened twice, so its
frames are only what the cache kept while they streamed past.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from app.frame_cache import DEFAULT_BUDGET_BYTES, FrameCache
from common.sources import FrameSource, SourceError
from common.types import Frame


class OpenedInput:
    """An input opened for display; ``source`` is None when frames cannot be re-read."""

    def __init__(self, spec: str, source: FrameSource | None, fps: float = 0.0,
                 frame_count: int | None = None, cache_bytes: int = DEFAULT_BUDGET_BYTES):
        self.spec = spec
        self.source = source
        self.fps = source.fps if source is not None else fps
        self.frame_count = source.frame_count if source is not None else frame_count
        self.cache = FrameCache(cache_bytes)
        self.last_error: str | None = None

    @property
    def name(self) -> str:
        return Path(self.spec).name if not self.spec.isdigit() else f"camera {self.spec}"

    @property
    def can_seek(self) -> bool:
        """Whether any processed frame can be shown again (video files and image folders)."""
        return self.source is not None

    def remember(self, frame: Frame) -> None:
        """Keep a frame that streamed past (saves a decode when the user looks at it right away)."""
        self.cache.put(frame.index, frame.image)

    def image(self, index: int) -> np.ndarray | None:
        """The RGB frame ``index``, or None when it cannot be had (``last_error`` says why)."""
        image = self.cache.get(index)
        if image is not None or self.source is None:
            return image
        try:
            image = self.source.read_frame(index).image
        except (SourceError, IndexError) as exc:
            self.last_error = str(exc)
            return None
        self.cache.put(index, image)
        return image

    def close(self) -> None:
        if self.source is not None:
            self.source.close()
        self.cache.clear()
