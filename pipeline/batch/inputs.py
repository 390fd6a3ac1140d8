"""Which videos a batch covers: INPUTS are files, folders (searched recursively) and globs."""
from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

# Folder and glob searches keep these; a file named explicitly is taken whatever its suffix.
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".gif")


def _is_video(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES


def _expand(spec: str) -> list[Path]:
    path = Path(spec)
    if any(ch in spec for ch in "*?["):
        found = [p for p in map(Path, sorted(glob.glob(spec, recursive=True))) if _is_video(p)]
        if not found:
            raise ValueError(f"{spec}: the pattern matches no video ({', '.join(VIDEO_SUFFIXES)})")
        return found
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if _is_video(p))
        if not found:
            raise ValueError(f"{spec}: the folder holds no video ({', '.join(VIDEO_SUFFIXES)})")
        return found
    if path.is_file():
        return [path]
    raise ValueError(f"{spec}: no such file or folder")


def discover_videos(inputs: Sequence[str]) -> list[Path]:
    """Every video INPUTS name, absolute, each once, in the order given (folders sorted)."""
    if not inputs:
        raise ValueError("give at least one input: a video file, a folder or a glob")
    videos: dict[Path, None] = {}
    for spec in inputs:
        for path in _expand(spec):
            videos.setdefault(path.resolve(), None)
    return list(videos)
