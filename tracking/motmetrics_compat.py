"""Import point for motmetrics, made to work with numpy 2.

motmetrics 1.4.0 (the newest release) still calls ``np.asfarray``, which numpy 2 removed. Restoring
that one alias before the import is cheaper and safer than pinning numpy below 2. Import ``mm`` from
here, never ``motmetrics`` directly, so the alias is always in place first.
"""
from __future__ import annotations

import numpy as np

if not hasattr(np, "asfarray"):
    np.asfarray = lambda a, dtype=np.float64: np.asarray(a, dtype=dtype)  # type: ignore[attr-defined]

import motmetrics as mm  # noqa: E402

__all__ = ["mm"]
