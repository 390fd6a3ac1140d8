"""BVH export: round trips through two readers (bvhio and a hand-rolled one), real mocap, bad input."""
import json
import os
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from common.atomic import ExportPathError
from common.bvh import BvhOptions, export_bvh
from common.bvh.reader import h36m_joints, world_positions
from common.bvh.skeleton import BVH_JOINTS, CAMERA_TO_BVH, bone_lengths
from common.bvh.solver import local_rotations
from common.skeleton import H36M17
from common.store import ResultsStore
from common.types import FrameResult, Poses3D
from tests.conftest import require
from tools.bvh_report import chain_bound, cmu_as_h36m

# ---- a second, independent reader: plain text parsing and forward kinematics ------------------
def _axis_rotation(axis: str, degrees: np.ndarray) -> np.ndarray:
    a = np.radians(degrees)
    c, s, one, zero = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    rows = {"X": [[one, zero, zero], [zero, c, -s], [zero, s, c]],
            "Y": [[c, zero, s], [zero, one, zero], [-s, zero, c]],
            "Z": [[c, -s, zero], [s, c, zero], [zero, zero, one]]}[axis]
    return np.moveaxis(np.array(rows), (0, 1), (-2, -1))


def read_bvh_by_hand(path: Path) -> dict:
    """Joint names, parents, offsets, channels, frame time and the motion table."""
    tokens = Path(path).read_text().split()
    names, parents, offsets, channels, stack = [], [], [], [], []
    i, in_end_site = 0, False
    while tokens[i] != "MOTION":
        word = tokens[i]
        if word in ("ROOT", "JOINT"):
            names.append(tokens[i + 1])
            parents.append(stack[-1] if stack else -1)
            i += 2
        elif word == "End":
            in_end_site = True
            i += 2
        elif word == "{":
            stack.append(None if in_end_site else len(names) - 1)
            i += 1
        elif word == "}":
            stack.pop()
            in_end_site = False  # end sites hold nothing nested
            i += 1
        elif word == "OFFSET":
            if not in_end_site:
                offsets.append([float(v) for v in tokens[i + 1:i + 4]])
            i += 4
        elif word == "CHANNELS":
            n = int(tokens[i + 1])
            channels.append(tokens[i + 2:i + 2 + n])
            i += 2 + n
        else:
            i += 1
    frames = int(tokens[i + 2])
    frame_time = float(tokens[i + 5])
    motion = np.array(tokens[i + 6:], float).reshape(frames, -1)
    return {"names": names, "parents": parents, "offsets": np.array(offsets), "channels": channels,
            "frame_time": frame_time, "motion": motion}


def fk_by_hand(path: Path) -> tuple[list[str], np.ndarray]:
    """World positions (F, J, 3) of every joint of a BVH file, in file units."""
    bvh = read_bvh_by_hand(path)
    motion, frames = bvh["motion"], len(bvh["motion"])
    positions = np.zeros((frames, len(bvh["names"]), 3))
    rotations = np.zeros((frames, len(bvh["names"]), 3, 3))
    column = 0
    for j, (parent, offset, chans) in enumerate(zip(bvh["parents"], bvh["offsets"], bvh["channels"])):
        local, translation = np.broadcast_to(np.eye(3), (frames, 3, 3)), np.broadcast_to(offset, (frames, 3))
        if any(c.endswith("position") for c in chans):
            translation = np.zeros((frames, 3))
        for c in chans:
            if c.endswith("position"):
                translation[:, "XYZ".index(c[0])] = motion[:, column]
            else:
                local = local @ _axis_rotation(c[0], motion[:, column])
            column += 1
        if parent < 0:
            positions[:, j], rotations[:, j] = translation, local
        else:
            positions[:, j] = positions[:, parent] + np.einsum("fij,fj->fi", rotations[:, parent], translation)
            rotations[:, j] = rotations[:, parent] @ local
    return bvh["names"], positions


def fk_with_bvhio(path: Path) -> tuple[list[str], np.ndarray]:
    read = world_positions(path)
    return read.names, read.positions


