"""Median latency of the ported models on this machine.

    python tools/bench_models.py [--device cpu|cuda] [--threads N] [--repeats 9]

Pose estimators: network + decoding for batches of 1 and 8 person crops (reported per
batch and per person). Detector: network only ("heads") and the full ``detect`` (resize,
network, decoding, NMS) at several inference sizes. Wall-clock and process CPU time are both
printed: on a shared machine use ``--threads 1`` and read the CPU column.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from detection import PersonDetector  # noqa: E402
from pose import make_estimator  # noqa: E402


def median_ms(fn, repeats: int, device: torch.device) -> tuple[float, float]:
    """Median wall-clock and process-CPU milliseconds per call.

    On a shared machine the wall clock includes waiting for a core; the CPU time does not, so
    with ``--threads 1`` it is the cost of the work itself.
    """
    fn()  # warm-up (allocations, cudnn/mkldnn algorithm choice)
    wall, cpu = [], []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, load average {load:.1f}")
    rng = np.random.default_rng(0)

    with torch.inference_mode():
        for name in ("movenet-thunder", "movenet-lightning", "blazepose-full"):
            est = make_estimator(name, device=args.device)
            for batch in (1, 8):
                crops = est.to_tensor(rng.integers(0, 255, (batch, est.input_size, est.input_size, 3), dtype=np.uint8))
                ms, cpu = median_ms(lambda: est.run(crops), args.repeats, est.device)
                print(f"{name:18s} batch {batch}: wall {ms:7.1f} ms ({ms / batch:6.1f}/person), "
                      f"cpu {cpu:7.1f} ms ({cpu / batch:6.1f}/person)  [{est.device}]")

        det = PersonDetector(device=args.device)
        for h, w, size in ((256, 352, "native"), (576, 768, 512), (576, 768, "native")):
            det.size = size
            frame = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
            tensor, _ = det.prepare(frame)
            heads, heads_cpu = median_ms(lambda: det.model(tensor), args.repeats, det.device)
            full, full_cpu = median_ms(lambda: det.detect(frame), args.repeats, det.device)
            print(f"movenet-multipose  frame {h}x{w} -> input {tuple(tensor.shape[-2:])}: heads wall {heads:6.1f} "
                  f"cpu {heads_cpu:6.1f} ms; detect() wall {full:6.1f} cpu {full_cpu:6.1f} ms  [{det.device}]")


if __name__ == "__main__":
    main()
