"""A least-recently-used cache of decoded frames within a memory budget, so scrubbing is instant.

Seeking in a compressed video decodes from the previous keyframe (tens of milliseconds a frame),
so frames that streamed past during processing are kept, up to the budget.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

DEFAULT_BUDGET_BYTES = 512 * 1024 * 1024  # e.g. 680 frames of 576p or 85 of 1080p


class FrameCache:
    """Maps frame index → RGB image, dropping the least recently used beyond ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_BUDGET_BYTES):
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        self.max_bytes = max_bytes
        self.bytes = 0
        self._images: OrderedDict[int, np.ndarray] = OrderedDict()

    def get(self, index: int) -> np.ndarray | None:
        image = self._images.get(index)
        if image is not None:
            self._images.move_to_end(index)
        return image

    def put(self, index: int, image: np.ndarray) -> None:
        old = self._images.pop(index, None)
        if old is not None:
            self.bytes -= old.nbytes
        self._images[index] = image
        self.bytes += image.nbytes
        while self.bytes > self.max_bytes and len(self._images) > 1:  # the newest always stays
            _, dropped = self._images.popitem(last=False)
            self.bytes -= dropped.nbytes

    def clear(self) -> None:
        self._images.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._images)

    def __contains__(self, index: int) -> bool:
        return index in self._images
