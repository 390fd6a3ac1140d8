"""`process … --bvh DIR` and File › Export › BVH: the BVH export wired into the job and the app."""
import cv2
import numpy as np
import pytest

from app.qt_setup import prepare_qt

prepare_qt()

from app.export_dialog import ExportDialog  # noqa: E402
from app.export_job import ExportRequest  # noqa: E402
from common.atomic import ExportPathError  # noqa: E402
from common.bvh.level import scene_axes  # noqa: E402
from common.bvh.reader import h36m_joints  # noqa: E402
from common.exporters import VideoOptions  # noqa: E402
from common.store import ResultsStore  # noqa: E402
from common.types import Poses3D  # noqa: E402
from pipeline.pipeline import Pipeline  # noqa: E402
from pipeline.video_job import ExportTargets, process_video  # noqa: E402
from tests.test_app_window import (FRAMES, errors, results_file, settings, wait_idle,  # noqa: E402,F401
                                   window)
from tests.test_bvh import S1_LENGTHS, fk_by_hand, read_bvh_by_hand, t_pose  # noqa: E402
from tests.test_pipeline_wiring import BoxCornersEstimator, BrightBlobDetector, KeepIdTracker  # noqa: E402


class TPoseLifter:
    """Every person becomes the same upright T-pose (root-relative, mm)."""

    def lift(self, poses2d, track_ids=None, timestamp=None):
        pose = t_pose(S1_LENGTHS)
        return Poses3D(np.repeat((pose - pose[0])[None], len(poses2d), 0))


def _blob_folder(folder, count):
    folder.mkdir()
    for i in range(count):
        image = np.zeros((40, 60, 3), np.uint8)
        image[10:20, 5 + i:15 + i, 1] = 255
        cv2.imwrite(str(folder / f"{i:03d}.png"), image)
    return folder


def test_process_writes_one_bvh_per_person_on_the_frame_step_grid(tmp_path):
    frames = _blob_folder(tmp_path / "frames", 9)
    pipeline = Pipeline(BrightBlobDetector(), KeepIdTracker(), BoxCornersEstimator(), TPoseLifter())
    summary = process_video(str(frames), ExportTargets(bvh=tmp_path / "bvh"), pipeline, VideoOptions(frame_step=2))
    assert summary.written == [tmp_path / "bvh" / "person_7.bvh"]
    assert "person_7.bvh: 5 frames from video frame 0" in summary.notes
    bvh = read_bvh_by_hand(summary.written[0])
    assert len(bvh["motion"]) == 5 and bvh["frame_time"] == pytest.approx(2 / 25)  # no fps: 25 assumed
    names, positions = fk_by_hand(summary.written[0])
    legs = h36m_joints(names, positions)[:, 0, 1] - h36m_joints(names, positions)[:, 3, 1]
    np.testing.assert_allclose(legs, -(443 + 454), atol=0.01)  # unplaced: upright, feet below the hips


def test_process_with_nobody_to_animate_says_so_and_keeps_the_other_exports(tmp_path):
    frames = _blob_folder(tmp_path / "frames", 1)
    pipeline = Pipeline(BrightBlobDetector(), KeepIdTracker(), BoxCornersEstimator(), TPoseLifter())
    targets = ExportTargets(json=tmp_path / "a.jsonl", bvh=tmp_path / "bvh")
    summary = process_video(str(frames), targets, pipeline)
    assert summary.written == [tmp_path / "a.jsonl"] and (tmp_path / "a.jsonl").exists()
    assert any("at least 2 frames" in note for note in summary.notes)


def test_a_file_where_the_bvh_folder_should_be_fails_before_processing(tmp_path):
    (tmp_path / "bvh").write_text("")
    with pytest.raises(ExportPathError, match="not a folder"):
        ExportTargets(bvh=tmp_path / "bvh").check_writable()


def test_app_exports_bvh_for_everybody_then_for_the_selected_person(qtbot, window, errors, results_file, tmp_path):
    assert window.open_results(results_file)
    everybody = tmp_path / "all"
    assert window.start_export(ExportRequest(bvh=everybody))
    wait_idle(qtbot, window)
    assert errors == [] and sorted(p.name for p in everybody.iterdir()) == ["person_1.bvh", "person_2.bvh"]
    stored = ResultsStore.load(results_file)
    names, positions = fk_by_hand(everybody / "person_2.bvh")
    pelvis = h36m_joints(names, positions, scene_axes(stored))[:, 0]
    np.testing.assert_allclose(pelvis, stored.track(2).root3d, atol=0.01)  # placed where the app shows them
    assert len(pelvis) == FRAMES - 2

    window.tracks.select(2)
    dialog = ExportDialog(tmp_path, "walk", True, 10.0, selected_id=window.selected_id)
    qtbot.addWidget(dialog)
    assert not dialog.bvh_people.isEnabled()
    dialog.bvh.check.setChecked(True)
    request = dialog.request()
    assert request.bvh == tmp_path / "walk_bvh" and request.bvh_person == 2
    assert window.start_export(request)
    wait_idle(qtbot, window)
    assert errors == [] and [p.name for p in (tmp_path / "walk_bvh").iterdir()] == ["person_2.bvh"]
    assert window.statusBar().currentMessage().startswith("exported")
