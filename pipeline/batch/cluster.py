"""Ray for a batch: a private local instance by default, or a running cluster by address.

Workers import PoseScope from the same path as the driver (``PYTHONPATH`` in the runtime
environment), so every node needs the project at that path (a shared folder or the same checkout).
"""
from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from common.paths import REPO_ROOT

CONNECT_TIMEOUT_S = 5.0
LOCAL_OBJECT_STORE_BYTES = 256 * 2**20


class ClusterUnreachable(ConnectionError):
    """No Ray cluster answers at the address given, or it refuses us."""


def split_address(address: str) -> tuple[str, int]:
    """HOST:PORT -> (host, port); anything else is a usage error."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"--address {address!r}: use 'auto' or HOST:PORT (e.g. 10.0.0.5:6379)")
    return host, int(port)


def _probe(address: str) -> None:
    """Fail in seconds, not minutes (ray.init retries a silent address for a long time)."""
    host, port = split_address(address)
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise ClusterUnreachable(
            f"no Ray cluster answers at {address} ({exc.strerror or exc}); start one there with "
            f"`ray start --head --port={port}` or check the address") from exc


def _auto_address() -> str:
    """What ``--address auto`` means to Ray (RAY_ADDRESS, else the last ``ray start`` on this machine),
    resolved here so that it can be probed: the record outlives a stopped cluster."""
    from ray._private.services import canonicalize_bootstrap_address  # ray is pinned (requirements.txt)

    try:
        address = canonicalize_bootstrap_address("auto")
    except (ConnectionError, ValueError) as exc:
        raise ClusterUnreachable(f"--address auto: {exc}") from exc
    if address is None:
        raise ClusterUnreachable("--address auto: no Ray cluster was started on this machine "
                                 "(`ray start`) and RAY_ADDRESS is not set; give HOST:PORT")
    return address


@contextmanager
def ray_session(address: str | None) -> Iterator[dict[str, float]]:
    """Connect (``address``) or start a local Ray; yields the cluster's resources; always leaves it.

    A local instance is ours and shuts down with us; a cluster only loses this driver.
    """
    import ray

    runtime_env = {"env_vars": {"PYTHONPATH": str(REPO_ROOT)}}
    if address == "auto":
        address = _auto_address()
    if address is not None:
        _probe(address)
    try:
        if address is None:
            # Ray counts the cores itself (cgroup limits included); only small results travel
            # through its object store, so a small one spares the machine's shared memory.
            ray.init(address="local", include_dashboard=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                     logging_level=logging.ERROR, log_to_driver=False, runtime_env=runtime_env)
        else:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False,
                     runtime_env=runtime_env)
    except (ConnectionError, ray.exceptions.AuthenticationError) as exc:
        raise ClusterUnreachable(
            f"cannot join the Ray cluster at {address}: {exc}. If it uses token authentication (Ray's "
            "default for `ray start --head`), run with RAY_AUTH_MODE=token and its token; see docs/scale.md") from exc
    try:
        yield ray.cluster_resources()
    finally:
        ray.shutdown()


@dataclass(frozen=True)
class WorkerPlan:
    """How many workers, what each reserves, and the threads each runs with."""

    count: int
    num_cpus: float
    num_gpus: float
    threads: int
    device: str  # "cpu" or "cuda"


def plan_workers(resources: dict[str, float], workers: int | None, device: str | None,
                 threads: int = 0) -> WorkerPlan:
    """Size the workers to the cluster: one per GPU for cuda, else one per core with one thread.

    ``workers`` overrides the count; CPU workers then share the cores (``threads`` = cores /
    workers, at least 1), so that workers do not fight over cores. ``threads`` > 0 overrides that.
    """
    cpus, gpus = resources.get("CPU", 0.0), resources.get("GPU", 0.0)
    if cpus < 1:
        raise ClusterUnreachable("the Ray cluster has no CPU to run workers on")
    wants_cuda = device is None or device.startswith("cuda")
    if wants_cuda and gpus > 0:
        count = workers or int(gpus)
        return WorkerPlan(count, 1.0, min(1.0, gpus / count), threads or max(1, int(cpus // count)), "cuda")
    if device is not None and device.startswith("cuda"):
        print("note: the Ray cluster has no GPU; the workers run on the CPU")
    count = workers or int(cpus)
    return WorkerPlan(count, cpus / count, 0.0, threads or max(1, int(cpus // count)), "cpu")
