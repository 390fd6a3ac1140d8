"""`python main.py bench INPUT`: per-stage latency, end-to-end fps, people per frame, peak memory.

The last line is machine-readable: ``fps=<float> people_per_frame=<float> peak_rss_mb=<float>``.
Decoding runs in its prefetch thread as in real use, so fps is what a user gets.
"""
from __future__ import annotations

import argparse
import resource
import time

from tqdm import tqdm

from common.sources import open_source
from common.store import ResultsStore
from pipeline.factory import PipelineOptions, add_pipeline_arguments, build_pipeline, options_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="video file, image folder or camera index")
    parser.add_argument("--frames", type=int, default=200, help="frames to measure (after warm-up)")
    parser.add_argument("--warmup", type=int, default=5, help="frames run before timing starts")
    add_pipeline_arguments(parser)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(args: argparse.Namespace) -> float:
    options: PipelineOptions = options_from_args(args)
    pipeline = build_pipeline(options)
    people = 0
    with open_source(args.input) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        frames = iter(source)
        for _ in range(args.warmup):  # model warm-up (allocations, first-call kernels)
            frame = next(frames, None)
            if frame is None:
                break
            pipeline.process(frame)
        pipeline.timers.samples.clear()
        pipeline.reset()
        bar = tqdm(total=args.frames, unit="frame", desc="bench", dynamic_ncols=True, mininterval=1.0)

        def count(frame, result) -> None:
            nonlocal people
            people += len(result)
            bar.update(1)

        start = time.perf_counter()
        done = pipeline.run(source, store, on_result=count, max_frames=args.frames)
        elapsed = time.perf_counter() - start
        bar.close()
    fps = done / elapsed if elapsed > 0 else 0.0
    print(f"device={pipeline.device} stages={','.join(pipeline.stages) or 'none'} frames={done} "
          f"distinct_track_ids={len(store.track_ids())}")
    for stage, ms in pipeline.timers.median_ms().items():
        print(f"  {stage:<10} median {ms:7.2f} ms")
    print(f"fps={fps:.2f} people_per_frame={people / max(done, 1):.2f} peak_rss_mb={peak_rss_mb():.1f}")
    return fps
