import csv
import json
import os

import cv2
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from common.atomic import ExportPathError, atomic_path
from common.colors import track_color
from common.exporters import (ExportCancelled, VideoOptions, VideoWriters, annotate, export_annotated,
                              write_csv, write_jsonl)
from common.store import ResultsStore
from common.types import Frame
from tests.media_fixtures import frame_pattern
from tests.test_store import make_result


def _frames(n=10, size=(97, 63)):
    return [Frame(i, i / 10, frame_pattern(i, *size)) for i in range(n)]


def _store(n=10):
    store = ResultsStore(fps=10)
    for i in range(n):
        store.add(make_result(i, [1, 2]))
    return store


def test_mp4_is_h264_with_right_frame_count_and_even_size(tmp_path):
    out = tmp_path / "out.mp4"
    written = export_annotated(_frames(), _store(), mp4=out, options=VideoOptions(frame_step=2), source_fps=10)
    assert written == 5
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = reader.__next__()
    assert meta["codec"] == "h264"
    assert tuple(meta["size"]) == (96, 62)  # odd sizes rounded down to even for yuv420p
    assert meta["fps"] == pytest.approx(5.0)
    assert sum(1 for _ in reader) == 5


def test_mp4_preset_and_bitrate_reach_the_encoder(tmp_path):
    """A slower preset or a low bitrate makes a smaller file of the same frames: the options are used."""
    frames = [Frame(i, i / 10, frame_pattern(i, 320, 240)) for i in range(12)]
    sizes = {}
    for name, options in (("veryfast", VideoOptions()), ("slow", VideoOptions(x264_preset="slow")),
                          ("100k", VideoOptions(bitrate="100k"))):
        export_annotated(frames, _store(12), mp4=tmp_path / f"{name}.mp4", options=options, source_fps=10)
        sizes[name] = (tmp_path / f"{name}.mp4").stat().st_size
    assert sizes["slow"] < sizes["veryfast"] and sizes["100k"] < sizes["veryfast"]


def test_gif_honours_width_and_fps(tmp_path):
    out = tmp_path / "out.gif"
    export_annotated(_frames(), _store(), gif=out, options=VideoOptions(width=48, fps=5), source_fps=10)
    with Image.open(out) as gif:
        assert gif.n_frames == 10 and gif.size == (48, 31)
        assert gif.info["duration"] == 200


def test_include_3d_puts_the_scene_beside_the_frame():
    frame = frame_pattern(0, 120, 80)
    picture = annotate(frame, make_result(0, [1, 2]), include_3d=True)
    assert picture.shape == (80, 200, 3)
    assert picture[:, 120:].std() > 5  # skeletons and grid were drawn


def test_cancelled_export_leaves_nothing(tmp_path):
    out = tmp_path / "out.mp4"
    calls = []
    with pytest.raises(ExportCancelled):
        export_annotated(_frames(), _store(), mp4=out, gif=tmp_path / "o.gif",
                         cancelled=lambda: len(calls) > 3, progress=lambda i, n: calls.append(i))
    assert os.listdir(tmp_path) == []


def test_unwritable_paths_are_named_before_anything_runs(tmp_path):
    with pytest.raises(ExportPathError, match="does not exist"):
        export_annotated(_frames(), _store(), mp4=tmp_path / "missing" / "out.mp4")
    with pytest.raises(ExportPathError, match="is a folder"):
        with atomic_path(tmp_path):
            pass


def test_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "data.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["data.jsonl"]


def test_jsonl_and_csv_hold_every_person(tmp_path):
    store = _store(4)
    write_jsonl(store, tmp_path / "r.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["frame"] for r in lines] == [0, 1, 2, 3]
    person = lines[2]["people"][1]
    assert person["track_id"] == 2 and len(person["keypoints2d"]) == 17
    np.testing.assert_allclose(person["joints3d_mm"], store.frame(2).poses3d.joints[1], atol=0.06)
    write_csv(store, tmp_path / "r.csv")
    rows = list(csv.DictReader(open(tmp_path / "r.csv")))
    assert len(rows) == 8
    assert float(rows[5]["l_wrist_x"]) == pytest.approx(store.frame(2).poses2d.keypoints[1, 9, 0], abs=1e-3)
    assert float(rows[5]["pelvis_z_mm"]) == pytest.approx(store.frame(2).poses3d.joints[1, 0, 2], abs=0.06)


def test_bad_video_options_are_rejected():
    for kwargs in ({"frame_step": 0}, {"width": 4}, {"fps": -1}, {"gif_colors": 1}, {"x264_preset": "quick"}):
        with pytest.raises(ValueError):
            VideoOptions(**kwargs)


def test_gif_without_a_width_is_capped_for_sharing(tmp_path):
    frames = [Frame(i, i / 10, frame_pattern(i, 640, 360)) for i in range(3)]
    export_annotated(frames, _store(3), gif=tmp_path / "o.gif", options=VideoOptions(gif_max_width=320))
    with Image.open(tmp_path / "o.gif") as gif:
        assert gif.size == (320, 180)


def test_gif_frames_keep_their_colours_with_shared_palettes(tmp_path):
    """A palette is shared by a run of frames, yet a person drawn later keeps their track colour
    and a changed scene gets a new palette."""
    frames = [frame_pattern(i, 96, 64) for i in range(8)]
    person = track_color(7)
    cv2.rectangle(frames[5], (40, 20), (70, 50), person, -1)  # appears after the palette was made
    options = VideoOptions(fps=10, gif_palette_every=4)
    with VideoWriters(None, tmp_path / "o.gif", 10, options) as writers:
        for frame in frames:
            writers.write(frame)
    with Image.open(tmp_path / "o.gif") as gif:
        decoded = []
        for index in range(gif.n_frames):
            gif.seek(index)
            decoded.append(np.asarray(gif.convert("RGB"), dtype=int))
    assert np.abs(decoded[5][35, 55] - person).max() <= 24
    for index in (0, 4):  # the background changes every frame; each run starts a new palette
        assert np.abs(decoded[index][5, 5] - frames[index][5, 5]).max() <= 4
