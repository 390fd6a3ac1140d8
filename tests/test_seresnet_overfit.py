"""The real training loop (pose.train.train → pose.eval.evaluate) memorises four stick figures.

Threshold: the model must beat the best *constant* answer (the mean of the four poses, ~209 mm
here) by 2×. An untrained net sits near the crop centre (~430 mm); a net that only learned the
average pose would stay near 209 mm; passing means it tells the individual figures apart in
x, y and depth, through the same crop, label, back-projection and metric code as Human3.6M.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from common.metrics import mpjpe
from pose.datasets.h36m_seed import load_seed_h36m
from pose.datasets.stick_figures import write_stick_figure_dataset
from pose.eval import evaluate
from pose.seresnet_config import make_config
from pose.train import train


@pytest.fixture
def one_thread():
    """Small convolutions on a shared 2-core CPU run fastest on one thread."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_training_overfits_four_stick_figures(tmp_path, one_thread):
    root = write_stick_figure_dataset(tmp_path / "h36m", n_train=4, n_valid=0, image_size=96, seed=1)
    cfg = make_config({
        "DEVICE": "cpu", "OUTPUT_DIR": str(tmp_path / "run"),
        "MODEL": {"DEPTH": 18, "INPUT_SIZE": 64, "DEPTH_BINS": 16, "DECONV_FILTERS": 64},
        "DATASET": {"ROOT": str(root), "TEST_SET": "train_5hz"},
        "AUG": {"SCALE": 0.0, "ROT": 0.0, "FLIP_RATE": 0.0, "COLOR": 0.0},
        "TRAIN": {"BATCH_SIZE": 4, "EPOCHS": 150, "LR": 1e-3, "LR_STEPS": [1000], "WORKERS": 0,
                  "PRINT_FREQ": 1000, "CHECKPOINT_EVERY": 1000},
        "TEST": {"WORKERS": 0, "FLIP_TEST": False},
    })
    out = train(cfg, progress=False)
    assert out["steps"] == 150 and out["checkpoint"].is_file()

    cfg["MODEL"]["RESUME"] = str(out["checkpoint"])
    result = evaluate(cfg, progress=False)
    truth = np.stack([s.joints_cam for s in load_seed_h36m(root, "train_5hz")])
    constant = np.repeat((truth - truth[:, :1]).mean(0, keepdims=True), len(truth), axis=0)
    baseline = mpjpe(constant, truth).mean()
    assert result["p1"].mean() < 0.5 * baseline, (result["p1"].mean(), baseline)
    assert result["table"]["mean"]["frames"] == 4
