"""How fast scrubbing redraws: ``xvfb-run -a python -m app.bench_scrub [INPUT] [--results R.npz]``.

Processes INPUT (default: the demo clip) in the window, or opens saved results, then times
``show_frame`` plus the repaint of the video panel and the 3D view, for random jumps (frames
decoded by seeking) and for stepping through frames already in the cache. Prints milliseconds.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from PyQt6.QtCore import QSettings

from app.main_window import MainWindow
from app.qt_setup import create_application
from app.settings import AppSettings
from common.paths import REPO_ROOT


def _time_redraws(window: MainWindow, application, indices, uncached: bool = False) -> np.ndarray:
    times = []
    for index in indices:
        if uncached:
            window.opened.cache.clear()
        start = time.perf_counter()
        window.show_frame(int(index))
        window.video.repaint()
        window.scene.repaint()
        application.processEvents()
        times.append((time.perf_counter() - start) * 1000.0)
    return np.array(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", default=str(REPO_ROOT / "assets" / "demo.mp4"))
    parser.add_argument("--results", help="open these saved results instead of processing")
    parser.add_argument("--jumps", type=int, default=200)
    args = parser.parse_args()
    application = create_application([])
    settings = AppSettings(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                     "PoseScope", "bench"))
    window = MainWindow(settings)
    window.show()
    if args.results:
        window.open_results(args.results)
    else:
        window.open_input(args.input)
        while window.worker is not None:
            application.processEvents()
    frames = window.timeline.last_frame + 1
    people = sum(len(r) for r in window.store)
    rng = np.random.default_rng(0)
    jumps = _time_redraws(window, application, rng.integers(0, frames, args.jumps), uncached=True)
    cached = list(range(min(frames, 40)))
    _time_redraws(window, application, cached)  # fill the cache
    steps = _time_redraws(window, application, cached * 3)
    print(f"{frames} frames, {people} person-rows, frame size {window.store.frame_size}, "
          f"stages: {window.stages_label.text() or 'n/a'}")
    for name, values in (("uncached jump (seek + decode)", jumps), ("cached step", steps)):
        print(f"{name:28s} median {np.median(values):6.1f} ms   p95 {np.percentile(values, 95):6.1f} ms")
    window.close()


if __name__ == "__main__":
    main()
