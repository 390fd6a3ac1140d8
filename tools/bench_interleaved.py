"""Two pipeline configurations on the same frames, in one process, frame by frame in turn:
``.venv/bin/python -m tools.bench_interleaved VIDEO --frames N --b="--no-detect-regions"``.

On a shared, noisy machine two runs one after the other can differ by more than the change being
measured; taking turns frame by frame gives both configurations the same load. ``--a`` / ``--b``
are pipeline options as on the command line of ``main.py process``. Prints, per configuration,
fps (model time only, decoding excluded), how many frames ran each stage and its mean cost per
frame, and the tracker's distinct ids.
"""
from __future__ import annotations

import argparse
import shlex
import time

import numpy as np

from common.sources import open_source
from pipeline.factory import add_pipeline_arguments, build_pipeline, options_from_args


def options(text: str):
    parser = argparse.ArgumentParser()
    add_pipeline_arguments(parser)
    return options_from_args(parser.parse_args(shlex.split(text)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("video")
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--a", default="", help="options of the first configuration (default: the defaults)")
    parser.add_argument("--b", required=True, help="options of the second configuration")
    args = parser.parse_args(argv)
    pipelines = {label: build_pipeline(options(text)) for label, text in (("A", args.a), ("B", args.b))}
    spent = dict.fromkeys(pipelines, 0.0)
    ids: dict[str, set[int]] = {label: set() for label in pipelines}
    for pipeline in pipelines.values():
        pipeline.reset()
    done = 0
    with open_source(args.video) as source:
        for frame in source:
            if done >= args.frames:
                break
            for label, pipeline in pipelines.items():
                start = time.perf_counter()
                result = pipeline.process(frame)
                spent[label] += time.perf_counter() - start
                ids[label].update(int(i) for i in result.track_ids)
            done += 1
    for label, pipeline in pipelines.items():
        text = args.a if label == "A" else args.b
        stages = ", ".join(f"{stage} {len(v)}x {np.sum(v) / done:.1f}" for stage, v in pipeline.timers.samples.items()
                           if stage != "total")
        print(f"{label} [{text or 'defaults'}]: fps {done / spent[label]:.2f} over {done} frames, "
              f"distinct ids {len(ids[label])}; ms per frame: {stages}")


if __name__ == "__main__":
    main()
