"""Where things live: the repository, bundled assets and the shared real data."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"
WEIGHTS_DIR = ASSETS_DIR / "weights"


def shared_data_dir() -> Path:
    """Real data kept beside the repo (``../shared/data``), or ``$POSESCOPE_DATA`` if set.

    Never copied into the project; tests that need it skip when it is absent.
    """
    env = os.environ.get("POSESCOPE_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def cache_dir() -> Path:
    """Files PoseScope builds and may rebuild (npm tarballs, ONNX exports): never in the repository.

    ``$POSESCOPE_CACHE`` if set, else ``$XDG_CACHE_HOME/posescope``, else ``~/.cache/posescope``.
    """
    env = os.environ.get("POSESCOPE_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "posescope"
