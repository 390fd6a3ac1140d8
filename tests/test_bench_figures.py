"""The figures ``main.py bench`` derives from its timings."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.bench import marginal_ms_per_person


def test_marginal_cost_per_person_is_not_confused_by_either_kind_of_keyframe():
    rng = np.random.default_rng(0)
    rows, detect_calls, regional = [], 0, 0
    for frame in range(300):
        people = int(rng.integers(1, 9))
        whole, region = frame % 4 == 0, frame % 4 == 2 and people > 4  # regional keyframes come with crowds
        detect_calls += whole
        regional += region
        rows.append((people, detect_calls, regional, 10.0 + 5.0 * people + 120.0 * whole + 60.0 * region))
    assert marginal_ms_per_person(rows) == pytest.approx(5.0)
    assert np.isnan(marginal_ms_per_person(rows[:2]))
