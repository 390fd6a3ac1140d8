"""The whole default pipeline (multiscale detector, keyframes by need, following, Deep SORT) on
everyday and hostile frames: one id for one person, nothing on blank frames, no crash."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from common.types import Frame
from pipeline.factory import PipelineOptions, build_pipeline
from tests.conftest import require


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline(PipelineOptions(device="cpu", lift=False))


@pytest.fixture(scope="module")
def skier(shared_data):
    path = require(shared_data / "mmpose_tests" / "coco" / "000000000785.jpg")
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def _run(pipeline, images):
    pipeline.reset()
    return [pipeline.process(Frame(i, i / 10, image)) for i, image in enumerate(images)]


def test_person_filling_a_portrait_frame_keeps_one_id(pipeline, skier):
    portrait = skier[30:400, 250:520]  # 270 x 370: the skier fills the frame
    frames = [np.ascontiguousarray(np.roll(portrait, 3 * i, axis=1)) for i in range(7)]  # drifting right
    results = _run(pipeline, frames)
    assert all(len(r) <= 1 for r in results)
    assert [len(r) for r in results[2:]] == [1] * 5  # confirmed after n_init = 3 frames, then kept
    assert len({int(i) for r in results for i in r.track_ids}) == 1
    assert pipeline.timers.samples["follow"], "the person was followed between keyframes"


@pytest.mark.parametrize(("size", "fills"), [((48, 64), (0, 255, 0)), ((2160, 3840), (255,))], ids=["64x48", "4K"])
def test_blank_tiny_and_4k_frames_have_nobody(pipeline, size, fills):
    results = _run(pipeline, [np.full((*size, 3), fill, np.uint8) for fill in fills])
    assert [len(r) for r in results] == [0] * len(fills)


def test_tiny_frame_with_a_person_does_not_crash(pipeline, skier):
    tiny = cv2.resize(skier, (64, 48), interpolation=cv2.INTER_AREA)
    for result in _run(pipeline, [tiny] * 4):
        assert result.boxes.shape == (len(result), 4) and np.isfinite(result.boxes).all()