# ---- inputs ---------------------------------------------------------------------------------
def store_with(tracks: dict[int, tuple[np.ndarray, np.ndarray]], fps: float = 50.0,
               frames: int | None = None) -> ResultsStore:
    """A store from {track id: (video frame indices, camera-frame joints (T, 17, 3) in mm)}."""
    last = max(int(f[-1]) for f, _ in tracks.values()) + 1 if frames is None else frames
    store = ResultsStore(fps)
    for index in range(last):
        ids, joints = [], []
        for tid, (frame_ids, points) in tracks.items():
            hit = np.flatnonzero(frame_ids == index)
            if len(hit):
                ids.append(tid)
                joints.append(points[hit[0]])
        if not ids:
            store.add(FrameResult(index, index / fps, np.zeros(0), np.zeros((0, 4)), np.zeros(0)))
            continue
        joints = np.array(joints, np.float64)
        root = joints[:, 0].copy()
        store.add(FrameResult(index, index / fps, np.array(ids), np.zeros((len(ids), 4)), np.ones(len(ids)),
                              None, Poses3D((joints - root[:, None]).astype(np.float32), root.astype(np.float32))))
    return store


def h36m_sequence(shared_data: Path, key: str, count: int, step: int = 1) -> np.ndarray:
    """A Human3.6M ground-truth sequence in camera 54138969's frame (mm), as the pipeline sees people."""
    subject = key.split("/")[0]
    poses = np.load(require(shared_data / "h36m" / f"h36m_3d17_world_mm_train_{subject}_50fps.npz"))[key]
    camera = json.loads(require(shared_data / "h36m" / "h36m_cameras.json").read_text())[subject]["54138969"]
    world = poses[:count * step:step].astype(np.float64)
    return (world - np.array(camera["T"])) @ np.array(camera["R_w2c"]).T


def t_pose(lengths: np.ndarray) -> np.ndarray:
    """H36M-17 joints of an upright T-pose facing the camera (camera frame, mm, 3 m away)."""
    directions = {"r_hip": (-1, 0, 0), "l_hip": (1, 0, 0), "r_knee": (0, -1, 0), "r_ankle": (0, -1, 0),
                  "l_knee": (0, -1, 0), "l_ankle": (0, -1, 0), "spine": (0, 1, 0), "thorax": (0, 1, 0),
                  "neck_nose": (0, 1, 0), "head": (0, 1, 0), "l_shoulder": (1, 0, 0), "l_elbow": (1, 0, 0),
                  "l_wrist": (1, 0, 0), "r_shoulder": (-1, 0, 0), "r_elbow": (-1, 0, 0), "r_wrist": (-1, 0, 0)}
    up_world = np.zeros((17, 3))
    for child, parent in enumerate(H36M17.parents):
        if parent >= 0:
            up_world[child] = up_world[parent] + np.array(directions[H36M17.joints[child]]) * lengths[child]
    return up_world @ CAMERA_TO_BVH.T + np.array([0.0, 0.0, 3000.0])


S1_LENGTHS = np.array([0, 133, 443, 454, 133, 443, 454, 233, 257, 121, 115, 151, 279, 252, 151, 279, 252], float)


def _export_one(tmp_path, joints, frames=None, fps=50.0, **options) -> tuple[Path, object]:
    """One person exported; in the camera's own axes (not levelled) unless ``level=True``."""
    frames = np.arange(len(joints)) if frames is None else np.asarray(frames)
    result = export_bvh(store_with({3: (frames, joints)}, fps), tmp_path / "bvh",
                        options=BvhOptions(**{"level": False, **options}))
    return result.written[0].path, result


# ---- round trips ----------------------------------------------------------------------------
def test_h36m_ground_truth_round_trips_to_a_micrometre_in_both_readers(shared_data, tmp_path):
    truth = h36m_sequence(shared_data, "S1/Walking", 300)
    path, result = _export_one(tmp_path, truth)
    assert [w.frames for w in result.written] == [300] and result.notes == []
    for reader in (fk_with_bvhio, fk_by_hand):
        names, positions = reader(path)
        error = np.linalg.norm(h36m_joints(names, positions) - truth, axis=-1)
        assert error.max() <= 1.0, reader.__name__  # bone lengths are constant in H36M mocap
        assert error.mean() < 0.05, reader.__name__
    assert read_bvh_by_hand(path)["frame_time"] == pytest.approx(0.02)


