"""The window follows processing without starving the worker: drawing is paced, the store is not."""
from __future__ import annotations

import time

from app import processing
from pipeline.pipeline import Pipeline
from tests.media_fixtures import write_mp4
from tests.test_app_window import _NoTracks, _SlowDetector, wait_idle
from tests.test_app_window import errors, no_models, settings, window  # noqa: F401 (fixtures)

FRAMES = 24


def test_slow_drawing_skips_frames_on_screen_but_stores_every_result(qtbot, window, no_models, errors,
                                                                     monkeypatch, tmp_path):
    video = write_mp4(tmp_path / "v.mp4", frames=FRAMES)
    drawn = []
    set_image = window.video.set_image

    def slow_set_image(rgb, message=""):  # a large window on a slow machine
        drawn.append(window.current_frame)
        time.sleep(0.02)
        set_image(rgb, message)

    monkeypatch.setattr(window.video, "set_image", slow_set_image)
    window.open_input(str(video))
    wait_idle(qtbot, window)
    assert errors == []
    assert len(window.store) == FRAMES and window.timeline.last_frame == FRAMES - 1
    assert window.current_frame == FRAMES - 1  # the newest result is on screen at the end
    assert 1 <= len(drawn) < FRAMES // 2
    assert drawn == sorted(drawn)


def test_scrubbing_back_while_processing_stops_following(qtbot, window, errors, monkeypatch, tmp_path):
    monkeypatch.setattr(processing, "build_pipeline",
                        lambda options: Pipeline(detector=_SlowDetector(), tracker=_NoTracks()))
    video = write_mp4(tmp_path / "v.mp4", frames=FRAMES)
    window.open_input(str(video))
    qtbot.waitUntil(lambda: window.current_frame >= 3, timeout=20_000)
    window.timeline.set_frame(1)
    wait_idle(qtbot, window)
    assert len(window.store) == FRAMES
    assert window.current_frame == 1
