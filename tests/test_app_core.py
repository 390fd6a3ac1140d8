"""Qt-free parts of the app: joint angles and the frame cache."""
import numpy as np
import pytest

from app.angles import ANGLE_GROUPS, ANGLE_NAMES, angle_at, joint_angles
from app.frame_cache import FrameCache
from common.skeleton import H36M17

J = {name: i for i, name in enumerate(H36M17.joints)}


def standing() -> np.ndarray:
    """A person standing straight with arms hanging down (mm, camera frame, y down)."""
    joints = np.zeros((17, 3))
    for side, x in (("r", -130.0), ("l", 130.0)):
        joints[J[f"{side}_hip"]] = (x, 0, 0)
        joints[J[f"{side}_knee"]] = (x, 450, 0)
        joints[J[f"{side}_ankle"]] = (x, 880, 0)
        joints[J[f"{side}_shoulder"]] = (x, -480, 0)
        joints[J[f"{side}_elbow"]] = (x, -220, 0)
        joints[J[f"{side}_wrist"]] = (x, 20, 0)
    joints[J["spine"]], joints[J["thorax"]] = (0, -250, 0), (0, -500, 0)
    joints[J["neck_nose"]], joints[J["head"]] = (0, -600, 0), (0, -700, 0)
    return joints


def test_angle_at_known_geometry():
    origin = np.zeros(3)
    assert angle_at(np.array([1.0, 0, 0]), origin, np.array([0, 1.0, 0])) == pytest.approx(90)
    assert angle_at(np.array([1.0, 0, 0]), origin, np.array([-2.0, 0, 0])) == pytest.approx(180)
    assert angle_at(np.array([1.0, 1, 0]), origin, np.array([1.0, 0, 0])) == pytest.approx(45)


def test_standing_person_has_straight_limbs():
    angles = joint_angles(standing())
    assert set(angles) == set(ANGLE_NAMES) == {n for pair in ANGLE_GROUPS.values() for n in pair}
    for name in ANGLE_NAMES:
        assert angles[name] == pytest.approx(0.0, abs=1e-6), name


def test_bent_knee_elbow_hip_and_raised_arm():
    joints = standing()
    joints[J["r_ankle"]] = joints[J["r_knee"]] + (0, 0, -430)  # shank backwards: knee at 90°
    joints[J["l_wrist"]] = joints[J["l_elbow"]] + (0, 0, 240)  # forearm forwards: elbow at 90°
    joints[J["l_knee"]] = joints[J["l_hip"]] + (0, 318, 318)  # thigh 45° forwards
    joints[J["l_ankle"]] = joints[J["l_knee"]] + (0, 430, 0)
    joints[J["r_elbow"]] = joints[J["r_shoulder"]] + (-260, 0, 0)  # arm out sideways
    joints[J["r_wrist"]] = joints[J["r_elbow"]] + (-240, 0, 0)
    angles = joint_angles(joints)
    assert angles["r_knee"] == pytest.approx(90, abs=1e-6)
    assert angles["l_elbow"] == pytest.approx(90, abs=1e-6)
    assert angles["l_hip"] == pytest.approx(45, abs=1e-6)
    assert angles["l_knee"] == pytest.approx(45, abs=1e-6)
    assert angles["r_shoulder"] == pytest.approx(90, abs=1e-6)
    assert angles["r_elbow"] == pytest.approx(0, abs=1e-6)
    assert angles["r_hip"] == pytest.approx(0, abs=1e-6)


def test_batches_and_missing_joints():
    frames = np.stack([standing()] * 4)
    frames[2, J["l_knee"]] = np.nan
    frames[3, J["r_elbow"]] = frames[3, J["r_shoulder"]]  # zero-length upper arm
    angles = joint_angles(frames[None])  # (1, 4, 17, 3)
    assert angles["l_knee"].shape == (1, 4)
    assert np.isnan(angles["l_knee"][0, 2]) and np.isnan(angles["l_hip"][0, 2])
    assert np.isnan(angles["r_elbow"][0, 3])
    assert np.isfinite(angles["r_knee"]).all()


def test_wrong_layout_is_named():
    with pytest.raises(ValueError, match=r"\(\.\.\., 17, 3\)"):
        joint_angles(np.zeros((5, 33, 3)))


def test_frame_cache_drops_least_recently_used_beyond_its_budget():
    images = [np.full((2, 2, 3), i, np.uint8) for i in range(3)]  # 12 bytes each
    cache = FrameCache(max_bytes=24)
    cache.put(0, images[0])
    cache.put(1, images[1])
    assert cache.get(0) is images[0]  # 0 is now the most recent
    cache.put(2, images[2])
    assert 1 not in cache and 0 in cache and 2 in cache and len(cache) == 2 and cache.bytes == 24
    assert cache.get(1) is None
    cache.put(2, images[2])  # replacing does not count twice
    assert cache.bytes == 24
    cache.put(3, np.zeros((10, 10, 3), np.uint8))  # bigger than the budget: kept alone
    assert len(cache) == 1 and 3 in cache
    with pytest.raises(ValueError):
        FrameCache(0)
