"""`main.py batch` without Ray: inputs, names, manifest, worker sizing, and bad usage (exit 2, nothing written)."""
import json
import os
from pathlib import Path

import pytest

import main as cli
from pipeline.batch.cluster import plan_workers
from pipeline.batch.driver import BatchRequest, plan_jobs
from pipeline.batch.inputs import discover_videos
from pipeline.batch.layout import assign_names, export_targets
from pipeline.batch.local_cluster import free_port
from pipeline.batch.manifest import BAD_INPUT, DONE, Fingerprint, Manifest, VideoRecord, options_hash
from pipeline.factory import PipelineOptions


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_inputs_expand_folders_and_globs_once_each(tmp_path):
    a = _touch(tmp_path / "a" / "one.mp4")
    b = _touch(tmp_path / "a" / "deep" / "two.AVI")
    _touch(tmp_path / "a" / "notes.txt")
    c = _touch(tmp_path / "b" / "three.mov")
    found = discover_videos([str(tmp_path / "a"), str(tmp_path / "*" / "*.mov"), str(a)])
    assert found == [b.resolve(), a.resolve(), c.resolve()]


@pytest.mark.parametrize("make, message", [
    (lambda d: (d / "empty").mkdir() or d / "empty", "holds no video"),
    (lambda d: d / "missing.mp4", "no such file or folder"),
    (lambda d: d / "*.mkv", "matches no video"),
])
def test_inputs_that_name_no_video_are_errors(tmp_path, make, message):
    with pytest.raises(ValueError, match=message):
        discover_videos([str(make(tmp_path))])


def test_names_are_unique_and_earlier_names_are_kept(tmp_path):
    x, y, z = tmp_path / "1" / "clip.mp4", tmp_path / "2" / "clip.mp4", tmp_path / "3" / "clip.avi"
    assert assign_names([x, y, z], {}) == {x: "clip", y: "clip-2", z: "clip-3"}
    # y was processed alone before and got "clip": it keeps it, x takes the next free name
    assert assign_names([x, y], {str(y): "clip"}) == {x: "clip-2", y: "clip"}


def test_manifest_says_what_is_finished(tmp_path):
    video = _touch(tmp_path / "in" / "v.mp4", b"video")
    bad = _touch(tmp_path / "in" / "bad.mp4", b"junk")
    out = tmp_path / "out"
    digest = options_hash(PipelineOptions(lift=False), None)
    output = _touch(export_targets(out, "v", ["json"]).json)
    manifest = Manifest(out)
    fp, fp_bad = Fingerprint.of(video), Fingerprint.of(bad)
    manifest.record(video, VideoRecord("v", fp.size, fp.mtime_ns, DONE, digest, ["json", "bvh"], ["v/v.jsonl"]))
    manifest.record(bad, VideoRecord("bad", fp_bad.size, fp_bad.mtime_ns, BAD_INPUT, digest, reason="truncated"))
    manifest.save()
    manifest = Manifest.load(out)
    assert manifest.finished(video, digest, ["json"]) is not None
    assert manifest.finished(video, digest, ["json", "bvh"]) is not None  # no person in 3D: no BVH file, still done
    assert manifest.finished(bad, "other options", []).status == BAD_INPUT  # unreadable whatever the options
    # threads do not change results; every other option does
    assert options_hash(PipelineOptions(lift=False, threads=3), None) == digest
    assert manifest.finished(video, options_hash(PipelineOptions(lift=False, detect_every=2), None), ["json"]) is None
    assert manifest.finished(video, options_hash(PipelineOptions(lift=False), 10), ["json"]) is None
    # another export was asked for, or an output went missing, or the input changed: redo
    assert manifest.finished(video, digest, ["json", "csv"]) is None
    output.unlink()
    assert manifest.finished(video, digest, ["json"]) is None
    _touch(output)
    os.utime(video, ns=(fp.mtime_ns + 10**9, fp.mtime_ns + 10**9))
    assert manifest.finished(video, digest, ["json"]) is None


