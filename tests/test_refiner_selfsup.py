"""Self-supervision for the temporal lifter: 2D-only (unlabelled) Human3.6M subjects, HumanEva data,
adaptation training and the HumanEva cross-dataset evaluation."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from refiner.evaluate_humaneva import main as evaluate_humaneva
from refiner.humaneva_data import FILE_NAME, H36M_OF_HUMANEVA, load_humaneva, to_h36m17
from refiner.synthetic import CAMERA, make_dataset, random_poses
from refiner.temporal_training_data import humaneva_track_set, load_track_sets
from refiner.train import load_config
from refiner.train_temporal import train

TINY_MODEL = "model_config={width: 16, filter_widths: [3, 3], dropout: 0.0, causal: false, in_features: 54}"


def make_humaneva(root, frames: int = 40) -> None:
    """A HumanEva-layout npz: one chunk per split, three cameras, world metres and pixels."""
    arrays = {}
    for i, split in enumerate(("Train", "Validate")):
        world = random_poses(frames, seed=i)
        arrays[f"3d/{split}/S1/Walking 1 chunk{i}"] = world[:, H36M_OF_HUMANEVA] / 1000.0
        for c in ("C1", "C2", "C3"):
            arrays[f"2d/{split}/S1/Walking 1 chunk{i}/{c}"] = CAMERA.project(CAMERA.world_to_camera(world))[:, H36M_OF_HUMANEVA].astype(np.float32)
    root.mkdir(parents=True, exist_ok=True)
    np.savez(root / FILE_NAME, **arrays)


def test_humaneva_joints_map_onto_h36m17_with_spine_and_neck_unobserved():
    joints15 = np.arange(30, dtype=np.float32).reshape(1, 15, 2)
    joints17, visible = to_h36m17(joints15)
    assert np.array_equal(joints17[0, H36M_OF_HUMANEVA], joints15[0])
    assert visible[0].sum() == 15 and not visible[0, 7] and not visible[0, 9]
    assert len(set(H36M_OF_HUMANEVA.tolist())) == 15


def test_unlabelled_sets_carry_no_3d(tmp_path):
    data = make_dataset(tmp_path / "h36m", subjects=("S5",), frames=20)
    gt, _ = load_track_sets(data, ["S5"], with_detections=False)
    unlabelled = gt.without_targets()
    assert torch.isnan(unlabelled.target).all() and torch.equal(unlabelled.joints2d, gt.joints2d)
    make_humaneva(tmp_path / "he")
    tracks = humaneva_track_set(tmp_path / "he", "Train")
    assert len(tracks) == 3 * 40 and tracks.detected.all() and torch.isnan(tracks.target).all()
    with pytest.raises(ValueError, match="no HumanEva tracks"):
        load_humaneva(tmp_path / "he", "Test")
    with pytest.raises(FileNotFoundError, match="HumanEva file not found"):
        load_humaneva(tmp_path / "nowhere", "Train")


@pytest.mark.parametrize("source", ["h36m", "humaneva"])
def test_semi_supervised_training_logs_each_label_free_term(tmp_path, source):
    data = make_dataset(tmp_path / "h36m", subjects=("S1", "S5", "S8"), frames=30)
    make_humaneva(tmp_path / "he")
    unlabelled = ({"source": "h36m", "dir": str(data), "subjects": ["S5"], "sh_fraction": 0.25, "fraction": 0.5}
                  if source == "h36m" else {"source": "humaneva", "dir": str(tmp_path / "he"), "fraction": 0.25,
                                            "strides": {2: 1.0}})
    cfg = load_config("refiner/configs/temporal_semi_s1.yaml",
                      [f"data.dir={data}", "data.samples_per_epoch=64", "data.val_stride=5", "train.epochs=1",
                       "train.batch_size=32", TINY_MODEL, f"unlabelled={json.dumps(unlabelled)}"])
    row = train(cfg, tmp_path / "semi")
    assert all(np.isfinite(row[k]) for k in ("train_supervised", "train_reprojection", "train_symmetry", "gt_p1"))
    cfg["unlabelled"] = None  # the supervised-only baseline of the same config
    assert "train_reprojection" not in train(cfg, tmp_path / "sup")
    cfg["unlabelled"] = {**unlabelled, "source": "mpii"}
    with pytest.raises(ValueError, match="unknown unlabelled source"):
        train(cfg, tmp_path / "bad")


def test_humaneva_evaluation_reports_p2_per_camera_and_action(tmp_path):
    data = make_dataset(tmp_path / "h36m", subjects=("S1", "S8"), frames=30)
    make_humaneva(tmp_path / "he")
    cfg = load_config("refiner/configs/temporal_adapt_humaneva.yaml",
                      [f"data.dir={data}", "data.train_subjects=[S1]", "data.samples_per_epoch=64",
                       "data.val_stride=5", "train.epochs=1", "train.batch_size=32", TINY_MODEL,
                       f"unlabelled.dir={tmp_path / 'he'}"])
    train(cfg, tmp_path / "adapted")
    out = tmp_path / "he.json"
    evaluate_humaneva(["--data", str(tmp_path / "he"), "--models", "twosided", "--twosided",
                       str(tmp_path / "adapted" / "last.safetensors"), "--json", str(out)])
    table = json.loads(out.read_text())["tables"]["twosided"]
    assert set(table) == {"all", "action Walking", "camera C1", "camera C2", "camera C3"}
    assert table["all"]["frames"] == 3 * 40 and np.isfinite(table["all"]["p2"])


def test_real_humaneva_validate_split(shared_data):
    from tests.conftest import require
    require(shared_data / "humaneva" / FILE_NAME)
    tracks = load_humaneva(shared_data / "humaneva", "Validate")
    assert {t.camera for t in tracks} == {"C1", "C2", "C3"} and {t.subject for t in tracks} == {"S1", "S2", "S3"}
    assert sum(len(t.joints2d) for t in tracks) == 14544
    assert all(t.visible[:, H36M_OF_HUMANEVA].all() for t in tracks)