def test_error_stays_within_the_bone_length_change_when_lengths_vary(shared_data, tmp_path):
    truth = h36m_sequence(shared_data, "S1/Sitting 1", 200, step=5)
    rng = np.random.default_rng(0)
    noisy = truth + rng.normal(scale=15.0, size=truth.shape)  # lifter-like jitter, bone lengths change
    path, _ = _export_one(tmp_path, noisy)
    names, positions = fk_by_hand(path)
    error = np.linalg.norm(h36m_joints(names, positions) - noisy, axis=-1)
    lengths = bone_lengths(noisy - noisy[:, :1])
    assert np.all(error <= chain_bound(noisy, lengths) + 0.01)
    assert error.mean() > 1.0  # the bound is not met trivially: the skeleton really is fixed


def test_cmu_mocap_exported_again_matches_its_source_positions(shared_data, tmp_path):
    source = cmu_as_h36m(require(shared_data / "cmu_bvh" / "01_01.bvh"), 240)
    path, _ = _export_one(tmp_path, source, fps=120.0)
    names, positions = fk_with_bvhio(path)
    error = np.linalg.norm(h36m_joints(names, positions) - source, axis=-1)
    # CMU skeletons are rigid but not quite symmetric: ours is, so the error is the left/right
    # difference, bounded by the bone-length change along each chain.
    assert np.all(error <= chain_bound(source, bone_lengths(source - source[:, :1])) + 0.01)
    assert error.mean() < 5.0 and error.max() < 15.0


# ---- the file itself ------------------------------------------------------------------------
def test_rest_pose_is_an_upright_t_pose_facing_plus_z(tmp_path):
    path, _ = _export_one(tmp_path, np.repeat(t_pose(S1_LENGTHS)[None], 3, 0))
    bvh = read_bvh_by_hand(path)
    assert bvh["names"][0] == "Hips" and bvh["channels"][0][:3] == ["Xposition", "Yposition", "Zposition"]
    np.testing.assert_allclose(bvh["motion"][:, 3:], 0.0, atol=1e-4)  # a T-pose needs no rotation
    np.testing.assert_allclose(bvh["motion"][0, :3], [0.0, 0.0, -300.0], atol=1e-4)  # cm, camera origin
    offsets = dict(zip(bvh["names"], bvh["offsets"]))
    np.testing.assert_allclose(offsets["LeftArm"], [15.1, 0, 0])  # left is +X
    np.testing.assert_allclose(offsets["RightLeg"], [0, -44.3, 0])  # legs down, in cm
    np.testing.assert_allclose(offsets["Spine"], [0, 23.3, 0])  # spine up


def _rotating(base: np.ndarray, turns: float, frames: int) -> np.ndarray:
    """``base`` spun about the camera's vertical axis, around its pelvis."""
    angles = np.linspace(0, 2 * np.pi * turns, frames)
    c, s = np.cos(angles), np.sin(angles)
    spin = np.zeros((frames, 3, 3))
    spin[:, 0, 0], spin[:, 0, 2], spin[:, 1, 1], spin[:, 2, 0], spin[:, 2, 2] = c, s, 1, -s, c
    centred = base - base[0]
    return np.einsum("fij,nj->fni", spin, centred) + base[0]


def test_a_person_turning_twice_has_continuous_unwrapped_angles(tmp_path):
    path, _ = _export_one(tmp_path, _rotating(t_pose(S1_LENGTHS), turns=2, frames=121))
    yaw_column = 3 + read_bvh_by_hand(path)["channels"][0][3:].index("Yrotation")
    yaw = read_bvh_by_hand(path)["motion"][:, yaw_column]
    assert np.abs(np.diff(yaw)).max() < 10.0
    assert abs(yaw[-1] - yaw[0]) == pytest.approx(720.0, abs=1.0)  # not wrapped back into ±180