def test_a_manifest_that_is_not_ours_is_a_clear_error(tmp_path):
    (tmp_path / "posescope-batch.json").write_text(json.dumps({"something": "else"}))
    with pytest.raises(ValueError, match="not a PoseScope batch manifest"):
        Manifest.load(tmp_path)


def test_workers_share_cores_and_use_gpus_when_there(capsys):
    assert plan_workers({"CPU": 8.0}, None, None) == plan_workers({"CPU": 8.0}, 8, "cpu")
    one_each = plan_workers({"CPU": 8.0}, None, "cpu")
    assert (one_each.count, one_each.num_cpus, one_each.threads) == (8, 1.0, 1)
    two = plan_workers({"CPU": 8.0}, 2, "cpu")
    assert (two.count, two.num_cpus, two.threads, two.device) == (2, 4.0, 4, "cpu")
    assert plan_workers({"CPU": 8.0}, 2, "cpu", threads=1).threads == 1  # --threads wins
    crowded = plan_workers({"CPU": 2.0}, 4, "cpu")
    assert (crowded.num_cpus, crowded.threads) == (0.5, 1)
    gpu = plan_workers({"CPU": 16.0, "GPU": 2.0}, None, None)
    assert (gpu.count, gpu.num_gpus, gpu.device) == (2, 1.0, "cuda")
    assert plan_workers({"CPU": 4.0, "GPU": 1.0}, 2, "cuda").num_gpus == 0.5
    assert plan_workers({"CPU": 4.0}, None, "cuda").device == "cpu"
    assert "no GPU" in capsys.readouterr().out


def _batch(args, capsys):
    code = cli.main(["batch", *args])
    return code, capsys.readouterr().err


def test_an_empty_folder_is_bad_usage(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, err = _batch([str(tmp_path / "empty"), "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "holds no video" in err
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_written_is_bad_usage(tmp_path, capsys):
    video = _touch(tmp_path / "v.mp4")
    blocker = _touch(tmp_path / "taken", b"a file")
    code, err = _batch([str(video), "--out", str(blocker)], capsys)
    assert code == 2 and "is a file, not a folder" in err
    code, err = _batch([str(video), "--out", str(blocker / "sub")], capsys)
    assert code == 2 and "cannot create the folder" in err
    assert blocker.read_bytes() == b"a file"


def test_a_cluster_address_with_nobody_there_fails_fast(tmp_path, capsys, monkeypatch):
    video = _touch(tmp_path / "v.mp4")
    out = tmp_path / "out"
    code, err = _batch([str(video), "--out", str(out), "--address", f"127.0.0.1:{free_port()}"], capsys)
    assert code == 2 and "no Ray cluster answers at 127.0.0.1" in err
    assert os.listdir(out) == []
    code, err = _batch([str(video), "--out", str(tmp_path / "out2"), "--address", "somewhere"], capsys)
    assert code == 2 and "HOST:PORT" in err
    assert not (tmp_path / "out2").exists()  # usage errors are found before the folder is made
    monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{free_port()}")  # what --address auto follows first
    code, err = _batch([str(video), "--out", str(out), "--address", "auto"], capsys)
    assert code == 2 and "no Ray cluster answers at" in err  # Ray resolves 127.0.0.1 to this node's IP


def test_force_redoes_what_the_manifest_says_is_done(tmp_path):
    video = _touch(tmp_path / "v.mp4", b"video")
    out = tmp_path / "out"
    options = PipelineOptions(lift=False)
    fp = Fingerprint.of(video)
    manifest = Manifest(out)
    manifest.record(video.resolve(), VideoRecord("v", fp.size, fp.mtime_ns, DONE, options_hash(options, None),
                                                 ["json"], ["v/v.jsonl"]))
    _touch(out / "v" / "v.jsonl")
    request = BatchRequest([video.resolve()], out, ["json"], options)
    jobs, skipped = plan_jobs(request, manifest)
    assert (jobs, [s.video for s in skipped]) == ([], [video.resolve()])
    request.force = True
    jobs, skipped = plan_jobs(request, manifest)
    assert [(j.video, j.name, j.targets.json) for j in jobs] == [(video.resolve(), "v", out / "v" / "v.jsonl")]
    assert skipped == []
