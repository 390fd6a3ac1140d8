"""Where a video's exports go: ``OUT/<name>/<name>.<ext>``, one folder per video.

``<name>`` is the file's stem; two inputs with the same stem (``a/clip.mp4``, ``b/clip.mp4``) get
``clip`` and ``clip-2``. Names already given by an earlier run (the manifest keeps them) are kept,
so a rerun with more inputs never moves existing results.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pipeline.video_job import ExportTargets

# Export name (an ExportTargets field and a CLI flag) -> file suffix; BVH is a folder of one file per person.
EXPORT_SUFFIXES = {"json": ".jsonl", "csv": ".csv", "mp4": ".mp4", "bvh": "_bvh"}


def assign_names(videos: Iterable[Path], known: Mapping[str, str]) -> dict[Path, str]:
    """A unique output name per video; ``known`` maps input paths (str) to names given before."""
    names: dict[Path, str] = {}
    taken = set(known.values())
    for video in videos:
        if str(video) in known:
            names[video] = known[str(video)]
            continue
        name, n = video.stem, 1
        while name in taken:
            n += 1
            name = f"{video.stem}-{n}"
        taken.add(name)
        names[video] = name
    return names


def export_targets(out_dir: Path, name: str, exports: Iterable[str]) -> ExportTargets:
    """The paths of the chosen exports of the video called ``name``."""
    folder = out_dir / name
    return ExportTargets(**{export: folder / f"{name}{EXPORT_SUFFIXES[export]}" for export in exports})


def remove_leftovers(targets: ExportTargets) -> None:
    """Delete temporary files a killed worker left beside the targets (atomic writes name them
    ``.<target name>.<random>``); a cleanly stopped job never leaves any."""
    for target in targets.requested():
        for stale in target.parent.glob(f".{target.name}.*"):
            stale.unlink(missing_ok=True)
