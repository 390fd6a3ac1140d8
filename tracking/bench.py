"""Speed of the trackers' update loop on MOT detection files (file reading excluded).

    python -m tracking.bench --data ../shared/data/mot15 [--tracker sort] [--repeat 3]

Prints frames per second (Hz) per run over all sequences found under ``--data`` (or ``--seqs``) and
the best run, which is the least disturbed by other work on the machine.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tracking import TRACKERS, make_tracker
from tracking.mot_format import frames_of, load_detections


def time_update_loop(sequences: list[list], tracker_name: str, **options) -> tuple[int, float]:
    """(frames, seconds) spent in ``update`` over all sequences, a fresh tracker per sequence."""
    frames, seconds = 0, 0.0
    for sequence in sequences:
        tracker = make_tracker(tracker_name, **options)
        start = time.perf_counter()
        for _, detections in sequence:
            tracker.update(detections)
        seconds += time.perf_counter() - start
        frames += len(sequence)
    return frames, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seqs", nargs="*", default=None, help="default: every folder with det/det.txt")
    parser.add_argument("--tracker", choices=sorted(TRACKERS), default="sort")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--low-score-threshold", type=float, default=None)
    args = parser.parse_args(argv)
    seqs = args.seqs or sorted(p.parent.parent.name for p in args.data.glob("*/det/det.txt"))
    sequences = [list(frames_of(load_detections(args.data / s / "det" / "det.txt"))) for s in seqs]
    options = {} if args.low_score_threshold is None else {"low_score_threshold": args.low_score_threshold}
    print(f"{args.tracker} {options or ''} on {len(seqs)} sequences, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    rates = []
    for run in range(args.repeat):
        frames, seconds = time_update_loop(sequences, args.tracker, **options)
        rates.append(frames / seconds)
        print(f"run {run + 1}: {frames} frames in {seconds:.3f} s = {rates[-1]:.0f} Hz")
    print(f"best: {max(rates):.0f} Hz")


if __name__ == "__main__":
    main()