@pytest.mark.parametrize("key", ["S1/Sitting 1", "S1/Eating 2", "S1/Greeting", "S1/Photo"])
def test_no_angle_jumps_over_90_degrees_while_joints_barely_move(shared_data, tmp_path, key):
    truth = h36m_sequence(shared_data, key, 500, step=2)
    path, _ = _export_one(tmp_path, truth, fps=25.0)
    angles = read_bvh_by_hand(path)["motion"][:, 3:]
    moved = np.linalg.norm(np.diff(truth, axis=0), axis=-1).max(axis=1)
    jumps = np.abs(np.diff(angles, axis=0)).max(axis=1)
    assert (moved < 50.0).sum() > 400
    assert jumps[moved < 50.0].max() <= 90.0


def test_knees_and_elbows_bend_about_their_hinge_the_anatomical_way(shared_data):
    truth = h36m_sequence(shared_data, "S1/Sitting 1", 400, step=2)
    local = local_rotations(truth @ CAMERA_TO_BVH.T)
    names = [joint.name for joint in BVH_JOINTS]
    for name, hinge in (("RightLeg", (1, 0, 0)), ("LeftLeg", (1, 0, 0)),
                        ("LeftForeArm", (0, -1, 0)), ("RightForeArm", (0, 1, 0))):
        rotvec = Rotation.from_matrix(local[:, names.index(name)]).as_rotvec()
        angle = np.linalg.norm(rotvec, axis=-1)
        bent = angle > np.radians(30)
        assert bent.sum() > 100, name
        # the twist of the upper limb follows the limb plane, so the joint below is a pure hinge
        assert (rotvec[bent] / angle[bent, None] @ np.array(hinge, float)).min() > 0.98, name


def test_bone_offsets_are_a_symmetric_robust_median(tmp_path):
    rng = np.random.default_rng(1)
    frames = np.repeat(t_pose(S1_LENGTHS)[None], 21, 0) + rng.normal(scale=2.0, size=(21, 17, 3))
    frames[5, H36M17.index("l_wrist")] += [900.0, 0, 0]  # one wild outlier
    path, _ = _export_one(tmp_path, frames)
    offsets = dict(zip(read_bvh_by_hand(path)["names"], read_bvh_by_hand(path)["offsets"]))
    assert offsets["LeftHand"][0] == pytest.approx(-offsets["RightHand"][0])
    assert offsets["LeftHand"][0] == pytest.approx(25.2, abs=0.3)  # the median ignores the outlier
    assert offsets["RightUpLeg"][0] == pytest.approx(-offsets["LeftUpLeg"][0])


def _pitched(points: np.ndarray, degrees: float) -> np.ndarray:
    """Camera-frame points as seen by a camera pitched ``degrees`` down (turned about its x axis)."""
    a = np.radians(degrees)
    turn = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    return points @ turn.T


def test_a_camera_looking_down_is_levelled_so_people_stand_upright_on_the_floor(tmp_path):
    walking = _rotating(t_pose(S1_LENGTHS), turns=0.25, frames=30)
    walking[..., 0] += np.linspace(0, 900, 30)[:, None]  # turning a quarter while stepping right
    seen = _pitched(walking, 25.0)
    spine = [H36M17.index("pelvis"), H36M17.index("thorax")]
    for level, lean in ((True, 0.0), (False, 25.0)):
        (tmp_path / str(level)).mkdir()
        path, result = _export_one(tmp_path / str(level), seen, level=level)
        names, positions = fk_by_hand(path)
        up = positions[:, names.index("Spine1")] - positions[:, names.index("Hips")]
        tilt = np.degrees(np.arccos(up[:, 1] / np.linalg.norm(up, axis=1)))
        np.testing.assert_allclose(tilt, lean, atol=0.5)
        back = h36m_joints(names, positions, result.axes)  # still the same camera-frame joints
        assert np.abs(back - seen).max() < 1.0
        if level:  # the floor is at Y = 0: the feet stand on it, the hips at leg height (cm)
            np.testing.assert_allclose(positions[:, names.index("LeftFoot"), 1], 0.0, atol=0.01)
            np.testing.assert_allclose(positions[:, names.index("Hips"), 1], 89.7, atol=0.01)
        assert np.all(np.diff(back[:, spine[0], 0]) > 0)


