"""`python main.py process`: run the pipeline headless and write the exports in one pass."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from tqdm import tqdm

from common.exporters import X264_PRESETS, VideoOptions
from pipeline.factory import add_pipeline_arguments, build_pipeline, options_from_args
from pipeline.video_job import ExportTargets, process_video


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="video file, image folder or glob, or a camera index (e.g. 0)")
    parser.add_argument("-o", "--output", help="annotated MP4 (default: out/<input name>.mp4)")
    parser.add_argument("--gif", help="also write an annotated GIF here")
    parser.add_argument("--json", help="per-frame per-track joints as JSON lines")
    parser.add_argument("--csv", help="per-frame per-track joints as CSV")
    parser.add_argument("--store", help="save the full results (.npz) for the GUI or later export")
    parser.add_argument("--bvh", metavar="DIR", help="one person_<id>.bvh animation per tracked person "
                        "in this folder (every --frame-step-th frame; see docs/bvh.md)")
    parser.add_argument("--max-frames", type=int, help="stop after this many frames")
    parser.add_argument("--fps", type=float, help="output fps (default: input fps / frame step)")
    parser.add_argument("--width", type=int, help="output width in px (aspect kept)")
    parser.add_argument("--frame-step", type=int, default=1, help="write every n-th frame")
    parser.add_argument("--bitrate", help="MP4 bitrate, e.g. 4M (default: quality-based)")
    parser.add_argument("--x264-preset", choices=X264_PRESETS, default="veryfast",
                        help="MP4 encoder speed: slower presets make smaller files for more CPU (default: veryfast)")
    parser.add_argument("--with-3d", action="store_true", help="draw the 3D scene beside the frame")
    parser.add_argument("--adapt-steps", type=int, default=0, metavar="N",
                        help="opt-in, with the temporal lifter (the default): before the two-sided re-lift, adapt the lifter to this "
                        "video's own 2D tracks for N steps (e.g. 100; docs/refiner.md, 'Test-time adaptation')")
    add_pipeline_arguments(parser)


def _default_output(spec: str) -> Path:
    stem = Path(spec).stem if not spec.isdigit() else f"camera{spec}"
    out = Path("out")
    out.mkdir(exist_ok=True)
    return out / f"{stem}.mp4"


def run(args: argparse.Namespace) -> int:
    """Process the input and write every requested export; returns the number of frames."""
    video_options = VideoOptions(fps=args.fps, width=args.width, frame_step=args.frame_step,
                                 bitrate=args.bitrate, include_3d=args.with_3d, x264_preset=args.x264_preset)
    targets = ExportTargets(mp4=Path(args.output) if args.output else _default_output(args.input),
                            gif=args.gif, json=args.json, csv=args.csv, store=args.store,
                            bvh=args.bvh)
    targets.check_writable()  # before the models load
    options = options_from_args(args)
    if args.adapt_steps < 0 or (args.adapt_steps and options.lifter != "temporal"):
        raise ValueError("--adapt-steps needs a positive number of steps and the temporal lifter (the default, "
                         "not --lifter single): it adapts the temporal lifter's two-sided re-lift")
    loading = time.perf_counter()
    pipeline = build_pipeline(options)
    load_s = time.perf_counter() - loading
    bar = tqdm(total=None, unit="frame", desc="processing", dynamic_ncols=True)

    def progress(done: int, total: int | None, people: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        bar.set_postfix(people=people, refresh=False)

    try:
        summary = process_video(args.input, targets, pipeline, video_options, args.max_frames, progress,
                                adapt_steps=args.adapt_steps)
    finally:
        bar.close()
    if summary.disconnected:
        print(f"{summary.source_name} stopped delivering frames after {summary.frames}; the results so far are kept")
    timings = ", ".join(f"{k} {v:.1f} ms" for k, v in summary.median_ms.items())
    stages = ", ".join(summary.stages) or "none (no models installed)"
    print(f"{summary.frames} frames, stages: {stages}; median {timings or 'n/a'}")
    print(f"start-up: models loaded in {load_s:.1f} s, first frame {summary.first_frame_s:.2f} s; "
          f"then {summary.steady_fps:.2f} fps ({summary.fps:.2f} fps over the whole loop)")
    for note in summary.notes:
        print(note)
    print("wrote " + ", ".join(str(p) for p in summary.written))
    return summary.frames
