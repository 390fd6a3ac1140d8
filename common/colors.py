"""One stable colour per track id, shared by the video renderer, the 3D view and the plots."""
from __future__ import annotations

import colorsys

GOLDEN_RATIO = 0.618033988749895


def track_color(track_id: int) -> tuple[int, int, int]:
    """An RGB colour (0-255) for ``track_id``; neighbouring ids get well-separated hues."""
    hue = (int(track_id) * GOLDEN_RATIO) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.85, 1.0)
    return int(r * 255), int(g * 255), int(b * 255)
