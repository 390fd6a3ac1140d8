"""`python main.py batch INPUTS... --out DIR`: many videos on Ray, the same results as `process`.

Exit codes: 0 every video has its results (done now or before); 1 some videos failed (the summary
and the manifest say why), the others are done; 2 bad usage, no inputs, an output folder that
cannot be written or a cluster that cannot be reached (nothing was processed); 130 Ctrl+C.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from common.atomic import ExportPathError
from pipeline.batch.cluster import split_address
from pipeline.batch.driver import BatchReport, BatchRequest, run_batch
from pipeline.batch.inputs import discover_videos
from pipeline.batch.layout import EXPORT_SUFFIXES
from pipeline.batch.summary import exit_code, summary_lines
from pipeline.factory import add_pipeline_arguments, options_from_args

EXPORT_HELP = {"json": "per-frame per-track joints as JSON lines (the default when no export is chosen)",
               "csv": "per-frame per-track joints as CSV", "mp4": "annotated video",
               "bvh": "one BVH animation per tracked person, in OUT/<video>/<video>_bvh/ "
                      "(needs 3D joints: not with --no-lift)"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="video files, folders (searched recursively) or globs (quote them)")
    parser.add_argument("--out", required=True, help="output folder: OUT/<video>/<video>.<ext> and a manifest")
    for export in EXPORT_SUFFIXES:
        parser.add_argument(f"--{export}", action="store_true", help=EXPORT_HELP[export])
    parser.add_argument("--address", help="join a running Ray cluster: 'auto' or HOST:PORT "
                                          "(default: start a local Ray on this machine)")
    parser.add_argument("--workers", type=int, help="worker count (default: one per CPU core, or per GPU with cuda)")
    parser.add_argument("--force", action="store_true", help="redo videos the manifest says are done")
    parser.add_argument("--max-frames", type=int, help="stop each video after this many frames")
    add_pipeline_arguments(parser)


def prepare_out_dir(path: str) -> Path:
    """Create the output folder; fail now, before any work, if it cannot be written."""
    out = Path(path).resolve()
    if out.exists() and not out.is_dir():
        raise ExportPathError(f"--out {path}: it is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportPathError(f"--out {path}: cannot create the folder ({exc.strerror or exc})") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise ExportPathError(f"--out {path}: no permission to write in it")
    return out


def run(args: argparse.Namespace) -> int:
    """Run the batch and print its summary; returns the exit code (errors of usage raise)."""
    if args.max_frames is not None and args.max_frames < 1:
        raise ValueError("--max-frames must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise ValueError("--workers must be at least 1")
    if args.address not in (None, "auto"):
        split_address(args.address)
    exports = [e for e in EXPORT_SUFFIXES if getattr(args, e)] or ["json"]
    options, videos = options_from_args(args), discover_videos(args.inputs)
    request = BatchRequest(videos, prepare_out_dir(args.out), exports, options, args.max_frames,
                           args.address, args.workers, args.force)  # the folder is made once all else is valid
    report = BatchReport()
    start = time.perf_counter()
    try:
        run_batch(request, report)
    except KeyboardInterrupt:
        _print_summary(report, start)  # what finished before the cancel is kept and recorded
        raise
    _print_summary(report, start)
    return exit_code(report)


def _print_summary(report: BatchReport, start: float) -> None:
    report.wall_seconds = time.perf_counter() - start
    print("\n".join(summary_lines(report)))
