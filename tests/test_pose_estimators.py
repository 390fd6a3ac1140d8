"""Batched crop estimators: exact crop geometry, batch invariance, empty and bad inputs."""
from __future__ import annotations

import numpy as np
import pytest

from common.image_input import ImageError
from pose import make_estimator
from pose.crops import crop_to_frame, square_crop_transforms, warp_crops

RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def lightning():
    return make_estimator("movenet-lightning", device="cpu")


def _scene():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    from make_oracle_fixtures import draw_scene

    return draw_scene(240, 320, people=2, seed=3)


def test_crop_and_back_mapping_are_exact_inverses():
    boxes = np.array([[10.0, 20.0, 60.0, 140.0], [-30.0, 5.0, 25.0, 50.0]])
    t = square_crop_transforms(boxes, 192)
    pts = RNG.uniform(0, 192, (2, 17, 2))
    frame = crop_to_frame(pts, t)
    back = np.einsum("nij,nkj->nki", t[:, :, :2], frame) + t[:, None, :, 2]
    np.testing.assert_allclose(back, pts, atol=1e-4)
    # box centre lands in the crop centre, the longer side spans 1/1.25 of the crop
    centre = crop_to_frame(np.full((2, 1, 2), 96.0), t)[:, 0]
    np.testing.assert_allclose(centre, (boxes[:, :2] + boxes[:, 2:]) / 2, atol=1e-4)


def test_warp_puts_a_pixel_where_the_transform_says():
    img = np.zeros((100, 120, 3), np.uint8)
    img[40, 70] = 255
    t = square_crop_transforms(np.array([[50.0, 20.0, 90.0, 70.0]]), 64)
    crop = warp_crops(img, t, 64)[0, :, :, 0]
    row, col = np.unravel_index(crop.argmax(), crop.shape)
    expected = t[0] @ np.array([70.5, 40.5, 1.0])  # continuous pixel centre
    assert abs(col + 0.5 - expected[0]) <= 0.5 and abs(row + 0.5 - expected[1]) <= 0.5


def test_batch_equals_one_by_one(lightning):
    img = _scene()
    boxes = np.array([[40.0, 20.0, 160.0, 230.0], [150.0, 30.0, 300.0, 220.0], [0.0, 0.0, 320.0, 240.0]])
    together = lightning.estimate(img, boxes)
    alone = [lightning.estimate(img, b[None]) for b in boxes]
    np.testing.assert_allclose(together.keypoints, np.concatenate([a.keypoints for a in alone]), atol=1e-3)
    assert together.layout == "coco17" and together.keypoints.shape == (3, 17, 2)


def test_moving_the_image_moves_the_joints(lightning):
    img = _scene()
    box = np.array([[40.0, 20.0, 160.0, 230.0]])
    shifted = np.zeros((240 + 32, 320 + 48, 3), np.uint8)
    shifted[32:, 48:] = img
    a = lightning.estimate(img, box).keypoints
    b = lightning.estimate(shifted, box + [48, 32, 48, 32]).keypoints
    np.testing.assert_allclose(b - a, np.broadcast_to([48.0, 32.0], a.shape), atol=0.05)


def test_empty_boxes_give_empty_poses(lightning):
    out = lightning.estimate(_scene(), np.zeros((0, 4)))
    assert len(out) == 0 and out.keypoints.shape == (0, 17, 2)
    assert len(lightning.estimate(_scene(), [])) == 0


@pytest.mark.parametrize("image", [np.zeros((50, 60), np.uint8), np.zeros((50, 60, 1), np.uint8),
                                   np.zeros((50, 60, 4), np.uint8), np.zeros((1, 1, 3), np.uint8)])
def test_grey_rgba_and_tiny_images_work(lightning, image):
    out = lightning.estimate(image, np.array([[5.0, 5.0, 40.0, 45.0]]))
    assert out.keypoints.shape == (1, 17, 2) and np.isfinite(out.keypoints).all()


@pytest.mark.parametrize("image, boxes, error", [
    (np.zeros((50, 60, 3), np.float32), [[0, 0, 10, 10]], ImageError),
    (np.zeros((50, 60, 2), np.uint8), [[0, 0, 10, 10]], ImageError),
    (np.zeros((0, 60, 3), np.uint8), [[0, 0, 10, 10]], ImageError),
    (np.zeros((50, 60, 3), np.uint8), [[0, 0, 10]], ValueError),
    (np.zeros((50, 60, 3), np.uint8), [[0, 0, np.nan, 10]], ValueError),
])
def test_bad_input_is_rejected_clearly(lightning, image, boxes, error):
    with pytest.raises(error):
        lightning.estimate(image, np.asarray(boxes, dtype=np.float32))


def test_unknown_estimator_name():
    with pytest.raises(ValueError, match="choose from"):
        make_estimator("movenet-ultra")


def test_blazepose_outputs_landmarks_and_world():
    est = make_estimator("blazepose-full", device="cpu")
    out = est.estimate(_scene(), np.array([[40.0, 20.0, 160.0, 230.0], [150.0, 30.0, 300.0, 220.0]]))
    assert out.layout == "blazepose33" and out.keypoints.shape == (2, 33, 2)
    assert out.world_landmarks.shape == (2, 33, 3) and out.pose_flag.shape == (2,)
    assert ((out.scores >= 0) & (out.scores <= 1)).all()
    empty = est.estimate(_scene(), np.zeros((0, 4)))
    assert empty.world_landmarks.shape == (0, 33, 3)
