"""Multi-person tracking: SORT and Deep SORT, giving every person a stable id.

Trackers are objects with ``update(detections, image=None) -> Tracks``, called once per frame in
stream order. Ids start at 1 and are never reused within one tracker.
"""
from __future__ import annotations

from typing import Callable

from tracking.sort import Sort

TRACKERS: dict[str, Callable[..., object]] = {"sort": Sort}


def make_tracker(name: str, **options):
    """A new tracker by name (``sort`` or ``deepsort``), with its keyword options."""
    try:
        factory = TRACKERS[name]
    except KeyError:
        raise ValueError(f"unknown tracker {name!r}; choose one of {sorted(TRACKERS)}") from None
    return factory(**options)
