import json
import os
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image

import main as cli

DEMO = Path(__file__).resolve().parent.parent / "assets" / "demo.mp4"


def test_process_writes_playable_exports(tmp_path):
    out = tmp_path / "demo.mp4"
    code = cli.main(["process", str(DEMO), "-o", str(out), "--gif", str(tmp_path / "demo.gif"),
                     "--json", str(tmp_path / "demo.jsonl"), "--csv", str(tmp_path / "demo.csv"),
                     "--store", str(tmp_path / "demo.npz"), "--max-frames", "6", "--width", "384"])
    assert code == 0
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert meta["codec"] == "h264" and tuple(meta["size"]) == (384, 288)
    assert sum(1 for _ in reader) == 6
    with Image.open(tmp_path / "demo.gif") as gif:
        assert gif.n_frames == 6
    lines = (tmp_path / "demo.jsonl").read_text().splitlines()
    assert [json.loads(line)["frame"] for line in lines] == list(range(6))


@pytest.mark.parametrize("make_input, message", [
    (lambda d: d / "missing.mp4", "not found"),
    (lambda d: ((d / "x.mp4").write_text("garbage" * 100), d / "x.mp4")[1], "not a readable video"),
    (lambda d: "98", "no camera at index 98"),
])
def test_bad_inputs_exit_non_zero_and_leave_nothing(tmp_path, capsys, make_input, message):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code = cli.main(["process", str(make_input(tmp_path)), "-o", str(out_dir / "o.mp4"),
                     "--json", str(out_dir / "o.jsonl")])
    assert code == 2
    assert message in capsys.readouterr().err
    assert os.listdir(out_dir) == []


def test_unwritable_export_path_fails_before_processing(tmp_path, capsys):
    code = cli.main(["process", str(DEMO), "-o", str(tmp_path / "no" / "such" / "dir.mp4")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_process_adapts_the_temporal_lifter_only_when_asked_and_only_for_it(tmp_path, capsys):
    code = cli.main(["process", str(DEMO), "-o", str(tmp_path / "a.mp4"), "--lifter", "single", "--adapt-steps", "5"])
    assert code == 2 and "not --lifter single" in capsys.readouterr().err
    assert not (tmp_path / "a.mp4").exists()
    code = cli.main(["process", str(DEMO), "-o", str(tmp_path / "b.mp4"), "--json", str(tmp_path / "b.jsonl"),
                     "--lifter", "temporal", "--adapt-steps", "3", "--max-frames", "12", "--width", "320"])
    captured = capsys.readouterr()
    assert code == 0 and "adapting to this video" in captured.err and "3D lifter: temporal" in captured.out
    rows = [json.loads(line) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert len(rows) == 12
