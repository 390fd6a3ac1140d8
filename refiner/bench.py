"""Benchmark the Lifter: ``python -m refiner.bench [--weights W] [--batch 16] [--threads N] [--temporal]``.

Prints milliseconds per person for batched COCO-17 input on the CPU (the pipeline's contract is
≤ 1 ms per person at batch 16). ``--temporal`` times the live temporal stage (refiner.temporal_lifter)
instead: ``batch`` tracked people moving over a stream of 25 fps frames, after its histories are full.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from common.skeleton import COCO17
from common.types import Poses2D
from refiner.lifter import Lifter
from refiner.temporal_lifter import TrackLifter


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--iters", type=int, default=200)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--flip-test", action="store_true", help="also lift each person mirrored and average")
    parser.add_argument("--temporal", action="store_true", help="time the temporal lifter (causal, per track)")
    parser.add_argument("--causal", default=None, help="causal temporal weights (default: shipped)")
    parser.add_argument("--twosided", default=None, help="two-sided temporal weights (default: shipped)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.temporal:
        lifter = TrackLifter.load(args.causal, args.twosided, args.weights, device="cpu")
    else:
        lifter = Lifter.load(args.weights, device="cpu", flip_test=args.flip_test)
    rng = np.random.default_rng(0)
    base = rng.uniform(100, 500, (args.batch, COCO17.num_joints, 2))
    scores = rng.uniform(0.2, 1.0, (args.batch, COCO17.num_joints))
    ids = np.arange(args.batch)
    times = []
    for i in range(args.iters + 40):  # 40 warm-up frames also fill the temporal histories (27 frames)
        poses = Poses2D(base + rng.normal(0, 2, base.shape), scores, "coco17")
        t0 = time.perf_counter()
        lifter.lift(poses, ids, i / 25.0)
        if i >= 40:
            times.append(time.perf_counter() - t0)
    per_person = 1000 * float(np.median(times)) / args.batch
    print(f"{lifter.architecture}: batch {args.batch}, {torch.get_num_threads()} threads, "
          f"flip test {'on' if args.flip_test else 'off'}: "
          f"median {1000 * np.median(times):.2f} ms per batch, {per_person:.3f} ms per person")
    return per_person


if __name__ == "__main__":
    main()
