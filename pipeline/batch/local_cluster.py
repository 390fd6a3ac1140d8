"""Ray nodes started with ``ray start --block`` on this machine: a cluster to test against.

Each node is one ``ray start`` process that owns its daemons; stopping it (SIGTERM) stops them, so
nothing outlives the cluster and nothing else's Ray is touched. ``ray start --head`` turns token
authentication on by default; these nodes, private to this machine, run with it off
(``RAY_AUTH_MODE=disabled``) so that any driver here can join without the token.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NODE_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
STARTED = "block forever"  # what `ray start --block` prints once its node is up


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalRayCluster:
    """A head and any number of worker nodes, ``num_cpus`` each; use as a context manager."""

    def __init__(self, nodes: int = 1, num_cpus: int = 1, timeout_s: float = 120.0):
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.nodes, self.num_cpus, self.timeout_s = nodes, num_cpus, timeout_s
        self._processes: list[tuple[subprocess.Popen, Path]] = []

    def __enter__(self) -> "LocalRayCluster":
        try:
            self._start(["--head", f"--port={self.port}", "--include-dashboard=false"])
            for _ in range(self.nodes - 1):
                self._start([f"--address={self.address}"])
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self, args: list[str]) -> None:
        log = Path(tempfile.mkstemp(prefix="posescope-ray-node-", suffix=".log")[1])
        ray = Path(sys.executable).with_name("ray")
        command = [str(ray), "start", "--block", f"--num-cpus={self.num_cpus}", "--num-gpus=0", *args]
        with open(log, "w") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **NODE_ENV})
        self._processes.append((process, log))
        deadline = time.monotonic() + self.timeout_s
        while STARTED not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"`{' '.join(command)}` did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)

    def __exit__(self, *exc) -> None:
        for process, log in reversed(self._processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.unlink(missing_ok=True)
        self._processes.clear()
