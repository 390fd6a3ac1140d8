"""Loaders for the seed, VideoPose3D, mmpose and MPII layouts; crops; and their failure messages."""
from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from common.skeleton import H36M17
from pose.augment import crop_matrix, invert, transform_points
from pose.datasets.h36m_mmpose import load_mmpose_h36m
from pose.datasets.h36m_seed import load_seed_h36m
from pose.datasets.h36m_videopose3d import load_videopose3d_h36m
from pose.datasets.mpii import load_mpii
from pose.datasets.safe_pickle import OpaqueObject, load_pickle
from pose.datasets.sample import DatasetError, project
from pose.datasets.stick_figures import write_stick_figure_dataset
from pose.datasets.training_set import PoseCropDataset
from tests.conftest import require

FLIP_ONLY = {"SCALE": 0.0, "ROT": 0.0, "ROT_RATE": 0.0, "FLIP_RATE": 1.0, "COLOR": 0.0}
MMPOSE_IMAGE = "S1/S1_Directions_1.54138969/S1_Directions_1.54138969_000001.jpg"


@pytest.fixture(scope="module")
def stick_root(tmp_path_factory) -> Path:
    return write_stick_figure_dataset(tmp_path_factory.mktemp("stick"), n_train=3, n_valid=2, image_size=96)


def test_seed_layout_reads_json_npz_and_pickle_alike(stick_root, tmp_path):
    from_json = load_seed_h36m(stick_root, "train_5hz")
    records = json.loads((stick_root / "annot" / "train_5hz.json").read_text())
    (tmp_path / "annot").mkdir()
    os.symlink(stick_root / "images", tmp_path / "images")
    with open(tmp_path / "annot" / "as_pkl.pkl", "wb") as f:  # the seed's own container
        pickle.dump([{**r, "joints_3d": np.array(r["joints_3d"]), "cam": OpaqueObject()} for r in records], f)
    np.savez(tmp_path / "annot" / "as_npz.npz", **{k: np.array([r[k] for r in records]) for k in records[0]})
    for image_set in ("as_pkl", "as_npz"):
        other = load_seed_h36m(tmp_path, image_set)
        for a, b in zip(from_json, other):
            assert a.image.name == b.image.name and a.sequence == b.sequence
            np.testing.assert_allclose(a.joints_cam, b.joints_cam)
    assert {s.sequence for s in from_json} == {"S1/Walking", "S1/Sitting"}
    # ground truth rebuilt by back-projection matches the stick figure's projection
    s = from_json[0]
    np.testing.assert_allclose(project(s.joints_cam, s.focal, s.principal), s.joints_2d, atol=1e-6)


def test_restricted_unpickler_never_runs_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps([{"x": Evil()}]))
    loaded = load_pickle(path)
    assert isinstance(loaded[0]["x"], OpaqueObject) and not (tmp_path / "pwned").exists()


def test_crop_flip_mirrors_pixels_and_swaps_joints(stick_root):
    samples = load_seed_h36m(stick_root, "train_5hz")
    plain = PoseCropDataset(samples, 64, 2000.0)[0]
    flipped = PoseCropDataset(samples, 64, 2000.0, augment=FLIP_ONLY)[0]
    np.testing.assert_allclose(flipped[0].numpy(), plain[0].numpy()[:, :, ::-1], atol=1e-5)
    perm = H36M17.flip_permutation
    expected = plain[1].numpy()[perm]
    expected[:, 0] = -expected[:, 0] - 1 / 64
    np.testing.assert_allclose(flipped[1].numpy(), expected, atol=1e-6)


def test_crop_geometry_round_trips(stick_root):
    s = load_seed_h36m(stick_root, "train_5hz")[1]
    m = crop_matrix(s.center, s.size, 256, scale=1.2, rotation=25.0, flip=True)
    back = transform_points(transform_points(s.joints_2d, m), invert(m))
    np.testing.assert_allclose(back, s.joints_2d, atol=1e-9)


