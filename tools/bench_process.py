"""`process` (MP4 + GIF + JSON) against `bench` (no exports) on the same frames, in one run:
``.venv/bin/python -m tools.bench_process VIDEO --frames N``.

Loads the pipeline once, then alternates three runs over the first N frames:
``bench`` (``Pipeline.run``, no exports, as ``main.py bench``), ``process`` (``process_video``
writing MP4, GIF and JSON, drawing and encoding in its export thread) and ``inline`` (the same
exports drawn and encoded in the model thread with a median-cut palette per GIF frame: how
``process`` ran before issue 13). Each is timed from its first result to its end (exports
finished), so model loading is left out. Then times each export step per frame on the stored
results. Issue 13 asks for process >= 0.8x bench.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from common.exporters import (GifWriter, Mp4Writer, VideoOptions, VideoWriters, annotate, resize_for_output,
                              write_jsonl)
from common.sources import open_source
from common.store import ResultsStore
from pipeline.factory import add_pipeline_arguments, build_pipeline, options_from_args
from pipeline.pipeline import Pipeline
from pipeline.video_job import ExportTargets, process_video


def _fps(frames: int, first: float, end: float) -> float:
    return (frames - 1) / (end - first) if frames > 1 and end > first else float("nan")


def run_bench(spec: str, pipeline: Pipeline, frames: int) -> tuple[float, ResultsStore]:
    stamps: list[float] = []
    with open_source(spec) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        pipeline.run(source, store, max_frames=frames, on_result=lambda f, r: stamps.append(time.perf_counter()))
    return _fps(len(stamps), stamps[0], stamps[-1]), store


def run_process(spec: str, pipeline: Pipeline, frames: int, folder: Path) -> float:
    stamps: list[float] = []
    targets = ExportTargets(mp4=folder / "p.mp4", gif=folder / "p.gif", json=folder / "p.jsonl")
    process_video(spec, targets, pipeline, max_frames=frames,
                  progress=lambda done, total, people: stamps.append(time.perf_counter()))
    return _fps(len(stamps), stamps[0], time.perf_counter())


def quantize_each_frame(self: GifWriter, image: np.ndarray) -> None:
    """GifWriter.write as it was before one palette was shared by many frames."""
    width = self.options.width or min(image.shape[1], self.options.gif_max_width)
    self._frames.append(Image.fromarray(resize_for_output(image, width, even=False)).quantize(self.options.gif_colors))


def run_inline(spec: str, pipeline: Pipeline, frames: int, folder: Path) -> float:
    stamps: list[float] = []
    options = VideoOptions()
    with open_source(spec) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        with VideoWriters(folder / "i.mp4", folder / "i.gif", options.output_fps(source.fps), options) as writers:
            writers.writers[1].write = quantize_each_frame.__get__(writers.writers[1])

            def on_result(frame, result) -> None:
                stamps.append(time.perf_counter())
                writers.write(annotate(frame.image, result, include_3d=False))

            pipeline.run(source, store, on_result=on_result, max_frames=frames)
    write_jsonl(store, folder / "i.jsonl")
    return _fps(len(stamps), stamps[0], time.perf_counter())


def export_steps_ms(spec: str, store: ResultsStore, folder: Path,
                    frames: int = 40) -> tuple[dict[str, float], dict[str, float]]:
    """Median ms per frame of each export step, on the frames and results of a bench run, and the
    mean absolute colour error (0-255) of each GIF palette scheme."""
    options = VideoOptions()
    gif_error: dict[str, list[float]] = {"shared palette": [], "palette per frame": []}
    times: dict[str, list[float]] = {"annotate": [], "mp4 write": [], "gif write (shared palette)": [],
                                     "gif write (palette per frame)": []}
    with open_source(spec) as source:
        mp4, gif = Mp4Writer(folder / "s.mp4", 25, options), GifWriter(folder / "s.gif", 25, options)
        old_gif = GifWriter(folder / "o.gif", 25, options)
        for frame in source:
            if frame.index >= frames:
                break
            start = time.perf_counter()
            picture = annotate(frame.image, store.frame(frame.index), include_3d=False)
            times["annotate"].append((time.perf_counter() - start) * 1000)
            for name, write in (("mp4 write", mp4.write), ("gif write (shared palette)", gif.write),
                                ("gif write (palette per frame)", lambda p: quantize_each_frame(old_gif, p))):
                start = time.perf_counter()
                write(picture)
                times[name].append((time.perf_counter() - start) * 1000)
            small = resize_for_output(picture, min(picture.shape[1], options.gif_max_width), even=False)
            for name, writer in (("shared palette", gif), ("palette per frame", old_gif)):
                shown = np.asarray(writer._frames[-1].convert("RGB"), dtype=float)
                gif_error[name].append(float(np.abs(shown - small).mean()))
        mp4.abort()
    return ({name: float(np.median(values)) for name, values in times.items()},
            {name: float(np.mean(values)) for name, values in gif_error.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-inline", action="store_true", help="skip the before-issue-13 reference run")
    add_pipeline_arguments(parser)
    args = parser.parse_args()
    start = time.perf_counter()
    pipeline = build_pipeline(options_from_args(args))
    print(f"start-up: models loaded in {time.perf_counter() - start:.1f} s")
    results: dict[str, list[float]] = {"bench": [], "process": [], "inline": []}
    store = None
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats):
            fps, store = run_bench(args.input, pipeline, args.frames)
            results["bench"].append(fps)
            results["process"].append(run_process(args.input, pipeline, args.frames, Path(folder)))
            if not args.no_inline:
                results["inline"].append(run_inline(args.input, pipeline, args.frames, Path(folder)))
            print(f"run {repeat + 1}: " + ", ".join(f"{k} {v[-1]:.2f} fps" for k, v in results.items() if v))
        gif_kib = {label: (Path(folder) / name).stat().st_size / 1024
                   for name, label in (("p.gif", "shared palette"), ("i.gif", "palette per frame"))
                   if (Path(folder) / name).exists()}
        steps, gif_error = export_steps_ms(args.input, store, Path(folder))
    mean = {k: float(np.mean(v)) for k, v in results.items() if v}
    for name, ms in steps.items():
        print(f"  {name:<30} median {ms:7.2f} ms/frame")
    print("GIF colour error (mean abs, 0-255): " + ", ".join(f"{k} {v:.2f}" for k, v in gif_error.items()))
    print("GIF size: " + ", ".join(f"{k} {v:.0f} KiB" for k, v in gif_kib.items()))
    line = f"bench_fps={mean['bench']:.2f} process_fps={mean['process']:.2f} ratio={mean['process'] / mean['bench']:.2f}"
    if "inline" in mean:
        line += f" inline_fps={mean['inline']:.2f} inline_ratio={mean['inline'] / mean['bench']:.2f}"
    print(line)


if __name__ == "__main__":
    main()
