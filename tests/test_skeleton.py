import numpy as np
import pytest

from common.skeleton import (BLAZEPOSE33, COCO17, H36M17, LAYOUTS, blazepose33_to_coco17,
                             blazepose33_to_h36m17, coco17_to_h36m17, to_h36m17)


@pytest.mark.parametrize("skeleton", list(LAYOUTS.values()), ids=list(LAYOUTS))
def test_layout_is_consistent(skeleton):
    assert len(skeleton.parents) == skeleton.num_joints
    assert skeleton.parents.count(-1) == 1
    assert all(p < skeleton.num_joints for p in skeleton.parents)
    assert len(skeleton.left) == len(skeleton.right)
    assert not set(skeleton.left) & set(skeleton.right)
    perm = skeleton.flip_permutation
    assert np.array_equal(perm[perm], np.arange(skeleton.num_joints))
    for left, right in zip(skeleton.left, skeleton.right):
        assert skeleton.joints[left].replace("l_", "") == skeleton.joints[right].replace("r_", "") \
            or skeleton.joints[left].endswith("_l")


def test_h36m_parents_match_the_data_notes():
    assert H36M17.parents == (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15)
    assert len(H36M17.bones) == 16


def test_coco_to_h36m_derives_the_midpoints():
    rng = np.random.default_rng(0)
    coco = rng.uniform(0, 500, (3, 17, 2)).astype(np.float32)
    scores = rng.uniform(0.2, 1, (3, 17)).astype(np.float32)
    h36m, s = coco17_to_h36m17(coco, scores)
    assert h36m.shape == (3, 17, 2) and s.shape == (3, 17)
    np.testing.assert_allclose(h36m[:, 0], (coco[:, 11] + coco[:, 12]) / 2, rtol=1e-6)
    np.testing.assert_allclose(h36m[:, 8], (coco[:, 5] + coco[:, 6]) / 2, rtol=1e-6)
    np.testing.assert_allclose(h36m[:, 7], (h36m[:, 0] + h36m[:, 8]) / 2, rtol=1e-6)
    np.testing.assert_allclose(h36m[:, 10], (coco[:, 1] + coco[:, 2]) / 2, rtol=1e-6)
    np.testing.assert_array_equal(h36m[:, 1], coco[:, 12])  # right hip
    np.testing.assert_array_equal(h36m[:, 13], coco[:, 9])  # left wrist
    np.testing.assert_array_equal(h36m[:, 16], coco[:, 10])  # right wrist
    np.testing.assert_allclose(s[:, 0], np.minimum(scores[:, 11], scores[:, 12]))


def test_coco_to_h36m_keeps_left_and_right():
    """Joint names must survive the mapping (a left hip stays a left hip)."""
    _, _ = coco17_to_h36m17(np.zeros((17, 3)))
    for h36m_idx, name in enumerate(H36M17.joints):
        if name in COCO17.joints:
            coco = np.zeros((17, 2))
            coco[COCO17.index(name)] = (7, 9)
            out, _ = coco17_to_h36m17(coco)
            np.testing.assert_array_equal(out[h36m_idx], (7, 9))


def test_blazepose_goes_through_the_coco_subset():
    bp = np.random.default_rng(1).normal(size=(2, 33, 3))
    coco, _ = blazepose33_to_coco17(bp)
    for c, name in enumerate(COCO17.joints):
        np.testing.assert_array_equal(coco[:, c], bp[:, BLAZEPOSE33.index(name)])
    h36m, scores = blazepose33_to_h36m17(bp)
    np.testing.assert_allclose(h36m[:, 0], (bp[:, 23] + bp[:, 24]) / 2, rtol=1e-5)
    assert scores.shape == (2, 17)


def test_to_h36m_rejects_unknown_layouts_and_wrong_joint_counts():
    with pytest.raises(ValueError, match="no conversion"):
        to_h36m17(np.zeros((1, 15, 2)), None, "humaneva15")
    with pytest.raises(ValueError, match="17 joints"):
        coco17_to_h36m17(np.zeros((1, 16, 2)))
