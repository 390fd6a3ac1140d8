import numpy as np
import pytest

from common.store import ResultsStore, StoreFormatError
from common.types import FrameResult, Poses2D, Poses3D


def make_result(index: int, ids: list[int], with_3d: bool = True) -> FrameResult:
    n = len(ids)
    rng = np.random.default_rng(index)
    boxes = np.tile([10.0, 20.0, 60.0, 150.0], (n, 1)) + index
    poses2d = Poses2D(rng.uniform(0, 100, (n, 17, 2)), rng.uniform(0, 1, (n, 17)), "coco17")
    poses3d = Poses3D(rng.normal(size=(n, 17, 3)) * 100, rng.normal(size=(n, 3)) + 3000) if with_3d else None
    return FrameResult(index, index / 25, ids, boxes, np.full(n, 0.9), poses2d, poses3d, (640, 480))


def test_random_access_by_frame_and_iteration_by_track():
    store = ResultsStore(fps=25)
    frames = [make_result(i, [1, 2] if i < 5 else [2, 3]) for i in range(10)]
    frames[7] = make_result(7, [])
    for r in frames:
        store.add(r)
    got = store.frame(3)
    np.testing.assert_array_equal(got.track_ids, [1, 2])
    np.testing.assert_allclose(got.poses3d.joints, frames[3].poses3d.joints)
    np.testing.assert_allclose(got.poses2d.keypoints, frames[3].poses2d.keypoints)
    assert len(store.frame(7)) == 0 and store.frame(42) is None
    assert store.track_ids() == [1, 2, 3]
    series = store.track(3)
    np.testing.assert_array_equal(series.frames, [5, 6, 8, 9])
    np.testing.assert_allclose(series.timestamps, np.array([5, 6, 8, 9]) / 25)
    with pytest.raises(KeyError):
        store.track(99)
    with pytest.raises(ValueError, match="already stored"):
        store.add(make_result(3, [1]))


def test_save_load_round_trip(tmp_path):
    store = ResultsStore(fps=30, source_name="clip.mp4")
    for i in range(6):
        store.add(make_result(i, [4, 9] if i % 2 else [4], with_3d=i != 2))
    store.add(make_result(6, []))
    path = tmp_path / "results.npz"
    store.save(path)
    loaded = ResultsStore.load(path)
    assert len(loaded) == 7 and loaded.fps == 30 and loaded.layout2d == "coco17"
    assert loaded.frame_size == (640, 480)
    for i in range(7):
        a, b = store.frame(i), loaded.frame(i)
        np.testing.assert_array_equal(a.track_ids, b.track_ids)
        np.testing.assert_allclose(a.boxes, b.boxes)
        assert (a.poses3d is None) == (b.poses3d is None)
        if a.poses3d is not None:
            np.testing.assert_allclose(a.poses3d.joints, b.poses3d.joints)
            np.testing.assert_allclose(a.poses3d.root, b.poses3d.root)


def test_load_rejects_foreign_files(tmp_path):
    bad = tmp_path / "other.npz"
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(StoreFormatError, match="not a PoseScope results file"):
        ResultsStore.load(bad)
    with pytest.raises(FileNotFoundError):
        ResultsStore.load(tmp_path / "missing.npz")


def test_long_streams_spill_to_disk_and_stay_readable():
    store = ResultsStore(fps=25, max_memory_rows=1000)
    for i in range(2000):  # 4000 rows, several chunks
        store.add(make_result(i, [1, 2], with_3d=False))
    assert any(isinstance(c["frame"], np.memmap) for c in store._chunks)
    np.testing.assert_array_equal(store.frame(10).track_ids, [1, 2])
    np.testing.assert_allclose(store.frame(1999).boxes[0], [2009, 2019, 2059, 2149])
    assert len(store.track(2).frames) == 2000
