"""One terminal bar for a batch: videos finished, with frames and fps reported by the workers."""
from __future__ import annotations

import time

from tqdm import tqdm


class FrameCounter:
    """A Ray actor: workers report each video's frames done; the driver reads the sum."""

    def __init__(self) -> None:
        self._frames: dict[str, int] = {}

    def report(self, video: str, done: int) -> None:
        self._frames[video] = done

    def total(self) -> int:
        return sum(self._frames.values())


class BatchBar:
    """A tqdm bar over videos whose postfix shows the frames done so far and their rate."""

    def __init__(self, videos: int, counter) -> None:
        self.counter = counter
        self.bar = tqdm(total=videos, unit="video", desc="batch", dynamic_ncols=True)
        self.start = time.perf_counter()
        self.failed = 0

    def refresh(self) -> None:
        import ray

        frames = ray.get(self.counter.total.remote())
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        self.bar.set_postfix(frames=frames, fps=f"{frames / elapsed:.1f}", failed=self.failed)

    def video_finished(self, ok: bool) -> None:
        self.failed += not ok
        self.bar.update(1)
        self.refresh()

    def close(self) -> None:
        self.bar.close()
