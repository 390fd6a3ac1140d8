"""The two-node check: a head and a second node (1 CPU each) on this machine, 6 short clips (one
truncated), then a rerun that must skip them all, then a forced rerun stopped by Ctrl+C.

    python -m pipeline.batch.two_node_check [--clips 6] [--frames 6]

Prints the runs' summaries and PASS/FAIL for: both nodes used, the bad clip reported, the others
done, everything skipped the second time, and the interrupted run exiting 130 with no temporary
file left and a readable manifest. Exit code 0 when all hold.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import main as cli
from common.paths import shared_data_dir
from pipeline.batch.local_cluster import LocalRayCluster
from pipeline.batch.manifest import BAD_INPUT, DONE, MANIFEST_NAME
from pipeline.batch.sample_clips import make_clips


def check(clips: int, frames: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="posescope-two-node-") as tmp:
        folder, out = Path(tmp) / "clips", Path(tmp) / "out"
        make_clips(shared_data_dir(), folder, clips, frames, truncated=1)
        start = time.perf_counter()
        with LocalRayCluster(nodes=2, num_cpus=1) as cluster:
            print(f"cluster of 2 nodes at {cluster.address} up in {time.perf_counter() - start:.1f} s")
            args = ["batch", str(folder), "--out", str(out), "--address", cluster.address, "--no-lift"]
            first = cli.main(args)
            records = json.loads((out / MANIFEST_NAME).read_text())["videos"]
            second_start = time.perf_counter()
            second = cli.main(args)
            second_s = time.perf_counter() - second_start
            after = json.loads((out / MANIFEST_NAME).read_text())["videos"]
            interrupted = interrupt(args + ["--force"], out / MANIFEST_NAME)
            leftovers = [p.name for p in out.rglob(".*")]
            readable = bool(json.loads((out / MANIFEST_NAME).read_text())["videos"])
    done = [r for r in records.values() if r["status"] == DONE]
    bad = [r for r in records.values() if r["status"] == BAD_INPUT]
    nodes = {r["node"] for r in done}
    checks = {
        f"first run exits 1 (a video failed): {first}": first == 1,
        f"{len(done)} of {clips - 1} good clips done": len(done) == clips - 1,
        f"the truncated clip reported: {[r['reason'] for r in bad]}": len(bad) == 1 and "truncated" in bad[0]["reason"],
        f"videos done on {len(nodes)} nodes: {sorted(n[:8] for n in nodes)}": len(nodes) == 2,
        f"second run skipped everything in {second_s:.1f} s (manifest unchanged, exit {second})": after == records,
        f"Ctrl+C after the first result: exit {interrupted}, temporaries left {leftovers}, manifest readable":
            interrupted == 130 and not leftovers and readable,
    }
    for text, ok in checks.items():
        print(("PASS " if ok else "FAIL ") + text)
    return all(checks.values())


def interrupt(args: list[str], manifest: Path, timeout_s: float = 300.0) -> int | None:
    """Run ``main.py ARGS`` in its own process group, send it SIGINT (as a terminal's Ctrl+C would)
    once the manifest records a result, and return its exit code."""
    before = manifest.stat().st_mtime_ns
    process = subprocess.Popen([sys.executable, "main.py", *args], cwd=Path(cli.__file__).parent,
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout_s
    while manifest.stat().st_mtime_ns == before and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--frames", type=int, default=6)
    args = parser.parse_args()
    return 0 if check(args.clips, args.frames) else 1


if __name__ == "__main__":
    sys.exit(main())
