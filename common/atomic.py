"""Atomic file output: write to a temporary file beside the target, rename when complete.

An export that fails or is cancelled leaves nothing half-written behind, and an existing file
at the target survives until the new one is whole.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ExportPathError(OSError):
    """The export target cannot be written (missing folder, no permission, a folder in the way)."""


def check_writable(path: str | Path) -> Path:
    """Fail early, with a clear message, if ``path`` cannot be created."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportPathError(f"cannot write {path}: it is a folder")
    if not parent.is_dir():
        raise ExportPathError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ExportPathError(f"cannot write {path}: no permission to write in {parent}")
    return path


@contextmanager
def atomic_path(path: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``path`` on success.

    ``suffix`` keeps the extension on the temporary name for writers that infer the format.
    """
    path = check_writable(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix,
                                    dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; exports are ordinary files
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: str | Path, data: object) -> Path:
    """``data`` as indented JSON at ``path`` (folders made as needed), atomically: evaluation reports."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2))
    return path
