"""Models, losses, metrics, weights files, a short overfit run and the Lifter API."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from common.metrics import mpjpe, p_mpjpe
from common.types import Poses2D
from refiner.lifter import Lifter
from refiner.losses import bone_symmetry, rotate_y, rotation_cycle, reprojection
from refiner.models import build_model
from refiner.synthetic import make_dataset, random_poses
from refiner.target import TargetStats
from refiner.train import load_config, train
from refiner.weights import WeightsError, load_weights, save_weights, store_half
from refiner.evaluate import main as evaluate_main


@pytest.mark.parametrize("arch", ["linear", "gcn", "fused"])
def test_models_map_features_to_17_joints(arch):
    model = build_model(arch, {}).eval()
    assert model(torch.randn(5, 17, 3)).shape == (5, 17, 3)


def test_p_mpjpe_is_zero_for_a_rotated_scaled_shifted_copy():
    target = random_poses(4, seed=2)
    angle = 0.7
    rot = np.array([[math.cos(angle), 0, math.sin(angle)], [0, 1, 0], [-math.sin(angle), 0, math.cos(angle)]])
    pred = 1.3 * target @ rot.T + np.array([10.0, -40.0, 200.0])
    assert p_mpjpe(pred, target).max() < 1e-6
    assert mpjpe(pred, target).min() > 10.0  # protocol 1 does see the rotation


def test_self_supervised_losses_vanish_on_consistent_poses():
    pose = torch.tensor(random_poses(3, seed=4, jitter_mm=0.0), dtype=torch.float32)
    pose = pose - pose[:, :1]
    assert float(bone_symmetry(pose)) < 1e-8
    torch.testing.assert_close(rotate_y(rotate_y(pose, torch.ones(3)), -torch.ones(3)), pose, atol=1e-3, rtol=0)
    from refiner.inputs import normalize_2d
    features = normalize_2d(pose[..., :2], torch.ones(3, 17, dtype=torch.bool))
    rows = {"h36m": torch.ones(3, dtype=torch.bool)}
    assert float(reprojection(pose, features, rows)) < 1e-10
    # A lifter that knows the true pose makes the rotation cycle consistent only if it is exact;
    # an identity-like "lift" of the rotated projection cannot recover depth, so the loss is > 0.
    flat = rotation_cycle(pose, features, rows, lambda f: torch.cat([f[..., :2] * 500, torch.zeros_like(f[..., :1])], -1))
    assert float(flat) > 1e-3


def _tiny_cfg(root, epochs=80):
    return {
        "model_config": {"width": 256, "blocks": 1, "dropout": 0.0},
        "data": {"dir": str(root), "train_subjects": ["S1"], "val_subjects": ["S1"], "gt_stride": 1,
                 "sh_stride": 0, "val_stride": 1},
        "augment": {"style_probs": {"h36m": 1.0}, "joint_dropout": 0.0, "flip": 0.0},
        "loss": {"reprojection": 0.0, "cycle": 0.0, "symmetry": 0.0},
        "train": {"epochs": epochs, "batch_size": 16, "lr": 3e-3, "min_lr_ratio": 0.1, "seed": 0},
    }


def test_short_overfit_run_resume_and_evaluate(tmp_path, capsys):
    """A tiny linear model memorises 160 synthetic samples; resume continues; evaluate reads its weights."""
    root = make_dataset(tmp_path / "data", subjects=("S1",), frames=40, jitter_mm=20.0)
    cfg = _tiny_cfg(root)
    first = train("linear", dict(cfg, train=dict(cfg["train"], epochs=2)), tmp_path / "ck")
    last = train("linear", cfg, tmp_path / "ck", resume=True)
    assert last["epoch"] == 80
    assert last["gt_p1"] < 0.5 * first["gt_p1"] and last["gt_p1"] < 40.0
    # Without the flip test and the floor scale, evaluation computes what training validation does.
    table = evaluate_main(["--data", str(root), "--subjects", "S1", "--weights", str(tmp_path / "ck/last.safetensors"),
                           "--scale", "none", "--no-flip-test"])
    assert set(table) == {"Eating", "Walking", "mean"} and table["mean"]["frames"] == 2 * 40 * 2
    assert abs(table["mean"]["p1"] - last["gt_p1"]) < 1.0


def test_weights_round_trip_fp16_and_wrong_architecture(tmp_path):
    model = build_model("gcn", {"width": 16, "blocks": 1}).eval()
    stats = TargetStats(torch.randn(17, 3), torch.rand(17, 3) + 1)
    save_weights(tmp_path / "full.safetensors", model, "gcn", {"width": 16, "blocks": 1}, stats, {"note": "kept"})
    store_half(tmp_path / "full.safetensors", tmp_path / "g.safetensors")
    assert (tmp_path / "g.safetensors").stat().st_size < 0.7 * (tmp_path / "full.safetensors").stat().st_size
    loaded, loaded_stats, meta = load_weights(tmp_path / "g.safetensors", "gcn")
    x = torch.randn(4, 17, 3)
    torch.testing.assert_close(loaded(x), model(x), atol=5e-2, rtol=5e-2)
    assert meta["architecture"] == "gcn" and meta["extra"] == {"note": "kept"}
    with pytest.raises(WeightsError, match="holds a 'gcn' model, but a 'linear' model was requested"):
        load_weights(tmp_path / "g.safetensors", "linear")
    (tmp_path / "junk.safetensors").write_bytes(b"not a file")
    with pytest.raises(WeightsError, match="not a safetensors file"):
        load_weights(tmp_path / "junk.safetensors")
    with pytest.raises(WeightsError, match="not found"):
        load_weights(tmp_path / "absent.safetensors")


def _lifter() -> Lifter:
    torch.manual_seed(0)
    model = build_model("linear", {"width": 64, "blocks": 1}).eval()
    return Lifter(model, TargetStats(torch.zeros(17, 3), torch.full((17, 3), 100.0)), "linear", torch.device("cpu"))


def test_lifter_masks_low_score_and_nan_joints_and_handles_layouts():
    lifter = _lifter()
    rng = np.random.default_rng(0)
    kp = rng.uniform(100, 400, (3, 17, 2)).astype(np.float32)
    scores = np.ones((3, 17), np.float32)
    base = lifter.lift(Poses2D(kp, scores, "coco17")).joints
    assert base.shape == (3, 17, 3) and np.isfinite(base).all() and np.allclose(base[:, 0], 0)
    # Masking: a low-score joint and the same joint moved far away give the same output (not imputed).
    moved, low = kp.copy(), scores.copy()
    moved[1, 9] += 500.0
    low[1, 9] = 0.05
    np.testing.assert_allclose(lifter.lift(Poses2D(moved, low, "coco17")).joints[1],
                               lifter.lift(Poses2D(kp, low, "coco17")).joints[1], atol=1e-4)
    nan_kp = kp.copy()
    nan_kp[2, 9] = np.nan
    out = lifter.lift(Poses2D(nan_kp, scores, "coco17")).joints
    np.testing.assert_allclose(out[2], lifter.lift(Poses2D(kp, low[[1, 1, 1]], "coco17")).joints[2], atol=1e-4)
    # Too few usable joints → NaN for that person only.
    scores[0, 3:] = 0.0
    out = lifter.lift(Poses2D(kp, scores, "coco17")).joints
    assert np.isnan(out[0]).all() and np.isfinite(out[1:]).all()
    assert lifter.lift(Poses2D(rng.uniform(0, 500, (2, 33, 2)), np.ones((2, 33)), "blazepose33")).joints.shape == (2, 17, 3)
    assert lifter.lift(Poses2D(np.zeros((0, 17, 2)), np.zeros((0, 17)), "coco17")).joints.shape == (0, 17, 3)
    with pytest.raises(ValueError, match="layout"):
        lifter.lift(Poses2D(kp, np.ones((3, 17)), "mpii16"))


def test_lifter_load_rejects_non_refiner_weights(tmp_path):
    from safetensors.torch import save_file
    save_file({"x": torch.zeros(2)}, str(tmp_path / "other.safetensors"), metadata={"format": "pt"})
    with pytest.raises(WeightsError, match="not refiner weights"):
        Lifter.load(tmp_path / "other.safetensors")


def test_evaluate_rejects_unknown_camera_and_subject(tmp_path):
    from refiner.camera import CameraError
    from refiner.h36m_data import DatasetError
    root = make_dataset(tmp_path / "data", subjects=("S1",), frames=10)
    weights = tmp_path / "w.safetensors"
    save_weights(weights, build_model("linear", {"width": 32, "blocks": 1}), "linear", {"width": 32, "blocks": 1},
                 TargetStats(torch.zeros(17, 3), torch.ones(17, 3)))
    with pytest.raises(CameraError, match="camera id '12345' does not exist"):
        evaluate_main(["--data", str(root), "--subjects", "S1", "--weights", str(weights), "--cameras", "12345"])
    with pytest.raises(DatasetError, match="S5"):
        evaluate_main(["--data", str(root), "--subjects", "S5", "--weights", str(weights)])
    table = evaluate_main(["--data", str(root), "--weights", str(weights), "--input", "sh"])
    assert table["mean"]["frames"] == 2 * 2 * 2  # 2 sequences × 2 cameras × frames 0 and 5


def test_shipped_weights_lift_a_standing_person_upright():
    """The shipped weights give a plausible standing pose for a synthetic standing person."""
    from conftest import require
    from refiner.lifter import default_weights
    from refiner.synthetic import CAMERA, TEMPLATE
    lifter = Lifter.load(require(default_weights()), device="cpu")
    uv = CAMERA.project(CAMERA.world_to_camera(TEMPLATE[None]))
    out = lifter.lift(Poses2D(uv, np.ones((1, 17)), "h36m17")).joints[0]
    assert out[10, 1] < -500 and out[3, 1] > 700 and out[6, 1] > 700  # head up, feet down (y is down)
    thigh = np.linalg.norm(out[2] - out[1])
    assert 350 < thigh < 550


def test_ablation_runs_every_loss_variant(tmp_path, capsys):
    import yaml
    from refiner.ablate import main as ablate_main
    root = make_dataset(tmp_path / "data", subjects=("S1",), frames=20, jitter_mm=20.0)
    cfg_path = tmp_path / "tiny.yaml"
    cfg_path.write_text(yaml.safe_dump(_tiny_cfg(root)))
    rows = ablate_main(["--model", "linear", "--cfg", str(cfg_path), "--epochs", "2", "--gt-stride", "1",
                        "--sh-stride", "0", "--weight", "1.0", "--out", str(tmp_path / "ablation")])
    assert list(rows) == ["none (supervised only)", "+ reprojection", "+ cycle", "+ symmetry", "+ all three"]
    assert all(math.isfinite(r["gt_p1"]) for r in rows.values())
    assert rows["+ all three"]["gt_p1"] != rows["none (supervised only)"]["gt_p1"]  # the losses change training
    assert "| + cycle |" in capsys.readouterr().out
