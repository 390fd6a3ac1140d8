"""Shared test fixtures: the real data beside the repo, skipped with a reason when absent."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.paths import shared_data_dir  # noqa: E402


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests using it skip when it is not there (e.g. outside the team's machines)."""
    root = shared_data_dir()
    if not root.is_dir():
        pytest.skip(f"real data not found at {root} (set POSESCOPE_DATA to point at shared/data)")
    return root


def require(path: Path) -> Path:
    """Skip the calling test when one particular data file is missing."""
    if not path.exists():
        pytest.skip(f"needs {path}, which is absent")
    return path
