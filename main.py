"""PoseScope entry point.

    python main.py                      open the desktop app on the bundled demo clip
    python main.py --input FILE         open the app on FILE
    python main.py process INPUT ...    run headless and export (see --help)
    python main.py bench INPUT ...      measure speed per stage
    python main.py batch INPUT... --out DIR   many videos on Ray (see docs/scale.md)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common.atomic import ExportPathError
from common.sources import SourceError

DEMO_CLIP = Path(__file__).resolve().parent / "assets" / "demo.mp4"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="posescope", description="Multi-person 3D human pose from video.")
    parser.add_argument("--input", help="open this video, image folder or camera index in the app")
    sub = parser.add_subparsers(dest="command")
    from pipeline import bench, cli_process
    from pipeline.batch import cli as batch_cli

    cli_process.add_arguments(sub.add_parser("process", help="run headless and write exports"))
    bench.add_arguments(sub.add_parser("bench", help="measure speed per stage and memory"))
    batch_cli.add_arguments(sub.add_parser("batch", help="process many videos on Ray (local or a cluster)"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "process":
            from pipeline import cli_process

            cli_process.run(args)
            return 0
        if args.command == "batch":
            from pipeline.batch import cli as batch_cli

            return batch_cli.run(args)
        if args.command == "bench":
            from pipeline import bench

            bench.run(args)
            return 0
        from app.launch import run_app

        return run_app(args.input if args.input is not None else str(DEMO_CLIP))
    except (SourceError, ExportPathError, ValueError, FileNotFoundError, ConnectionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cancelled; partial exports were removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
