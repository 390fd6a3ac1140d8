"""MOT files, the metric path, and SORT against the reference implementation on MOT15."""
from __future__ import annotations

import numpy as np
import pytest

from common.types import Tracks
from tests.conftest import require
from tracking import evaluate
from tracking.mot_format import MOTFormatError, frames_of, load_detections, write_tracks
from tracking.mot_scoring import score

# The reference SORT (abewley/sort, defaults) on the same det.txt, scored by motmetrics 1.4.0 at
# IoU ≥ 0.5 with flag-0 ground truth dropped; see docs/tracking.md for how it was run.
REFERENCE_SORT = {  # sequence: (MOTA %, IDF1 %)
    "ADL-Rundle-6": (38.09, 43.38), "ETH-Sunnyday": (59.15, 72.44), "KITTI-13": (19.29, 43.81),
    "KITTI-17": (60.18, 71.08), "PETS09-S2L1": (61.86, 35.10), "TUD-Campus": (62.67, 60.65),
}


def test_metric_path_reproduces_motmetrics_reference(shared_data):
    seq = shared_data / "mot15" / "TUD-Campus"
    gt = require(seq / "gt" / "gt.txt")
    hyp = require(seq / "reference_tracker_output" / "TUD-Campus.txt")
    row = score({"TUD-Campus": (gt, hyp)}).loc["TUD-Campus"]
    assert row["MOTA"] == pytest.approx(52.6, abs=0.05)
    assert row["IDF1"] == pytest.approx(55.8, abs=0.05)
    assert (row["FP"], row["FN"], row["IDsw"]) == (13, 150, 7)


def test_sort_matches_or_beats_reference_sort_on_mot15(shared_data, tmp_path, capsys):
    data = shared_data / "mot15"
    seqs = [s for s in REFERENCE_SORT if (data / s / "gt" / "gt.txt").exists()]
    if not seqs:
        pytest.skip("no MOT15 ground truth here")
    table = evaluate.main(["--data", str(data), "--seqs", *seqs, "--tracker", "sort",
                           "--out", str(tmp_path)])
    for seq in seqs:
        mota, idf1 = REFERENCE_SORT[seq]
        assert table.loc[seq, "MOTA"] >= mota - 0.5, seq
        assert table.loc[seq, "IDF1"] >= idf1 - 0.5, seq
    assert "Hz" in capsys.readouterr().out
    assert (tmp_path / f"{seqs[0]}.txt").stat().st_size > 0


def _write_det(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(",".join(map(str, r)) + "\n" for r in rows))


def test_evaluate_command_on_a_synthetic_sequence(tmp_path, capsys):
    """Two people walking: tracking the exact boxes must score perfectly after the first frames."""
    det, gt = [], []
    for frame in range(1, 31):
        for pid, (x0, vx) in enumerate([(50, 3), (400, -3)], start=1):
            x = x0 + vx * frame
            det.append([frame, -1, x, 100, 40, 100, 0.9, -1, -1, -1])
            gt.append([frame, pid, x, 100, 40, 100, 1, -1, -1, -1])
    _write_det(tmp_path / "data" / "walk" / "det" / "det.txt", det)
    _write_det(tmp_path / "data" / "walk" / "gt" / "gt.txt", gt)
    _write_det(tmp_path / "data" / "nogt" / "det" / "det.txt", det[:10])
    for name in ("sort", "deepsort"):
        table = evaluate.main(["--data", str(tmp_path / "data"), "--seqs", "walk", "nogt",
                               "--tracker", name, "--out", str(tmp_path / name)])
        assert list(table.index) == ["walk"]  # only the sequence with ground truth is scored
        assert table.loc["walk", "IDsw"] == 0 and table.loc["walk", "FP"] == 0
        assert table.loc["walk", "MOTA"] > 90.0
        assert (tmp_path / name / "nogt.txt").exists()
    assert "motion only" in capsys.readouterr().out


def test_frames_of_sorts_rows_and_fills_empty_frames(tmp_path):
    rows = [[3, -1, 0, 0, 10, 20, 0.8], [1, -1, 5, 5, 10, 10, 0.9], [3, -1, 1, 1, 2, 2, 0.7]]
    _write_det(tmp_path / "det.txt", rows)
    frames = list(frames_of(load_detections(tmp_path / "det.txt")))
    assert [f for f, _ in frames] == [1, 2, 3]
    assert [len(d) for _, d in frames] == [1, 0, 2]
    np.testing.assert_allclose(frames[0][1].boxes[0], [5, 5, 15, 15])
    np.testing.assert_allclose(frames[2][1].scores, [0.8, 0.7])


def test_bad_mot_files_raise_clear_errors(tmp_path):
    (tmp_path / "a.txt").write_text("1,-1,2,3\n")
    with pytest.raises(MOTFormatError, match="columns"):
        load_detections(tmp_path / "a.txt")
    (tmp_path / "b.txt").write_text("0.5,-1,1,1,1,1,1\n")
    with pytest.raises(MOTFormatError, match="frame numbers"):
        load_detections(tmp_path / "b.txt")
    with pytest.raises(MOTFormatError, match="not a readable"):
        load_detections(tmp_path / "missing.txt")


def test_write_tracks_round_trips_through_mot_rows(tmp_path):
    tracks = Tracks([7], [[10.0, 20.0, 50.0, 120.0]], [0.75], [0])
    write_tracks(tmp_path / "o.txt", [(4, tracks), (5, Tracks.empty())])
    assert (tmp_path / "o.txt").read_text() == "4,7,10.00,20.00,40.00,100.00,0.7500,-1,-1,-1\n"
