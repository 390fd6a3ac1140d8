"""PersonDetector: people found at the right place, any frame size, bad input handled."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from common.image_input import ImageError
from detection import PersonDetector
from nets.centernet_decode import decode_multipose


@pytest.fixture(scope="module")
def detector():
    return PersonDetector(device="cpu")


def _maps(hf=16, wf=24):
    maps = {k: torch.zeros(1, c, hf, wf) for k, c in (("box_scale", 2), ("box_offset", 2), ("kpt_regress", 34),
                                                      ("kpt_offset", 34))}
    maps["center"] = torch.full((1, 1, hf, wf), -10.0)
    maps["kpt_heatmap"] = torch.full((1, 17, hf, wf), -10.0)
    return maps


def _decode(maps, **kw):
    return decode_multipose(maps, (64, 96), stride=4, sigma_factor=0.3, keypoint_threshold=0.127,
                            peak_tolerance=1e-6, **kw)[0]


def test_decoder_has_no_six_person_cap():
    maps = _maps()
    for i in range(9):  # nine separated centre peaks with boxes and joints around them
        y, x = 2 + (i // 3) * 6, 2 + (i % 3) * 8
        maps["center"][0, 0, y, x] = 3.0
        maps["box_scale"][0, :, y, x] = 4.0
        maps["kpt_heatmap"][0, :, y, x] = 3.0
    people = _decode(maps)
    assert len(people.scores) == 9
    assert len(_decode(maps, max_people=6).scores) == 6
    # each box is centred on its peak (cell * stride / input size)
    centres = (people.boxes[:, :2] + people.boxes[:, 2:]) / 2 * torch.tensor([64.0, 96.0])
    peaks = {(2 + (i // 3) * 6, 2 + (i % 3) * 8) for i in range(9)}
    assert {(round(float(c[0]) / 4), round(float(c[1]) / 4)) for c in centres} == peaks


def test_decoder_with_no_people():
    assert len(_decode(_maps()).scores) == 0


def test_detector_finds_synthetic_figures_or_nothing_on_blank(detector):
    assert len(detector.detect(np.full((96, 128, 3), 128, np.uint8))) == 0


@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 5), (33, 65, 4), (50, 70, 1)])
def test_odd_sizes_grey_and_rgba(detector, shape):
    out = detector.detect(np.zeros(shape, np.uint8))
    assert out.boxes.shape[1] == 4


def test_huge_frame_is_downscaled(detector):
    assert detector.inference_scale(4000, 6000) == pytest.approx(1280 / 6000)
    tensor, (sx, sy) = detector.prepare(np.zeros((4000, 6000, 3), np.uint8))
    assert tensor.shape[-1] == 1280 and tensor.shape[-2] % 32 == 0 and sx == pytest.approx(1280 / 6000)


def test_bad_images(detector):
    with pytest.raises(ImageError):
        detector.detect(np.zeros((10, 10, 3), np.float64))
    with pytest.raises(ImageError):
        detector.detect("frame.png")
    with pytest.raises(ValueError):
        PersonDetector(size=10)


def _vtest_frame(shared_data, index=200):
    import cv2
    from conftest import require

    cap = cv2.VideoCapture(str(require(shared_data / "media" / "vtest.avi")))
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, frame = cap.read()
    assert ok
    return frame[:, :, ::-1].copy()


@pytest.fixture(scope="module")
def vtest(shared_data, detector):
    """vtest.avi frame 200 and its native-size detections."""
    frame = _vtest_frame(shared_data)
    return frame, detector.detect(frame)


def test_vtest_people_match_the_tfjs_reference(shared_data, vtest):
    """Frame 200: our uncapped detector finds the 6 people TF.js reported, at the same boxes."""
    from conftest import require

    ref = np.load(require(shared_data / "tfjs_reference" / "movenet-multipose.npz"))["output/Identity"][0]
    found = vtest[1]
    ref_boxes = ref[:, [52, 51, 54, 53]] * [768, 576, 768, 576]
    for box in ref_boxes[ref[:, 55] > 0.2]:
        assert np.abs(found.boxes - box).max(axis=1).min() < 0.5
    assert found.keypoints.shape == (len(found), 17, 3)
    # coarse joints lie inside (or at the edge of) their boxes
    x = found.keypoints[..., 0]
    inside = (x > found.boxes[:, None, 0] - 10) & (x < found.boxes[:, None, 2] + 10)
    assert inside.mean() > 0.95


def test_downscaled_inference_maps_back_to_the_frame(vtest):
    frame, a = vtest
    b = PersonDetector(device="cpu", size=512).detect(frame)
    assert len(b) >= 3
    for box in b.boxes:  # every downscaled detection overlaps a native one
        iou = _iou(box, a.boxes)
        assert iou.max() > 0.5


def _iou(box, boxes):
    lt = np.maximum(box[:2], boxes[:, :2])
    rb = np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=1)
    area = lambda b: (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])  # noqa: E731
    return inter / (area(box) + area(boxes) - inter)


def test_vtest_crowded_frame_exceeds_the_graphs_six_people(shared_data, detector):
    """Frame 720 has 8 people; the original graph could report at most 6."""
    found = detector.detect(_vtest_frame(shared_data, 720))
    assert len(found) >= 7
    assert (found.scores >= 0.2).all()
