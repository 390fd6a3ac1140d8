"""`python main.py process`: run the pipeline headless and write the exports in one pass."""
from __future__ import annotations

import argparse
from pathlib import Path

from tqdm import tqdm

from common.atomic import check_writable
from common.exporters import VideoOptions, VideoWriters, annotate, write_csv, write_jsonl
from common.sources import open_source
from common.store import ResultsStore
from pipeline.factory import add_pipeline_arguments, build_pipeline, options_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="video file, image folder or glob, or a camera index (e.g. 0)")
    parser.add_argument("-o", "--output", help="annotated MP4 (default: out/<input name>.mp4)")
    parser.add_argument("--gif", help="also write an annotated GIF here")
    parser.add_argument("--json", help="per-frame per-track joints as JSON lines")
    parser.add_argument("--csv", help="per-frame per-track joints as CSV")
    parser.add_argument("--store", help="save the full results (.npz) for the GUI or later export")
    parser.add_argument("--max-frames", type=int, help="stop after this many frames")
    parser.add_argument("--fps", type=float, help="output fps (default: input fps / frame step)")
    parser.add_argument("--width", type=int, help="output width in px (aspect kept)")
    parser.add_argument("--frame-step", type=int, default=1, help="write every n-th frame")
    parser.add_argument("--bitrate", help="MP4 bitrate, e.g. 4M (default: quality-based)")
    parser.add_argument("--with-3d", action="store_true", help="draw the 3D scene beside the frame")
    add_pipeline_arguments(parser)


def _default_output(spec: str) -> Path:
    stem = Path(spec).stem if not spec.isdigit() else f"camera{spec}"
    out = Path("out")
    out.mkdir(exist_ok=True)
    return out / f"{stem}.mp4"


def run(args: argparse.Namespace) -> int:
    """Process the input and write every requested export; returns the number of frames."""
    video_options = VideoOptions(fps=args.fps, width=args.width, frame_step=args.frame_step,
                                 bitrate=args.bitrate, include_3d=args.with_3d)
    mp4_path = Path(args.output) if args.output else _default_output(args.input)
    for path in (mp4_path, args.gif, args.json, args.csv, args.store):
        if path:
            check_writable(path)  # fail before hours of processing, not after
    pipeline = build_pipeline(options_from_args(args))
    with open_source(args.input) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        fps = video_options.output_fps(source.fps)
        total = source.frame_count if args.max_frames is None else min(args.max_frames, source.frame_count or args.max_frames)
        bar = tqdm(total=total, unit="frame", desc="processing", dynamic_ncols=True)
        with VideoWriters(mp4_path, args.gif, fps, video_options) as writers:

            def on_result(frame, result) -> None:
                if frame.index % video_options.frame_step == 0:
                    writers.write(annotate(frame.image, result, video_options.include_3d))
                bar.update(1)
                bar.set_postfix(people=len(result), refresh=False)

            try:
                done = pipeline.run(source, store, on_result=on_result, max_frames=args.max_frames)
            finally:
                bar.close()
        if source.disconnected:
            print(f"{source.name} stopped delivering frames after {done}; the results so far are kept")
    if args.json:
        write_jsonl(store, args.json)
    if args.csv:
        write_csv(store, args.csv)
    if args.store:
        store.save(args.store)
    timings = ", ".join(f"{k} {v:.1f} ms" for k, v in pipeline.timers.median_ms().items())
    stages = ", ".join(pipeline.stages) or "none (no models installed)"
    print(f"{done} frames, stages: {stages}; median {timings or 'n/a'}")
    print(f"wrote {mp4_path}" + "".join(f", {p}" for p in (args.gif, args.json, args.csv, args.store) if p))
    return done
