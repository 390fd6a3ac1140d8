"""The whole pipeline with the shipped models on real frames of the bundled demo clip."""
from pathlib import Path

import numpy as np
import pytest

from common.skeleton import H36M17
from common.sources import open_source
from common.store import ResultsStore
from pipeline.factory import PipelineOptions, build_pipeline

DEMO = Path(__file__).resolve().parent.parent / "assets" / "demo.mp4"


@pytest.fixture(scope="module")
def processed():
    pipeline = build_pipeline(PipelineOptions(device="cpu", detect_every=2, min_hits=1))
    store = ResultsStore()
    with open_source(str(DEMO)) as source:
        pipeline.run(source, store, max_frames=6)
    return pipeline, store


def test_people_are_found_tracked_and_lifted(processed):
    pipeline, store = processed
    assert pipeline.stages == ["detector", "tracker", "estimator", "lifter", "placer", "smoother"]
    counts = [len(store.frame(i)) for i in range(6)]
    assert min(counts) >= 3, counts  # the clip shows 5-7 walking people throughout
    first, last = set(store.frame(0).track_ids), set(store.frame(5).track_ids)
    assert len(first & last) >= len(first) - 1  # the same people keep their ids
    all_ids = set().union(*(store.frame(i).track_ids for i in range(6)))
    assert len(all_ids) <= max(counts) + 1  # at most one newcomer, no id churn
    assert {"detect", "follow", "pose2d", "lift"} <= set(pipeline.timers.median_ms())


def test_lifted_skeletons_have_human_proportions(processed):
    _, store = processed
    joints = np.concatenate([store.frame(i).poses3d.joints for i in range(6)])
    joints = joints[np.isfinite(joints).all(axis=(1, 2))]
    assert len(joints) >= 15
    thigh = np.linalg.norm(joints[:, 2] - joints[:, 1], axis=1)  # right knee - right hip
    assert 250 < np.median(thigh) < 600
    assert np.allclose(joints[:, 0], 0, atol=1e-3)  # root-relative
    head_above_feet = joints[:, H36M17.index("head"), 1] < joints[:, H36M17.index("r_ankle"), 1]
    assert head_above_feet.mean() > 0.9  # camera frame: y points down


def test_people_stand_in_front_of_the_camera(processed):
    _, store = processed
    roots = np.concatenate([store.frame(i).poses3d.root for i in range(6)])
    roots = roots[np.isfinite(roots).all(axis=1)]
    assert len(roots) >= 10 and (roots[:, 2] > 2000).all()  # small people are metres away


def test_a_person_cut_by_the_frame_edge_gets_clipped_low_score_joints():
    """Real frame, cropped so that people are cut by the left edge: crops are padded, joints that
    fall outside are clipped to the frame with a low score, and lifting still works."""
    with open_source(str(DEMO)) as source:
        image = source.read_frame(0).image
    pipeline = build_pipeline(PipelineOptions(device="cpu", min_hits=1))
    full = pipeline.detector.detect(image)
    x_cut = int(np.median(full.boxes[:, 0] + full.boxes[:, 2]) / 2)  # through a person's middle
    from common.types import Frame
    cropped = np.ascontiguousarray(image[:, x_cut:])
    result = pipeline.process(Frame(0, 0.0, cropped))
    assert len(result) >= 1
    kp, scores = result.poses2d.keypoints, result.poses2d.scores
    assert (kp[..., 0] >= 0).all() and (kp[..., 0] <= cropped.shape[1] - 1).all()
    assert np.isfinite(result.poses3d.joints).all(axis=(1, 2)).any()
