"""Camera model, Human3.6M loaders and the input representation."""
from __future__ import annotations


import numpy as np
import pytest
import torch

from conftest import require
from refiner.camera import Camera, CameraError, get_camera, load_cameras
from refiner.h36m_data import DatasetError, find_files, load_views, sh_to_h36m17, subjects_in
from refiner.inputs import apply_style, normalize_2d
from refiner.videopose3d import load_videopose3d_views
from refiner.synthetic import CAMERA, make_dataset, random_poses


def test_projection_round_trip_matches_camera_model():
    """world → camera → pixels, then undo: pixels + depth → camera → world gives the start back."""
    world = random_poses(8, seed=1)
    cam3d = CAMERA.world_to_camera(world)
    uv = CAMERA.project(cam3d)
    # Undo the distortion by fixed-point iteration, then back-project with the known depth.
    xy_d = (uv - CAMERA.c) / CAMERA.f
    xy = xy_d.copy()
    for _ in range(50):
        r2 = (xy ** 2).sum(-1, keepdims=True)
        radial = 1 + CAMERA.k[0] * r2 + CAMERA.k[1] * r2 ** 2 + CAMERA.k[2] * r2 ** 3
        tan = CAMERA.p[0] * xy[..., 1:] + CAMERA.p[1] * xy[..., :1]
        xy = (xy_d - np.array([CAMERA.p[1], CAMERA.p[0]]) * r2) / (radial + tan)
    back = np.concatenate([xy * cam3d[..., 2:], cam3d[..., 2:]], axis=-1)
    np.testing.assert_allclose(CAMERA.camera_to_world(back), world, atol=1e-3)


def test_projection_without_distortion_is_pinhole():
    cam = Camera("x", np.eye(3), np.zeros(3), np.array([1000.0, 1000.0]), np.array([500.0, 500.0]),
                 np.zeros(3), np.zeros(2), 1000, 1000)
    np.testing.assert_allclose(cam.project(np.array([[100.0, -200.0, 4000.0]])), [[525.0, 450.0]])


def test_unknown_camera_and_subject_raise_clear_errors(tmp_path):
    root = make_dataset(tmp_path)
    cameras = load_cameras(root / "cams.json")
    with pytest.raises(CameraError, match="camera id '99' does not exist"):
        get_camera(cameras, "S1", "99")
    with pytest.raises(CameraError, match="no cameras for subject 'S42'"):
        get_camera(cameras, "S42", "54138969")
    with pytest.raises(CameraError, match="camera file not found"):
        load_cameras(tmp_path / "nope.json")


def test_loader_finds_files_and_subjects_by_content(tmp_path):
    root = make_dataset(tmp_path, subjects=("S2", "S3"))
    files = find_files(root)
    assert subjects_in(files) == ["S2", "S3"]
    views = load_views(root, ["S3"], "gt")
    assert {v.sequence for v in views} == {"S3/Walking 1", "S3/Eating"}
    assert all(v.joints3d.shape == (len(v.frames), 17, 3) and v.joints2d.shape == (len(v.frames), 17, 2) for v in views)
    sh_views = load_views(root, ["S3"], "sh")
    assert all((v.frames % 5 == 0).all() and not v.visible[:, 9].any() for v in sh_views)


def test_missing_directory_and_subject_raise(tmp_path):
    with pytest.raises(DatasetError, match="data directory not found"):
        find_files(tmp_path / "absent")
    root = make_dataset(tmp_path)
    with pytest.raises(DatasetError, match=r"subjects \['S9'\] not found"):
        load_views(root, ["S9"], "gt")


def test_sh_mapping_places_joints_and_masks_neck():
    sh = np.arange(16 * 2, dtype=np.float32).reshape(1, 16, 2)
    out, vis = sh_to_h36m17(sh)
    np.testing.assert_array_equal(out[0, 0], sh[0, 6])  # pelvis ← SH hip
    np.testing.assert_array_equal(out[0, 3], sh[0, 0])  # right ankle ← SH right foot
    np.testing.assert_array_equal(out[0, 16], sh[0, 10])  # right wrist
    assert not vis[0, 9] and vis[0, [0, 10, 16]].all()


def test_normalisation_is_translation_and_scale_invariant_and_masks_nan():
    rng = np.random.default_rng(0)
    j = torch.tensor(rng.normal(500, 80, (3, 17, 2)), dtype=torch.float32)
    v = torch.ones(3, 17, dtype=torch.bool)
    f1 = normalize_2d(j, v)
    f2 = normalize_2d(j * 3.0 + 250.0, v)
    torch.testing.assert_close(f1, f2, atol=1e-5, rtol=1e-5)
    assert torch.allclose(f1[:, 0, :2], torch.zeros(3, 2))
    j[0, 5] = float("nan")
    f3 = normalize_2d(j, v)
    assert f3[0, 5].tolist() == [0.0, 0.0, 0.0] and torch.isfinite(f3).all()


def test_coco_style_rederives_torso_and_hides_head():
    j = torch.randn(2, 17, 2)
    v = torch.ones(2, 17, dtype=torch.bool)
    s, sv = apply_style(j, v, "coco")
    torch.testing.assert_close(s[:, 8], (j[:, 11] + j[:, 14]) / 2)
    torch.testing.assert_close(s[:, 7], ((j[:, 1] + j[:, 4]) / 2 + s[:, 8]) / 2)
    assert not sv[:, 9].any() and not sv[:, 10].any()


def test_videopose3d_layout_round_trip(tmp_path):
    """The VideoPose3D npz (dicts, metres, 32 joints) gives the same camera-frame mm as our loader."""
    world = random_poses(6, seed=3)  # (6, 17, 3) mm
    full = np.zeros((6, 32, 3))
    full[:, [0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27]] = world / 1000.0
    np.savez(tmp_path / "data_3d_h36m.npz", positions_3d={"S1": {"Walking": full}})
    cams = {"S1": {cid: CAMERA for cid in ("54138969", "55011271", "58860488", "60457274")}}
    views = load_videopose3d_views(tmp_path / "data_3d_h36m.npz", cams, ["S1"])
    assert len(views) == 4 and views[0].sequence == "S1/Walking"
    np.testing.assert_allclose(views[0].joints3d, CAMERA.world_to_camera(world), atol=1e-2)
    with pytest.raises(DatasetError, match="subjects"):
        load_videopose3d_views(tmp_path / "data_3d_h36m.npz", cams, ["S8"])


def test_real_h36m_projection_agrees_with_sh_detections(shared_data):
    """On the real data, projected ground truth lies within a few tens of px of the SH detections."""
    root = require(shared_data / "h36m")
    gt = {(v.sequence, v.camera_id): v for v in load_views(root, ["S8"], "gt", ["54138969"]) if "Walking" in v.sequence}
    sh = [v for v in load_views(root, ["S8"], "sh", ["54138969"]) if "Walking" in v.sequence]
    assert sh and gt
    for v in sh:
        g = gt[(v.sequence, v.camera_id)]
        assert g.joints3d.shape[1:] == (17, 3) and g.joints2d.shape[1:] == (17, 2)
        np.testing.assert_allclose(v.joints3d, g.joints3d[v.frames], atol=1e-3)
        limbs = [1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16]  # joints labelled alike in SH and H36M
        err = np.linalg.norm(v.joints2d[:, limbs] - g.joints2d[v.frames][:, limbs], axis=-1)
        assert np.median(err) < 25.0
