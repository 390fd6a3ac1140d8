"""Per-stage wall-clock timers, for the benchmark and the GUI's status line."""
from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
from collections.abc import Iterator

import numpy as np


class StageTimers:
    """Collects milliseconds per named stage; medians are what the benchmark reports."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)

    @contextmanager
    def time(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.samples[stage].append((time.perf_counter() - start) * 1000.0)

    def median_ms(self) -> dict[str, float]:
        return {stage: float(np.median(v)) for stage, v in self.samples.items() if v}
