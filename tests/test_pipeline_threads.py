"""The export stage thread: order, failure and cancel, with stage doubles (no models)."""
import json
import os
import threading
import time

import cv2
import imageio_ffmpeg
import numpy as np
import pytest

from common.exporters import GifWriter
from common.sources import ImageFolderSource
from common.store import ResultsStore
from pipeline.pipeline import Cancelled, Pipeline
from pipeline.stage_threads import StageThread
from pipeline.video_job import ExportTargets, process_video
from tests.media_fixtures import frame_pattern
from tests.test_pipeline_wiring import BoxCornersEstimator, BrightBlobDetector, FlatLifter, KeepIdTracker

FRAMES = 12


def _pipeline() -> Pipeline:
    return Pipeline(BrightBlobDetector(), KeepIdTracker(), BoxCornersEstimator(), FlatLifter())


@pytest.fixture
def images(tmp_path):
    """An image folder whose frames encode their index in the red channel."""
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(FRAMES):
        cv2.imwrite(str(folder / f"{i:03d}.png"), cv2.cvtColor(frame_pattern(i), cv2.COLOR_RGB2BGR))
    return folder


def _stage_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name in ("video-export", "frame-prefetch")]


def test_stage_thread_handles_items_in_order():
    seen = []
    with StageThread(lambda item: (time.sleep(0.001 * (item % 3)), seen.append(item)), "test-stage", depth=2) as stage:
        for item in range(30):
            stage.submit(item)
    assert seen == list(range(30))
    assert "test-stage" not in [t.name for t in threading.enumerate()]


def test_a_failing_stage_stops_its_feeder():
    def handle(item):
        if item == 3:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        with StageThread(handle, "test-failing", depth=1) as stage:
            for item in range(1000):
                stage.submit(item)
    assert item < 10  # the feeder stopped soon after the failure, not at the end
    assert "test-failing" not in [t.name for t in threading.enumerate()]


def test_exports_are_in_frame_order_and_match_the_serial_run(images, tmp_path):
    targets = ExportTargets(mp4=tmp_path / "o.mp4", gif=tmp_path / "o.gif", json=tmp_path / "o.jsonl")
    summary = process_video(str(images), targets, _pipeline())
    assert summary.frames == FRAMES and summary.first_frame_s > 0
    serial = ResultsStore()
    _pipeline().run(ImageFolderSource(images), serial)
    lines = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [line["frame"] for line in lines] == list(range(FRAMES))
    for line, result in zip(lines, serial):
        assert [p["box"] for p in line["people"]] == np.round(result.boxes, 2).tolist()
    reader = imageio_ffmpeg.read_frames(str(tmp_path / "o.mp4"))
    meta = next(reader)
    width, height = meta["size"]
    reds = [np.frombuffer(raw, np.uint8).reshape(height, width, 3)[50:, 60:, 0].mean() for raw in reader]
    np.testing.assert_allclose(reds, [i * 20 for i in range(FRAMES)], atol=6)  # each frame in its place
    assert _stage_threads() == []


def test_a_failing_writer_stops_the_run_and_leaves_nothing(images, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    written = []

    def write(self, image):
        if len(written) == 4:
            raise OSError("disk full")
        written.append(image)

    monkeypatch.setattr(GifWriter, "write", write)
    processed = []
    with pytest.raises(OSError, match="disk full"):
        process_video(str(images), ExportTargets(mp4=out / "o.mp4", gif=out / "o.gif", json=out / "o.jsonl"),
                      _pipeline(), progress=lambda done, total, people: processed.append(done))
    assert os.listdir(out) == []
    assert len(processed) < FRAMES  # the models stopped too, not only the writer
    assert _stage_threads() == []


@pytest.mark.parametrize("stop_after", [0, 5])
def test_cancel_at_any_point_leaves_nothing_and_no_thread(images, tmp_path, stop_after):
    out = tmp_path / "out"
    out.mkdir()
    processed = []
    with pytest.raises(Cancelled):
        process_video(str(images), ExportTargets(mp4=out / "o.mp4", gif=out / "o.gif", json=out / "o.jsonl"),
                      _pipeline(), progress=lambda done, total, people: processed.append(done),
                      cancelled=lambda: len(processed) >= stop_after)
    assert len(processed) == stop_after
    assert os.listdir(out) == []
    assert _stage_threads() == []
