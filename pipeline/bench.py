"""`python main.py bench INPUT`: per-stage latency, end-to-end fps, people per frame, peak memory.

The last line is machine-readable: ``fps=<float> people_per_frame=<float> peak_rss_mb=<float>
distinct_ids=<int> frames_with_person=<share>`` (ids given over the run; share of frames where at
least one person is reported).
Decoding runs in its prefetch thread as in real use, so fps is what a user gets.
"""
from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from tqdm import tqdm

from common.sources import open_source
from common.store import ResultsStore
from pipeline.factory import PipelineOptions, add_pipeline_arguments, build_pipeline, options_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="video file, image folder or camera index")
    parser.add_argument("--frames", type=int, default=200, help="frames to measure (after warm-up)")
    parser.add_argument("--warmup", type=int, default=5, help="frames run before timing starts")
    add_pipeline_arguments(parser)


def cpu_seconds() -> float:
    """CPU time of this process so far, all threads (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def marginal_ms_per_person(per_frame: list[tuple[int, int, int, float]]) -> float:
    """Slope of frame time over people, fitted with separate offsets for whole-frame and regional
    detector keyframes. ``per_frame``: (people, detector calls so far, regional keyframes so far, ms)."""
    rows = np.array(per_frame, dtype=float)
    if len(rows) < 3:
        return float("nan")
    whole, regional = (np.diff(rows[:, column], prepend=0) > 0 for column in (1, 2))
    design = np.stack([np.ones(len(rows)), whole, regional, rows[:, 0]], axis=1)
    coef, *_ = np.linalg.lstsq(design, rows[:, 3], rcond=None)
    return float(coef[3])


def run(args: argparse.Namespace) -> float:
    options: PipelineOptions = options_from_args(args)
    loading = time.perf_counter()
    pipeline = build_pipeline(options)
    load_s = time.perf_counter() - loading
    first_frame_ms = float("nan")  # first call: lazy runtime sessions, first-call kernels
    people = 0
    with open_source(args.input) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        frames = iter(source)
        for count in range(args.warmup):  # model warm-up (allocations, first-call kernels)
            frame = next(frames, None)
            if frame is None:
                break
            pipeline.process(frame)
            if count == 0:
                first_frame_ms = pipeline.timers.samples["total"][0]
        pipeline.timers.samples.clear()
        pipeline.reset()
        bar = tqdm(total=args.frames, unit="frame", desc="bench", dynamic_ncols=True, mininterval=1.0)

        checkpoints = {max(1, args.frames * q // 4): f"{25 * q}%" for q in (1, 2, 4)}
        rss_at: dict[str, float] = {}

        per_frame: list[tuple[int, int, int, float]] = []  # (people, detector calls, regional keyframes, ms)

        def count(frame, result) -> None:
            nonlocal people
            people += len(result)
            samples = pipeline.timers.samples
            per_frame.append((len(result), len(samples["detect"]), len(samples["region"]), samples["total"][-1]))
            bar.update(1)
            if bar.n in checkpoints:  # memory must stay flat over a long stream
                rss_at[checkpoints[bar.n]] = peak_rss_mb()

        start, cpu_start = time.perf_counter(), cpu_seconds()
        done = pipeline.run(source, store, on_result=count, max_frames=args.frames)
        elapsed = time.perf_counter() - start
        cores = (cpu_seconds() - cpu_start) / elapsed if elapsed > 0 else 0.0
        bar.close()
    fps = done / elapsed if elapsed > 0 else 0.0
    print(f"device={pipeline.device} stages={','.join(pipeline.stages) or 'none'} frames={done} "
          f"distinct_track_ids={len(store.track_ids())}")
    for stage, ms in pipeline.timers.median_ms().items():
        print(f"  {stage:<10} median {ms:7.2f} ms")
    print(f"CPU used: {cores:.2f} cores on average (below the machine's count: waits, or a busy machine)")
    print(f"start-up (not in fps): models loaded in {load_s:.2f} s, first frame {first_frame_ms:.0f} ms")
    print(f"marginal cost per extra person: {marginal_ms_per_person(per_frame):.2f} ms")
    print("peak RSS at " + ", ".join(f"{k}: {v:.0f} MB" for k, v in rss_at.items()))
    with_person = sum(row[0] > 0 for row in per_frame) / max(done, 1)
    print(f"fps={fps:.2f} people_per_frame={people / max(done, 1):.2f} peak_rss_mb={peak_rss_mb():.1f} "
          f"distinct_ids={len(store.track_ids())} frames_with_person={with_person:.3f}")
    return fps
