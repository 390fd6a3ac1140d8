"""A small least-recently-used cache of decoded frames, so scrubbing back and forth is instant."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np


class FrameCache:
    """Maps frame index → RGB image, dropping the least recently used beyond ``capacity``."""

    def __init__(self, capacity: int = 48):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._images: OrderedDict[int, np.ndarray] = OrderedDict()

    def get(self, index: int) -> np.ndarray | None:
        image = self._images.get(index)
        if image is not None:
            self._images.move_to_end(index)
        return image

    def put(self, index: int, image: np.ndarray) -> None:
        self._images[index] = image
        self._images.move_to_end(index)
        while len(self._images) > self.capacity:
            self._images.popitem(last=False)

    def clear(self) -> None:
        self._images.clear()

    def __len__(self) -> int:
        return len(self._images)

    def __contains__(self, index: int) -> bool:
        return index in self._images
