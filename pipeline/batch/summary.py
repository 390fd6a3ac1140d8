"""The end of a batch in the terminal: counts, the failures with their reasons, speed per worker."""
from __future__ import annotations

from collections import defaultdict

from pipeline.batch.driver import BatchReport
from pipeline.batch.manifest import DONE, MANIFEST_NAME
from pipeline.batch.worker import CANCELLED

MAX_NOTES = 10  # notes (what an export left out) are in the manifest; the terminal shows the first few


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    return ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]


def worker_rows(report: BatchReport) -> list[list[str]]:
    """Per worker: node, videos, frames, busy seconds, fps while busy, model load seconds."""
    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    nodes = {}
    for result in report.results:
        if result.status == CANCELLED or result.worker == "?":
            continue
        entry = stats[result.worker]
        entry[0] += 1
        entry[1] += result.frames
        entry[2] += result.seconds
        nodes[result.worker] = result.node[:8]
    load = {info["worker"]: info["load_seconds"] for info in report.workers if info}
    return [[name, nodes[name], str(videos), str(frames), f"{busy:.1f}",
             f"{frames / busy:.2f}" if busy else "-", f"{load[name]:.1f}" if name in load else "?"]
            for name, (videos, frames, busy) in sorted(stats.items())]


def summary_lines(report: BatchReport) -> list[str]:
    done = [r for r in report.results if r.status == DONE]
    failed = [r for r in report.results if r.status not in (DONE, CANCELLED)]
    frames = sum(r.frames for r in done)
    lines = [f"{len(done)} done, {len(failed)} failed, {len(report.skipped)} skipped; "
             f"{frames} frames in {report.wall_seconds:.1f} s wall"
             + (f" ({frames / report.wall_seconds:.2f} fps overall)" if report.wall_seconds and frames else "")]
    if report.plan is not None:
        plan = report.plan
        lines.append(f"{plan.count} worker(s) on {plan.device}, {plan.num_cpus:g} CPU / {plan.num_gpus:g} GPU "
                     f"and {plan.threads} thread(s) each")
    rows = worker_rows(report)
    if rows:
        lines += ["", *_table(["worker", "node", "videos", "frames", "busy s", "fps", "load s"], rows)]
    noted = [r for r in done if r.reason]
    if noted:
        lines += ["", "notes:", *_table(["video", "note"], [[str(r.video), r.reason] for r in noted[:MAX_NOTES]])]
        if len(noted) > MAX_NOTES:
            lines.append(f"... and {len(noted) - MAX_NOTES} more in {MANIFEST_NAME}")
    if failed:
        lines += ["", "failed:", *_table(["video", "status", "reason"],
                                         [[str(r.video), r.status, r.reason] for r in failed])]
    known_bad = [s for s in report.skipped if s.unreadable]
    if known_bad:
        lines += ["", "skipped, unreadable and unchanged since the last run (--force retries them):",
                  *_table(["video", "reason"], [[str(s.video), s.record.reason] for s in known_bad])]
    return lines


def exit_code(report: BatchReport) -> int:
    """0: every video has its results; 1: some failed now or are known unreadable (see docs/scale.md)."""
    failed = any(r.status not in (DONE, CANCELLED) for r in report.results)
    return 1 if failed or any(s.unreadable for s in report.skipped) else 0