def test_mmpose_fixture_gives_real_crops(shared_data):
    root = require(shared_data / "mmpose_tests" / "h36m")
    samples = load_mmpose_h36m(root)
    assert [s.sequence for s in samples] == ["S1/Directions 1", "S5/SittingDown", "S7/Greeting", "S8/WalkDog 1"]
    for s in samples:  # camera-frame 3D and intrinsics agree with the labelled 2D (lens distortion aside)
        assert np.abs(project(s.joints_cam, s.focal, s.principal) - s.joints_2d).max() < 3.0
    ds = PoseCropDataset(samples, 256, 2000.0)
    image, target, weight, *_ = ds[0]
    assert image.shape == (3, 256, 256) and weight.min() == 1.0  # every joint lands inside the crop
    # the person is in the crop: the labelled pelvis area is not the black padding
    x, y = ((target[0, :2].numpy() + 0.5) * 256).astype(int)
    assert image[:, y - 3:y + 4, x - 3:x + 4].std() > 0.05


def test_videopose3d_layout_reads_real_mocap_onto_real_images(shared_data, tmp_path):
    h36m, fixture = require(shared_data / "h36m"), require(shared_data / "mmpose_tests" / "h36m")
    world17 = np.load(h36m / "h36m_3d17_world_mm_train_S1_50fps.npz")["S1/Directions 1"][:1]
    world32 = np.zeros((1, 32, 3), np.float32)
    world32[:, [0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27]] = world17 / 1000.0
    np.savez(tmp_path / "data_3d_h36m.npz", positions_3d={"S1": {"Directions 1": world32}})
    (tmp_path / "images").mkdir()
    os.symlink(fixture / "S1", tmp_path / "images" / "S1")
    samples = load_videopose3d_h36m(tmp_path, h36m / "h36m_cameras.json", ["S1"], frame_stride=1)
    assert len(samples) == 4  # one frame × four cameras
    mine = next(s for s in samples if "54138969" in s.image.name)
    assert mine.image == tmp_path / "images" / MMPOSE_IMAGE and mine.image.is_file()
    ref = next(s for s in load_mmpose_h36m(fixture) if s.sequence == "S1/Directions 1")
    np.testing.assert_allclose(mine.joints_cam, ref.joints_cam, atol=0.5)
    assert np.abs(mine.joints_2d - ref.joints_2d).max() < 3.0
    assert PoseCropDataset([mine], 64, 2000.0)[0][2].min() == 1.0


def test_mpii_samples_are_2d_only(tmp_path):
    import cv2
    (tmp_path / "annot").mkdir()
    (tmp_path / "images").mkdir()
    cv2.imwrite(str(tmp_path / "images" / "a.jpg"), np.full((200, 200, 3), 127, np.uint8))
    joints = [[100 + i, 50 + 5 * i] for i in range(16)]
    rec = {"image": "a.jpg", "center": [101, 101], "scale": 0.8, "joints": joints, "joints_vis": [1] * 16}
    (tmp_path / "annot" / "train.json").write_text(json.dumps([rec]))
    sample = load_mpii(tmp_path)[0]
    assert not sample.has_3d and sample.visible[7] == 0 and sample.visible[9] == 0
    np.testing.assert_allclose(sample.joints_2d[0], np.array(joints[6]) - 1)  # pelvis, 0-based
    _, _, weight, *_ = PoseCropDataset([sample], 64, 2000.0)[0]
    assert weight[:, 2].sum() == 0 and weight[0, 0] == 1


def test_bad_inputs_name_the_file_or_key(stick_root, tmp_path):
    with pytest.raises(DatasetError, match="root not found"):
        load_seed_h36m(tmp_path / "nowhere", "train_5hz")
    (tmp_path / "annot").mkdir()
    with pytest.raises(DatasetError, match="train_5hz"):
        load_seed_h36m(tmp_path, "train_5hz")
    (tmp_path / "annot" / "train_5hz.json").write_text(json.dumps([{"image": "x.jpg"}]))
    with pytest.raises(DatasetError, match=r"train_5hz\.json: record 0 lacks key\(s\) \['center_x'"):
        load_seed_h36m(tmp_path, "train_5hz")
    with pytest.raises(DatasetError, match="data_3d_h36m.npz"):
        load_videopose3d_h36m(tmp_path, tmp_path / "cams.json", ["S1"])
    samples = load_seed_h36m(stick_root, "train_5hz")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 definitely not a jpeg")
    samples[0].image = broken
    with pytest.raises(DatasetError, match="broken.jpg"):
        PoseCropDataset(samples, 64, 2000.0)[0]
    samples[0].image = tmp_path / "missing.jpg"
    with pytest.raises(DatasetError, match="missing.jpg"):
        PoseCropDataset(samples, 64, 2000.0)[0]
