"""`main.py batch` on a real Ray (one head node started with `ray start` for the whole module):
the same JSON lines as `process`, bad videos isolated and reported, a rerun that skips finished work.
The two-node check is a script: python -m pipeline.batch.two_node_check (see docs/scale.md)."""
import json
import os

import pytest
import torch

import main as cli
from pipeline.batch.local_cluster import LocalRayCluster
from pipeline.batch.manifest import BAD_INPUT, DONE, MANIFEST_NAME
from pipeline.batch.sample_clips import make_clips

OPTIONS = ["--no-lift", "--threads", "1"]  # lifter off: models load faster; 1 thread: bit-equal runs


@pytest.fixture(scope="module")
def cluster():
    with LocalRayCluster(nodes=1, num_cpus=2) as running:
        yield running


@pytest.fixture(scope="module")
def first_run(cluster, shared_data, tmp_path_factory):
    """Two good clips, one truncated and one that is not a video, through one worker (so the
    second clip runs on a pipeline that already ran: stream state must be reset)."""
    root = tmp_path_factory.mktemp("batch")
    clips = make_clips(shared_data, root / "clips", count=3, frames=4, truncated=1)
    junk = root / "clips" / "junk.mp4"
    junk.write_bytes(b"not a video" * 100)
    out = root / "out"
    args = ["batch", str(root / "clips"), "--out", str(out), "--json", "--address", cluster.address,
            "--workers", "1", *OPTIONS]
    code = cli.main(args)
    return {"args": args, "code": code, "clips": clips, "junk": junk, "out": out,
            "manifest": json.loads((out / MANIFEST_NAME).read_text())["videos"]}


def test_bad_videos_are_reported_and_the_others_done(first_run):
    good, truncated = first_run["clips"][:2], first_run["clips"][2]
    records, out = first_run["manifest"], first_run["out"]
    assert first_run["code"] == 1
    assert [records[str(c)]["status"] for c in good] == [DONE, DONE]
    assert records[str(truncated)]["status"] == BAD_INPUT and "truncated" in records[str(truncated)]["reason"]
    assert records[str(first_run["junk"])]["status"] == BAD_INPUT
    assert "not a readable video" in records[str(first_run["junk"])]["reason"]
    # one folder per good video with exactly its export; nothing for the bad ones, no temporaries
    assert sorted(os.listdir(out)) == sorted([MANIFEST_NAME, "clip0", "clip1"])
    for clip in good:
        assert os.listdir(out / clip.stem) == [f"{clip.stem}.jsonl"]
        assert records[str(clip)]["frames"] == 4


def test_batch_json_lines_equal_those_of_process(first_run, tmp_path):
    threads = torch.get_num_threads()
    try:
        for clip in first_run["clips"][:2]:
            json_path = tmp_path / f"{clip.stem}.jsonl"
            assert cli.main(["process", str(clip), "-o", str(tmp_path / "x.mp4"), "--json", str(json_path),
                             *OPTIONS]) == 0
            batch_lines = (first_run["out"] / clip.stem / f"{clip.stem}.jsonl").read_text().splitlines()
            assert batch_lines == json_path.read_text().splitlines()
            assert any(json.loads(line)["people"] for line in batch_lines)  # people were found: a real comparison
    finally:
        torch.set_num_threads(threads)


def test_a_rerun_skips_finished_and_known_bad_videos(first_run, capsys):
    out = first_run["out"]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    assert cli.main(first_run["args"]) == 1  # the bad clips still have no results
    text = capsys.readouterr().out
    assert "0 done, 0 failed, 4 skipped" in text and "unreadable and unchanged" in text
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
