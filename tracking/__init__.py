"""Multi-person tracking: SORT and Deep SORT, giving every person a stable id.

Trackers are objects with ``update(detections, image=None) -> Tracks``, called once per frame in
stream order. Ids start at 1 and are never reused within one tracker.
"""
from __future__ import annotations

from tracking.colour_encoder import ColourEncoder
from tracking.deepsort import DeepSort
from tracking.sort import Sort


def _deepsort(**options) -> DeepSort:
    """Deep SORT with the colour encoder unless another ``encoder`` (or None) is given."""
    options.setdefault("encoder", ColourEncoder())
    return DeepSort(**options)


TRACKERS = {"sort": Sort, "deepsort": _deepsort}


def make_tracker(name: str, **options) -> Sort | DeepSort:
    """A new tracker by name (``sort`` or ``deepsort``), with its keyword options."""
    try:
        factory = TRACKERS[name]
    except KeyError:
        raise ValueError(f"unknown tracker {name!r}; choose one of {sorted(TRACKERS)}") from None
    return factory(**options)
