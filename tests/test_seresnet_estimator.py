"""The estimator as a pipeline stage, and evaluation geometry against the shared metrics."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import common.metrics
import pose.eval
import pose.train
from common.types import Poses2D
from pose.augment import crop_matrix, invert, transform_points
from pose.datasets.h36m_seed import load_seed_h36m
from pose.datasets.stick_figures import write_stick_figure_dataset
from pose.datasets.training_set import PoseCropDataset
from pose.integral_decode import decode_predictions, encode_targets
from pose.seresnet_checkpoint import CheckpointError, build_model, save_checkpoint
from pose.seresnet_config import make_config
from pose.seresnet_estimator import SEResNetPoseEstimator
from tests.conftest import require

TINY = {"MODEL": {"DEPTH": 18, "INPUT_SIZE": 64, "DEPTH_BINS": 8, "DECONV_FILTERS": 16}}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    cfg = make_config(TINY)
    torch.manual_seed(0)
    return save_checkpoint(tmp_path_factory.mktemp("ckpt") / "tiny.safetensors", build_model(cfg), cfg)


def test_estimator_returns_h36m_pixels_and_its_own_3d(checkpoint):
    estimator = SEResNetPoseEstimator.from_checkpoint(checkpoint, device="cpu")
    image = np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    boxes = np.array([[10, 20, 110, 220], [150, 30, 300, 230]], np.float32)
    poses = estimator.estimate(image, boxes)
    assert isinstance(poses, Poses2D) and poses.layout == "h36m17" and poses.keypoints.shape == (2, 17, 2)
    assert np.all((poses.scores >= 0) & (poses.scores <= 1))
    for box, kp in zip(boxes, poses.keypoints):  # soft-argmax stays in the padded square crop
        side = max(box[2] - box[0], box[3] - box[1]) * estimator.box_padding
        assert np.all(np.abs(kp - (box[:2] + box[2:]) / 2) <= side / 2 + 1)
    joints = estimator.last_poses3d.joints
    assert joints.shape == (2, 17, 3) and np.allclose(joints[:, 0], 0)
    assert np.abs(joints).max() <= estimator.rect_mm
    assert len(estimator.estimate(image, np.zeros((0, 4)))) == 0


def test_estimator_without_weights_says_so(tmp_path):
    with pytest.raises(CheckpointError, match="needs trained weights"):
        SEResNetPoseEstimator.from_checkpoint(None)
    with pytest.raises(CheckpointError, match="not found"):
        SEResNetPoseEstimator.from_checkpoint(tmp_path / "absent.safetensors")


def test_estimator_rejects_non_rgb_frames(checkpoint):
    estimator = SEResNetPoseEstimator.from_checkpoint(checkpoint, device="cpu")
    with pytest.raises(ValueError, match="uint8 RGB"):
        estimator.estimate(np.zeros((10, 10), np.uint8), np.array([[0, 0, 5, 5]]))


def test_label_encoding_decodes_back_to_image_pixels():
    rng = np.random.default_rng(3)
    uv = rng.uniform(100, 300, (17, 2))
    depth = rng.uniform(-400, 400, 17)
    depth -= depth[0]
    m = crop_matrix(np.array([200.0, 200.0]), 300.0, 256, scale=1.1, rotation=-20.0)
    label = encode_targets(transform_points(uv, m), depth, 256, 2000.0 * 1.1)
    back_uv, back_depth = decode_predictions(label[None], invert(m)[None], 256, np.array([2000.0 * 1.1]))
    np.testing.assert_allclose(back_uv[0], uv, atol=1e-3)
    np.testing.assert_allclose(back_depth[0], depth, atol=1e-3)


class LabelOracle(torch.nn.Module):
    """Returns the ground-truth labels, batch by batch, in place of a network."""

    def __init__(self, labels: torch.Tensor):
        super().__init__()
        self.labels, self.cursor = labels, 0

    def predict(self, images, flip_permutation=None):
        out = self.labels[self.cursor:self.cursor + len(images)]
        self.cursor += len(images)
        return out, torch.ones(out.shape[:2])


def test_evaluation_scores_perfect_labels_as_zero_through_shared_metrics(tmp_path):
    assert pose.eval.mpjpe is common.metrics.mpjpe and pose.eval.p_mpjpe is common.metrics.p_mpjpe
    root = write_stick_figure_dataset(tmp_path, n_train=0, n_valid=5, image_size=96)
    dataset = PoseCropDataset(load_seed_h36m(root, "valid_5hz"), 64, 2000.0)
    labels = torch.stack([dataset[i][1] for i in range(len(dataset))])
    pred = pose.eval.predict_camera_frame(LabelOracle(labels), dataset, torch.device("cpu"), False, 2, 0, False)
    truth = np.stack([s.joints_cam for s in dataset.samples])
    assert common.metrics.mpjpe(pred, truth).max() < 1e-3
    # and a real error shows up: shift every depth by 1/20 of the range (100 mm) except the root
    shifted = labels.clone()
    shifted[:, 1:, 2] += 0.05
    pred = pose.eval.predict_camera_frame(LabelOracle(shifted), dataset, torch.device("cpu"), False, 2, 0, False)
    assert 80 < common.metrics.mpjpe(pred, truth).mean() < 120


def test_train_and_eval_clis_run_on_the_real_mmpose_frames(shared_data, tmp_path, capsys):
    root = require(shared_data / "mmpose_tests" / "h36m")
    config = tmp_path / "fixture.yaml"
    config.write_text(f"""
DEVICE: cpu
OUTPUT_DIR: {tmp_path / 'run'}
MODEL: {{DEPTH: 18, INPUT_SIZE: 64, DEPTH_BINS: 8, DECONV_FILTERS: 16}}
DATASET: {{LAYOUT: mmpose, ROOT: {root}, TRAIN_SET: test_h36m_body3d, TEST_SET: test_h36m_body3d}}
TRAIN: {{BATCH_SIZE: 2, EPOCHS: 1, WORKERS: 0}}
TEST: {{BATCH_SIZE: 2, WORKERS: 0}}
""")
    pose.train.main(["--cfg", str(config), "--no-progress"])
    pose.eval.main(["--cfg", str(config), f"MODEL.RESUME={tmp_path / 'run' / 'final.safetensors'}"])
    printed = capsys.readouterr().out
    for action in ("Directions", "SittingDown", "Greeting", "WalkDog", "mean"):
        assert action in printed
    assert "P1 (mm)" in printed and "P2 (mm)" in printed
