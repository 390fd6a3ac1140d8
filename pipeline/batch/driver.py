"""Runs a batch: decides what needs doing, hands one video at a time to each idle worker, records
every result in the manifest as it arrives, and on Ctrl+C cancels the running videos cleanly."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.batch.cluster import WorkerPlan, plan_workers, ray_session
from pipeline.batch.layout import assign_names, export_targets
from pipeline.batch.manifest import BAD_INPUT, DONE, Fingerprint, Manifest, VideoRecord, options_hash
from pipeline.batch.progress import BatchBar, FrameCounter
from pipeline.batch.worker import CANCELLED, FAILED, VideoJob, VideoResult, VideoWorker
from pipeline.factory import PipelineOptions

POLL_S = 0.5  # progress refresh while waiting for results
CANCEL_GRACE_S = 15.0  # running videos get this long to stop at a frame boundary before workers are killed
MANIFEST_EVERY_S = 2.0


@dataclass
class BatchRequest:
    videos: list[Path]
    out_dir: Path
    exports: list[str]
    options: PipelineOptions
    max_frames: int | None = None
    address: str | None = None  # None: a local Ray instance
    workers: int | None = None
    force: bool = False


@dataclass
class Skipped:
    video: Path
    record: VideoRecord  # from the manifest: done with these options, or unreadable and unchanged

    @property
    def unreadable(self) -> bool:
        return self.record.status == BAD_INPUT


@dataclass
class BatchReport:
    results: list[VideoResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    workers: list[dict] = field(default_factory=list)  # VideoWorker.info() of each worker
    plan: WorkerPlan | None = None
    wall_seconds: float = 0.0


def plan_jobs(request: BatchRequest, manifest: Manifest) -> tuple[list[VideoJob], list[Skipped]]:
    """What must run now, and what the manifest says is already done (unless ``force``)."""
    digest = options_hash(request.options, request.max_frames)
    jobs, skipped = [], []
    for video, name in assign_names(request.videos, manifest.names()).items():
        record = None if request.force else manifest.finished(video, digest, request.exports)
        if record is not None:
            skipped.append(Skipped(video, record))
        else:
            jobs.append(VideoJob(video, name, export_targets(request.out_dir, name, request.exports),
                                 request.max_frames))
    return jobs, skipped


def run_batch(request: BatchRequest, report: BatchReport) -> None:
    """Process ``request`` into ``report`` (filled as results arrive, so a cancel keeps what was done)."""
    import ray

    manifest = Manifest.load(request.out_dir)
    jobs, report.skipped = plan_jobs(request, manifest)
    if not jobs:
        return
    digest = options_hash(request.options, request.max_frames)
    fingerprints = {job.video: Fingerprint.of(job.video) for job in jobs}

    def record(result: VideoResult) -> None:
        report.results.append(result)
        if result.status == CANCELLED:
            return
        fp = fingerprints[result.video]
        manifest.record(result.video, VideoRecord(
            result.name, fp.size, fp.mtime_ns, result.status, digest, request.exports,
            [str(p.relative_to(request.out_dir)) for p in result.outputs], result.reason,
            result.frames, round(result.seconds, 3), result.worker, result.node))
        manifest.save(at_most_every_s=MANIFEST_EVERY_S)

    with ray_session(request.address) as resources:
        report.plan = plan = plan_workers(resources, request.workers, request.options.device,
                                              request.options.threads)
        counter = ray.remote(num_cpus=0)(FrameCounter).remote()
        worker_class = ray.remote(VideoWorker).options(num_cpus=plan.num_cpus, num_gpus=plan.num_gpus)
        options = replace(request.options, device=plan.device)
        actors = [worker_class.remote(options, plan.threads, counter) for _ in range(min(plan.count, len(jobs)))]
        infos = [actor.info.remote() for actor in actors]
        bar = BatchBar(len(jobs), counter)
        try:
            _dispatch(jobs, actors, bar, record)
        finally:
            bar.close()
            manifest.save()
        ready, _ = ray.wait(infos, num_returns=len(infos), timeout=CANCEL_GRACE_S)
        report.workers = [_info(ref) for ref in ready]


def _dispatch(jobs: list[VideoJob], actors: list, bar: BatchBar, record) -> None:
    """One video per idle worker until all are done; Ctrl+C cancels the running ones and re-raises.

    A worker that dies (crash, lost node) fails its video and leaves the pool; when none is left,
    the remaining videos fail with that reason.
    """
    import ray

    pending, idle, running = deque(jobs), deque(actors), {}
    try:
        while pending or running:
            while pending and idle:
                actor, job = idle.popleft(), pending.popleft()
                running[actor.process.remote(job)] = (job, actor)
            if not running:  # every worker died
                for job in pending:
                    record(VideoResult(job.video, job.name, FAILED, "?", "?", reason="no worker left"))
                    bar.video_finished(ok=False)
                return
            ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
            bar.refresh()
            for ref in ready:
                job, actor = running.pop(ref)
                try:
                    result = ray.get(ref)
                    idle.append(actor)
                except ray.exceptions.RayError as exc:
                    result = VideoResult(job.video, job.name, FAILED, "?", "?", reason=f"worker failed: {_first_line(exc)}")
                record(result)
                bar.video_finished(result.status == DONE)
    except KeyboardInterrupt:
        _cancel(list(running), actors)
        raise


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _cancel(running: list, actors: list) -> None:
    """Ask the running videos to stop at their next frame (their exports are then removed by the
    atomic writers), give them a moment, then kill the workers."""
    import ray

    for ref in running:
        ray.cancel(ref)
    if running:
        ray.wait(running, num_returns=len(running), timeout=CANCEL_GRACE_S)
    for actor in actors:
        ray.kill(actor)


def _info(ref) -> dict:
    import ray

    try:
        return ray.get(ref)
    except ray.exceptions.RayError:
        return {}
