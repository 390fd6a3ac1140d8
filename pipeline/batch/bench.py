"""Batch throughput on this machine with 1 worker, then 2 (each on a fresh local Ray).

    python -m pipeline.batch.bench [--clips 4] [--frames 30] [--width 768] [--workers 1 2] [PIPELINE OPTIONS]

Cuts ``--clips`` clips from the shared real videos, runs the whole batch once per worker count and
prints, per run: the machine's load average (other work on the cores skews every figure), wall time (Ray and model start-up included), frames, overall fps, each worker's
fps while busy, the sum of those (steady throughput), and the busy share: the workers' busy time
over (workers x the busiest one's), i.e. how much of the run no worker waited for the last video
(the tail that chunking long videos would recover).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from common.paths import shared_data_dir
from pipeline.batch.driver import BatchReport, BatchRequest, run_batch
from pipeline.batch.inputs import discover_videos
from pipeline.batch.manifest import DONE
from pipeline.batch.sample_clips import cut_clip
from pipeline.factory import add_pipeline_arguments, options_from_args


def make_bench_clips(folder: Path, clips: int, frames: int, width: int) -> list[Path]:
    sources = [shared_data_dir() / "media" / "vtest.avi",
               shared_data_dir() / "videos" / "intel_one-by-one-person-detection.mp4"]
    folder.mkdir(parents=True, exist_ok=True)
    return [cut_clip(sources[i % 2], folder / f"bench{i}.mp4", 3.0 + 11.0 * i, frames, width) for i in range(clips)]


def measure(request: BatchRequest) -> dict[str, float]:
    report = BatchReport()
    start = time.perf_counter()
    run_batch(request, report)
    wall = time.perf_counter() - start
    done = [r for r in report.results if r.status == DONE]
    busy: dict[str, list[float]] = {}
    for r in done:
        frames, seconds = busy.get(r.worker, [0, 0.0])
        busy[r.worker] = [frames + r.frames, seconds + r.seconds]
    per_worker = [frames / seconds for frames, seconds in busy.values() if seconds]
    frames = sum(r.frames for r in done)
    longest = max(s for _, s in busy.values())
    return {"wall_s": wall, "videos": len(done), "frames": frames, "overall_fps": frames / wall,
            "worker_fps": per_worker, "steady_fps": sum(per_worker),
            "load_s": [info["load_seconds"] for info in report.workers if info],
            "busy_share": sum(s for _, s in busy.values()) / (len(busy) * longest)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--width", type=int, default=768)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    add_pipeline_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="posescope-batch-bench-") as tmp:
        make_bench_clips(Path(tmp) / "clips", args.clips, args.frames, args.width)
        videos = discover_videos([str(Path(tmp) / "clips")])
        for run, workers in enumerate(args.workers):
            request = BatchRequest(videos, Path(tmp) / f"out{run}", ["json"], options_from_args(args),
                                   workers=workers)
            request.out_dir.mkdir()
            load_before = os.getloadavg()[0]
            m = measure(request)
            print(f"{workers} worker(s): {m['videos']} videos, {m['frames']} frames, wall {m['wall_s']:.1f} s "
                  f"(start-up included) = {m['overall_fps']:.2f} fps; per worker while busy "
                  f"{', '.join(f'{f:.2f}' for f in m['worker_fps'])} fps, sum {m['steady_fps']:.2f} fps; "
                  f"model load {', '.join(f'{s:.1f}' for s in m['load_s'])} s; busy share {m['busy_share']:.0%}; "
                  f"machine load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after",
                  flush=True)


if __name__ == "__main__":
    main()
