"""GUI processing speed against the headless pipeline, in one run:
``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m tools.bench_gui VIDEO --frames N``.

Opens VIDEO in the real window, which processes it in its worker thread while showing every
result (video panel, 3D view, timeline), and runs the same pipeline headless (``Pipeline.run``, as
``main.py bench`` does) on the same frames. Both are timed from their first result to their last,
so model loading is left out; the runs alternate to spread the machine's load over both. Prints
fps per run and the GUI/headless ratio (issue 13 asks for >= 0.8).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from PyQt6.QtCore import QEventLoop, QSettings

from app.main_window import MainWindow
from app.qt_setup import create_application
from app.settings import AppSettings
from common.sources import open_source
from common.store import ResultsStore
from pipeline.factory import build_pipeline


def steady_fps(stamps: list[float]) -> float:
    """Frames per second between the first result and the last."""
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")


def headless_fps(spec: str, frames: int, settings: AppSettings) -> float:
    pipeline = build_pipeline(settings.pipeline_options())
    stamps: list[float] = []
    with open_source(spec) as source:
        pipeline.run(source, ResultsStore(source.fps), max_frames=frames,
                     on_result=lambda frame, result: stamps.append(time.perf_counter()))
    return steady_fps(stamps)


def gui_fps(window: MainWindow, application, spec: str, frames: int) -> float:
    stamps: list[float] = []
    window.open_input(spec, max_frames=frames)
    window.worker.frame_processed.connect(lambda frame, result: stamps.append(time.perf_counter()))
    loop = QEventLoop()  # waits in Qt's event loop as the app does (polling would take the GIL)
    window.worker.finished.connect(loop.quit)
    loop.exec()
    return steady_fps(stamps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=2, help="alternating headless/GUI pairs")
    args = parser.parse_args()
    application = create_application([])
    with tempfile.TemporaryDirectory() as folder:  # default settings, nothing persisted
        settings = AppSettings(QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings)
        window.resize(1400, 900)
        window.show()
        runs: list[tuple[float, float]] = []
        for repeat in range(args.repeats):
            cli = headless_fps(args.input, args.frames, settings)
            gui = gui_fps(window, application, args.input, args.frames)
            runs.append((cli, gui))
            print(f"run {repeat + 1}: headless {cli:.2f} fps, GUI {gui:.2f} fps, ratio {gui / cli:.2f}")
        window.close()
    cli, gui = (sum(values) / len(values) for values in zip(*runs))
    print(f"headless_fps={cli:.2f} gui_fps={gui:.2f} ratio={gui / cli:.2f}")


if __name__ == "__main__":
    main()