# ---- time grid and gaps ---------------------------------------------------------------------
def test_frame_step_sets_frame_time_and_keeps_the_videos_frames(shared_data, tmp_path):
    truth = h36m_sequence(shared_data, "S1/Walking", 60)
    path, result = _export_one(tmp_path, truth, frame_step=3)
    bvh = read_bvh_by_hand(path)
    assert bvh["frame_time"] == pytest.approx(0.06) and len(bvh["motion"]) == 20
    names, positions = fk_by_hand(path)
    assert np.abs(h36m_joints(names, positions) - truth[::3]).max() < 1.0


def test_short_gaps_are_interpolated_and_long_gaps_split_the_file(shared_data, tmp_path):
    truth = h36m_sequence(shared_data, "S1/Walking", 200)
    kept = np.r_[0:40, 50:100, 160:200]  # a 0.2 s gap (filled) and a 1.2 s gap (split)
    store = store_with({3: (kept, truth[kept])}, fps=50.0)
    result = export_bvh(store, tmp_path / "bvh")
    assert [w.path.name for w in result.written] == ["person_3.bvh", "person_3_part2.bvh"]
    assert [(w.first_frame, w.frames, w.filled) for w in result.written] == [(0, 100, 10), (160, 40, 0)]
    assert "2 parts" in result.notes[0]
    names, positions = fk_by_hand(result.written[0].path)
    filled = h36m_joints(names, positions, result.axes)[40:50]  # levelled: mapped back
    assert np.linalg.norm(filled - truth[40:50], axis=-1).mean() < 60.0  # walking, 0.2 s bridged


# ---- bad input ------------------------------------------------------------------------------
def test_a_track_of_one_frame_is_refused_with_a_reason(tmp_path):
    store = store_with({4: (np.array([7]), t_pose(S1_LENGTHS)[None])})
    with pytest.raises(ValueError, match="person 4.*at least 2 frames"):
        export_bvh(store, tmp_path / "bvh")
    assert not (tmp_path / "bvh").exists()


def test_nan_joints_are_gaps_and_a_never_lifted_person_is_named(tmp_path):
    frames = np.repeat(t_pose(S1_LENGTHS)[None], 10, 0)
    frames[4, 3] = np.nan
    store = store_with({1: (np.arange(10), frames), 2: (np.arange(10), np.full((10, 17, 3), np.nan))})
    result = export_bvh(store, tmp_path / "bvh")
    assert [(w.track_id, w.frames, w.filled) for w in result.written] == [(1, 10, 1)]
    assert any("person 2: no 3D joints" in note for note in result.notes)
    assert np.isfinite(read_bvh_by_hand(result.written[0].path)["motion"]).all()


def test_a_person_missing_for_most_of_the_clip_is_written_in_parts_with_a_note(tmp_path):
    pose = t_pose(S1_LENGTHS)
    frames = np.r_[0:3, 500:503, 900]  # six frames of a 901-frame clip, one of them alone
    result = export_bvh(store_with({5: (frames, np.repeat(pose[None], len(frames), 0))}), tmp_path / "bvh")
    assert [w.path.name for w in result.written] == ["person_5.bvh", "person_5_part2.bvh"]
    assert any("frame 900 stands alone" in note for note in result.notes)


def test_a_file_in_the_way_of_the_folder_fails_clearly(tmp_path):
    (tmp_path / "taken").write_text("keep me")
    store = store_with({1: (np.arange(3), np.repeat(t_pose(S1_LENGTHS)[None], 3, 0))})
    with pytest.raises(ExportPathError, match="it is a file, not a folder"):
        export_bvh(store, tmp_path / "taken")
    with pytest.raises(ExportPathError, match="does not exist"):
        export_bvh(store, tmp_path / "no" / "such")
    assert (tmp_path / "taken").read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_fails_clearly_and_writes_nothing(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    store = store_with({1: (np.arange(3), np.repeat(t_pose(S1_LENGTHS)[None], 3, 0))})
    try:
        with pytest.raises(ExportPathError, match="no permission"):
            export_bvh(store, locked)
        assert os.listdir(locked) == []
    finally:
        locked.chmod(0o700)


def test_a_failure_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    store = store_with({1: (np.arange(3), np.repeat(t_pose(S1_LENGTHS)[None], 3, 0))})

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savetxt", broken)
    with pytest.raises(OSError, match="disk full"):
        export_bvh(store, tmp_path / "bvh")
    assert os.listdir(tmp_path / "bvh") == []
