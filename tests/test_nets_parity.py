"""ONNX Runtime against torch for every network the pipeline runs, on real frames.

Each stage is built twice (runtime="torch" and runtime="onnxruntime") and fed the same frame and
boxes. Exports come from the user cache (``common.paths.cache_dir()``), as for every other stage
test: built once per machine (tens of seconds each on this CPU), loaded in well under a second after.
Bounds: 1e-3 px for boxes and joints in frame pixels, 1e-4 for scores, normalised outputs and metres.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from detection import PersonDetector
from pose import make_estimator
from pose.oracle_check import check_file, load_module, model_name
from refiner import Lifter

PX, UNIT = 1e-3, 1e-4
FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.synthetic.npz"))


@pytest.fixture(scope="module")
def frame(shared_data):
    """vtest.avi frame 200 (768x576, six people and more)."""
    from test_detection import _vtest_frame

    return _vtest_frame(shared_data)


@pytest.fixture(scope="module")
def detectors():
    return {runtime: PersonDetector(device="cpu", runtime=runtime) for runtime in ("torch", "onnxruntime")}


@pytest.fixture(scope="module")
def boxes(frame, detectors):
    return detectors["onnxruntime"].detect(frame).boxes


def _max_diff(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert a.shape == b.shape
    return float(np.abs(a - b).max()) if a.size else 0.0


@pytest.mark.parametrize("size", ["native", 352])
def test_detector(frame, detectors, size):
    ort, ref = (detectors[r].at_size(size).detect(frame) for r in ("onnxruntime", "torch"))
    assert detectors["onnxruntime"].network.runtime == "onnxruntime" and len(ref) >= 3
    assert _max_diff(ort.boxes, ref.boxes) <= PX
    assert _max_diff(ort.keypoints[..., :2], ref.keypoints[..., :2]) <= PX
    assert _max_diff(ort.scores, ref.scores) <= UNIT
    assert _max_diff(ort.keypoints[..., 2], ref.keypoints[..., 2]) <= UNIT


@pytest.mark.parametrize("name", ["movenet-lightning", "movenet-thunder", "blazepose-full"])
def test_pose_estimator(frame, boxes, name):
    ort, ref = (make_estimator(name, "cpu", runtime=r).estimate(frame, boxes) for r in ("onnxruntime", "torch"))
    assert len(ref) == len(boxes) >= 3
    assert _max_diff(ort.keypoints, ref.keypoints) <= PX
    assert _max_diff(ort.scores, ref.scores) <= UNIT
    if name == "blazepose-full":
        assert _max_diff(ort.world_landmarks, ref.world_landmarks) <= UNIT
        assert _max_diff(ort.pose_flag, ref.pose_flag) <= UNIT


def test_lifter(frame, boxes):
    from common.skeleton import to_h36m17
    from refiner.inference import make_features

    poses = make_estimator("movenet-lightning", "cpu").estimate(frame, boxes)
    ort, ref = Lifter.load(device="cpu", runtime="onnxruntime"), Lifter.load(device="cpu", runtime="torch")
    joints, scores = to_h36m17(poses.keypoints, poses.scores, poses.layout)
    features, _ = make_features(joints, scores >= ort.score_threshold, "coco")
    with torch.inference_mode():
        assert _max_diff(ort.model(features), ref.model(features)) <= UNIT  # normalised output
    mm_ort, mm_ref = ort.lift(poses).joints, ref.lift(poses).joints
    assert np.array_equal(np.isnan(mm_ort), np.isnan(mm_ref))
    assert _max_diff(np.nan_to_num(mm_ort), np.nan_to_num(mm_ref)) <= 0.05  # mm, from the 1e-4 above


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_tfjs_oracle_through_the_runtime(path):
    rows = check_file(path, load_module(model_name(path)), runtime="onnxruntime")
    assert rows
    for _, name, err, tol in rows:
        assert err <= tol, f"{path.name} {name}: {err} > {tol}"


@pytest.mark.parametrize("model", ["movenet-thunder", "movenet-lightning", "movenet-multipose", "blazepose-full"])
def test_real_tfjs_reference_through_the_runtime(shared_data, model):
    from conftest import require

    path = require(shared_data / "tfjs_reference" / f"{model}.npz")
    for _, name, err, tol in check_file(path, load_module(model), runtime="onnxruntime"):
        assert err <= tol, f"{model} {name}: {err} > {tol}"
