"""The desktop app driven like a user would: open, process, scrub, select, inspect, export.

Runs under Xvfb (xcb; the ``offscreen`` platform cannot render the GL viewport). Results with
people and 3D come from a synthetic store (two walking stick figures) opened through
File › Open results, so these tests do not depend on which models are installed; the demo clip
test runs the real pipeline on a few frames.
"""
from __future__ import annotations

import dataclasses
import time

import cv2
import numpy as np
import pytest

from app.qt_setup import prepare_qt

prepare_qt()  # before pytest-qt creates the QApplication: GL widgets need shared contexts

from PyQt6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl  # noqa: E402
from PyQt6.QtGui import QDropEvent  # noqa: E402
from PyQt6.QtWidgets import QMessageBox  # noqa: E402

from app import launch, processing  # noqa: E402
from app.export_dialog import ExportDialog  # noqa: E402
from app.export_job import ExportRequest  # noqa: E402
from app.inspector import with_gaps  # noqa: E402
from app.main_window import MainWindow  # noqa: E402
from app.settings import MAX_RECENT, AppSettings, option_type, parse_option  # noqa: E402
from app.settings_dialog import SettingsDialog  # noqa: E402
from common.colors import track_color  # noqa: E402
from common.exporters import VideoOptions  # noqa: E402
from common.skeleton import H36M17  # noqa: E402
from common.sources import VideoFileSource  # noqa: E402
from common.store import ResultsStore  # noqa: E402
from common.types import Detections, FrameResult, Poses2D, Poses3D, Tracks  # noqa: E402
from pipeline.factory import PipelineOptions  # noqa: E402
from pipeline.pipeline import Pipeline  # noqa: E402
from tests.media_fixtures import write_mjpg_avi, write_mp4  # noqa: E402

import main as posescope_main  # noqa: E402

DEMO = posescope_main.DEMO_CLIP
FRAMES, WIDTH, HEIGHT, FOCAL = 12, 320, 240, 300.0
J = {name: i for i, name in enumerate(H36M17.joints)}


# ---- test data ---------------------------------------------------------------------------
def walking_figure(t: float) -> np.ndarray:
    """H36M-17 joints (mm, root-relative, camera frame) of a stick figure mid-stride at phase t."""
    joints = np.zeros((17, 3))
    swing = 0.5 * np.sin(t)
    for side, x, sign in (("r", -130.0, 1), ("l", 130.0, -1)):
        thigh = sign * swing
        knee = np.array([x, 450 * np.cos(thigh), 450 * np.sin(thigh)])
        joints[J[f"{side}_hip"]] = (x, 0, 0)
        joints[J[f"{side}_knee"]] = knee
        joints[J[f"{side}_ankle"]] = knee + (0, 430, -120 * abs(np.sin(t)))
        joints[J[f"{side}_shoulder"]] = (x * 1.3, -480, 0)
        joints[J[f"{side}_elbow"]] = (x * 1.3, -220, -sign * 150 * swing)
        joints[J[f"{side}_wrist"]] = (x * 1.3, 20, -sign * 250 * swing)
    joints[J["spine"]], joints[J["thorax"]] = (0, -250, 0), (0, -500, 0)
    joints[J["neck_nose"]], joints[J["head"]] = (0, -600, 0), (0, -700, 0)
    return joints


def synthetic_store(video: str) -> ResultsStore:
    """Two people walking across the synthetic clip, with 2D projections, boxes and 3D."""
    store = ResultsStore(10.0, (WIDTH, HEIGHT), source_name=video)
    for i in range(FRAMES):
        ids, boxes, kp2d, joints3d, roots = [], [], [], [], []
        for track_id, start_x in ((1, -900.0), (2, 700.0)):
            if track_id == 2 and i < 2:
                continue  # person 2 enters at frame 2
            joints = walking_figure(0.6 * i + track_id)
            root = np.array([start_x + 40.0 * i, 350.0, 5000.0])
            camera = joints + root
            uv = FOCAL * camera[:, :2] / camera[:, 2:] + (WIDTH / 2, HEIGHT / 2)
            ids.append(track_id)
            boxes.append([*(uv.min(0) - 6), *(uv.max(0) + 6)])
            kp2d.append(uv)
            joints3d.append(joints)
            roots.append(root)
        n = len(ids)
        store.add(FrameResult(i, i / 10.0, np.array(ids), np.array(boxes), np.full(n, 0.9),
                              Poses2D(np.array(kp2d), np.ones((n, 17)), "h36m17"),
                              Poses3D(np.array(joints3d), np.array(roots)), frame_size=(WIDTH, HEIGHT)))
    return store


def render_scene(window: MainWindow) -> np.ndarray:
    """The 3D viewport as the user sees it (BGRA)."""
    return window.scene.renderToArray((window.scene.width(), window.scene.height()))


def color_pixels(bgra: np.ndarray, track_id: int, tolerance: int = 40) -> int:
    """How many pixels of a ``renderToArray`` image (BGRA) have the track's colour."""
    r, g, b = track_color(track_id)
    diff = np.abs(bgra[..., :3].astype(int) - np.array([b, g, r]))
    return int((diff.max(axis=-1) < tolerance).sum())


# ---- fixtures ----------------------------------------------------------------------------
@pytest.fixture
def settings(tmp_path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, settings) -> MainWindow:
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def no_models(monkeypatch) -> None:
    """Processing without model stages, for tests of the window's handling of a run."""
    monkeypatch.setattr(processing, "build_pipeline", lambda options: Pipeline(device="cpu"))


@pytest.fixture
def errors(monkeypatch) -> list[tuple[str, str]]:
    """Error dialogs shown, as (title, text), instead of modal boxes."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append((title, text)))
    return shown


@pytest.fixture
def results_file(tmp_path) -> str:
    video = write_mp4(tmp_path / "walk.mp4", frames=FRAMES, fps=10, size=(WIDTH, HEIGHT))
    path = tmp_path / "walk_results.npz"
    synthetic_store(str(video)).save(path)
    return str(path)


def wait_idle(qtbot, window: MainWindow, timeout_ms: int = 60_000) -> None:
    qtbot.waitUntil(lambda: window.worker is None and window.export_worker is None, timeout=timeout_ms)


# ---- the real pipeline on the demo clip --------------------------------------------------
def test_demo_clip_processes_in_background_and_scrubs(qtbot, window, errors):
    # the shipped models, made quick for a test: a small detector input, tracks shown at once
    window.settings.set_pipeline_options(PipelineOptions(detector_size="320", min_hits=1))
    assert window.open_input(str(DEMO), max_frames=6)
    assert window.worker is not None  # processing runs in a thread; the window stays responsive
    wait_idle(qtbot, window, timeout_ms=120_000)
    assert errors == []
    assert len(window.store) == 6 and window.timeline.last_frame == 5
    assert window.stages_label.text()  # the user is told which stages ran (or that none did)
    shown = {}
    for index in (5, 1):
        window.timeline.set_frame(index)
        shown[index] = window.video.image_array.copy()
    assert window.current_frame == 1
    with VideoFileSource(DEMO) as source:
        decoded = source.read_frame(1).image
    if len(window.store.frame(1)) == 0:  # nobody found: the panel shows the frame itself
        assert np.abs(shown[1].astype(int) - decoded).mean() < 1.0
    assert np.abs(shown[1].astype(int) - shown[5]).mean() > 1.0
    assert "demo.mp4" in window.windowTitle()
    assert window.settings.recent_inputs() == [str(DEMO)]
    if "detector" in window.stages:  # the clip is full of pedestrians
        assert len(window.tracks.track_ids) >= 2
    if "lifter" in window.stages:
        window.timeline.set_frame(5)
        assert window.scene.people_shown
        picture = render_scene(window)
        assert sum(color_pixels(picture, track_id) for track_id in window.scene.people_shown) > 50


def test_temporal_lifter_relifts_a_processed_file_from_past_and_future_frames(qtbot, window, errors):
    window.settings.set_pipeline_options(PipelineOptions(detector_size="320", min_hits=1, lifter="temporal"))
    assert window.open_input(str(DEMO), max_frames=12)
    live = window.store  # the store the results arrive in; the two-sided pass hands over a new one
    wait_idle(qtbot, window, timeout_ms=120_000)
    assert errors == []
    assert window.store is not live and len(window.store) == len(live) == 12
    assert "two-sided" in window.statusBar().currentMessage()
    lifted = [i for i in range(12) if len(live.frame(i)) and live.frame(i).poses3d is not None]
    assert lifted, "nobody was lifted on the demo clip"
    before, after = live.frame(lifted[-1]), window.store.frame(lifted[-1])
    assert before.track_ids.tolist() == after.track_ids.tolist()
    assert not np.allclose(before.poses3d.joints, after.poses3d.joints, equal_nan=True)


def test_launch_opens_the_given_input(qtbot, monkeypatch, no_models, errors, tmp_path):
    monkeypatch.setattr(launch, "MainWindow", lambda: MainWindow(AppSettings(
        QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))))
    win = launch.open_main_window(str(DEMO), max_frames=2)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.store is not None and len(win.store) == 2 and win.worker is None,
                    timeout=60_000)
    assert win.isVisible() and win.opened.spec == str(DEMO)
    win.close()


def test_main_opens_the_demo_clip_or_the_given_file(monkeypatch):
    opened = []
    monkeypatch.setattr(launch, "run_app", lambda spec: opened.append(spec) or 0)
    assert posescope_main.main([]) == 0
    assert posescope_main.main(["--input", "clip.mp4"]) == 0
    assert opened == [str(DEMO), "clip.mp4"]


# ---- people, 3D, inspector ---------------------------------------------------------------
def test_scrub_select_and_inspect_a_person(qtbot, window, errors, results_file):
    assert window.open_results(results_file)
    assert errors == [] and window.tracks.track_ids == [1, 2]
    assert window.timeline.last_frame == FRAMES - 1
    window.timeline.set_frame(6)
    qtbot.wait(50)
    before = render_scene(window)
    assert color_pixels(before, 1) > 30 and color_pixels(before, 2) > 30  # both skeletons drawn

    window.tracks.select(2)
    assert window.selected_id == 2
    series = window.inspector.series
    assert series.track_id == 2 and len(series.frames) == FRAMES - 2
    knee_x, knee_y = window.inspector.angle_curves["l_knee"].getData()
    assert len(knee_x) == FRAMES - 2 and np.nanmax(knee_y) > 10  # the knee bends while walking
    assert all(cursor.value() == 6 for cursor in window.inspector.cursors)
    row = J["head"]
    assert float(window.inspector.table.item(row, 1).text()) == pytest.approx(-700, abs=1)
    after = render_scene(window)
    assert color_pixels(after, 2) > color_pixels(before, 2)  # the selected skeleton is thicker
    assert window.scene.trail.visible() and len(window.scene.trail.pos) == FRAMES - 2  # their path

    window.timeline.set_frame(9)  # scrubbing moves the inspector's cursors
    assert all(cursor.value() == 9 for cursor in window.inspector.cursors)
    trajectory_x, trajectory_y = window.inspector.trajectory_curves[0].getData()
    assert trajectory_y[-1] - trajectory_y[0] == pytest.approx(0.04 * (FRAMES - 3), abs=1e-3)


def test_clicking_a_person_in_the_video_selects_them(qtbot, window, errors, results_file):
    window.open_results(results_file)
    window.timeline.set_frame(4)
    box = window.store.frame(4).boxes[0]  # person 1
    view = window.video
    rect = view._target_rect()
    scale = rect.width() / WIDTH
    point = QPoint(int(rect.x() + (box[0] + box[2]) / 2 * scale), int(rect.y() + (box[1] + box[3]) / 2 * scale))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    assert window.selected_id == 1 and window.tracks.selected_id() == 1
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.x()) + 2, int(rect.y()) + 2))
    assert window.selected_id is None  # clicking the background clears the selection


def test_keyboard_drives_the_timeline(qtbot, window, errors, results_file):
    window.open_results(results_file)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.tracks.setFocus()  # shortcuts work wherever the focus is
    window.timeline.set_frame(3)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.current_frame == 4
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.current_frame == 2
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert window.current_frame == FRAMES - 1
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.timeline.speed_factor == 1.5
    window.timeline.speed.setCurrentIndex(len(window.timeline.speed) - 1)  # 4×: 25 ms a frame
    qtbot.keyClick(window, Qt.Key.Key_Space)  # at the end, play restarts from the start
    assert window.timeline.playing
    qtbot.waitUntil(lambda: not window.timeline.playing, timeout=5_000)  # stops at the last frame
    assert window.current_frame == FRAMES - 1
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert window.selected_id == 1
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert window.selected_id == 2


# ---- export ------------------------------------------------------------------------------
def test_export_mp4_gif_and_data_in_the_background(qtbot, window, errors, results_file, tmp_path):
    window.open_results(results_file)
    out = tmp_path / "out"
    out.mkdir()
    request = ExportRequest(mp4=out / "a.mp4", gif=out / "a.gif", jsonl=out / "a.jsonl", csv=out / "a.csv",
                            video=VideoOptions(include_3d=True, frame_step=2))
    assert window.start_export(request)
    assert window.export_worker is not None and window.progress.isVisible()
    wait_idle(qtbot, window)
    assert errors == []
    with VideoFileSource(out / "a.mp4") as video:
        assert video.frame_count == FRAMES // 2
        assert (video.width, video.height) == (WIDTH + HEIGHT, HEIGHT)  # the 3D view beside the frame
        frame = video.read_frame(3).image
    assert frame[:, WIDTH:].std() > 5  # the 3D scene is drawn, not blank
    assert (out / "a.gif").stat().st_size > 1000
    assert len((out / "a.jsonl").read_text().splitlines()) == FRAMES
    assert len((out / "a.csv").read_text().splitlines()) == 1 + 2 * FRAMES - 2
    assert "exported" in window.statusBar().currentMessage()


def test_export_dialog_builds_the_request(qtbot, tmp_path):
    dialog = ExportDialog(tmp_path, "clip", can_export_video=True, source_fps=25)
    qtbot.addWidget(dialog)
    dialog.gif.check.setChecked(True)
    dialog.csv.check.setChecked(True)
    dialog.fps.setValue(12.5)
    dialog.width.setValue(480)
    dialog.frame_step.setValue(3)
    dialog.bitrate.setCurrentText("4M")
    dialog.include_3d.setChecked(True)
    request = dialog.request()
    assert request.mp4 == tmp_path / "clip_posescope.mp4" and request.gif == tmp_path / "clip_posescope.gif"
    assert request.csv is not None and request.jsonl is not None
    assert request.video == VideoOptions(fps=12.5, width=480, frame_step=3, bitrate="4M", include_3d=True)
    camera = ExportDialog(tmp_path, "camera", can_export_video=False, source_fps=30)
    qtbot.addWidget(camera)
    assert camera.request().mp4 is None and not camera.mp4.isEnabled()


# ---- bad inputs give dialogs, not tracebacks -----------------------------------------------
def _empty_video(path):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (96, 64))
    writer.release()
    return path


@pytest.mark.parametrize("make_input, expected", [
    (lambda tmp: str(tmp / "missing.mp4"), "not found"),
    (lambda tmp: (tmp / "notes.mp4").write_text("not a video\n" * 50) and str(tmp / "notes.mp4"),
     "not a readable video"),
    (lambda tmp: str(_empty_video(tmp / "empty.avi")), "empty.avi"),
    (lambda tmp: str(tmp), "no images"),
    (lambda tmp: "97", "no camera at index 97"),
])
def test_bad_inputs_show_an_error_dialog(qtbot, window, errors, tmp_path, make_input, expected):
    assert not window.open_input(make_input(tmp_path))
    assert len(errors) == 1
    title, text = errors[0]
    assert title == "Cannot open input" and expected in text and "Traceback" not in text
    assert window.worker is None


def test_truncated_video_keeps_the_frames_before_the_damage(qtbot, window, no_models, errors, tmp_path):
    path = write_mjpg_avi(tmp_path / "cut.avi", frames=40)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert window.open_input(str(path))
    wait_idle(qtbot, window)
    assert len(errors) == 1 and errors[0][0] == "Processing stopped" and "truncated" in errors[0][1]
    assert 5 < len(window.store) < 40 and window.timeline.last_frame == len(window.store) - 1


def test_unwritable_export_path_and_bad_results_file(qtbot, window, errors, results_file, tmp_path):
    window.open_results(results_file)
    assert not window.start_export(ExportRequest(mp4=tmp_path / "no" / "such" / "dir.mp4"))
    assert errors[-1][0] == "Cannot export" and "does not exist" in errors[-1][1]
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a results file")
    assert not window.open_results(str(bad))
    assert errors[-1][0] == "Cannot open results" and "not a PoseScope results file" in errors[-1][1]


# ---- drag and drop, settings -------------------------------------------------------------
def test_dropping_a_file_opens_it(qtbot, window, errors, results_file):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(results_file)])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert errors == [] and window.store is not None and len(window.store) == FRAMES
    assert window.settings.recent_inputs()[0] == results_file


def test_settings_persist_between_sessions(qtbot, tmp_path):
    path = str(tmp_path / "persist.ini")
    first = AppSettings(QSettings(path, QSettings.Format.IniFormat))
    assert first.pipeline_options() == PipelineOptions()  # sensible defaults when nothing is saved
    first.set_pipeline_options(PipelineOptions(device="cpu"))
    for i in range(MAX_RECENT + 2):
        first.add_recent_input(f"clip{i}.mp4")
    second = AppSettings(QSettings(path, QSettings.Format.IniFormat))
    assert second.pipeline_options().device == "cpu"
    recent = second.recent_inputs()
    assert len(recent) == MAX_RECENT and recent[0] == f"clip{MAX_RECENT + 1}.mp4"

    # Only choices are saved: a default that changes in a new version reaches everyone who kept it.
    assert [k for k in second.qsettings.allKeys() if k.startswith("pipeline/")] == ["pipeline/device"]
    second.set_pipeline_options(PipelineOptions())
    assert not [k for k in second.qsettings.allKeys() if k.startswith("pipeline/")]
    second.set_pipeline_options(PipelineOptions(device="cpu", lifter="single"))
    assert AppSettings(QSettings(path, QSettings.Format.IniFormat)).pipeline_options().lifter == "single"

    dialog = SettingsDialog(second.pipeline_options())
    qtbot.addWidget(dialog)
    assert dialog.options().device == "cpu"
    dialog.editors["device"].widget.setCurrentText("auto")
    assert dialog.options().device is None


class _SlowDetector:
    """Finds nobody, slowly: long enough for a cancel to land mid-video."""

    def detect(self, image):
        time.sleep(0.03)
        return Detections.empty()


class _NoTracks:
    def update(self, detections, image=None):
        return Tracks.empty()


def test_cancel_keeps_what_was_processed(qtbot, window, errors, monkeypatch):
    monkeypatch.setattr(processing, "build_pipeline",
                        lambda options: Pipeline(detector=_SlowDetector(), tracker=_NoTracks()))
    window.open_input(str(DEMO))
    qtbot.waitUntil(lambda: len(window.store) >= 3, timeout=20_000)
    assert window.cancel_button.isVisible()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    kept = len(window.store)
    assert 3 <= kept < 80 and errors == []
    assert "cancelled after" in window.statusBar().currentMessage()
    assert window.timeline.last_frame == kept - 1 and not window.cancel_button.isVisible()


@dataclasses.dataclass
class _FutureOptions:
    """Options of the kinds stages may add to PipelineOptions."""

    device: str | None = None
    focal_px: float | None = None
    smoothing: bool = True
    max_people: int = 20
    tracker: str = dataclasses.field(default="sort", metadata={"choices": ("sort", "deepsort"),
                                                               "help": "which tracker"})


def test_settings_dialog_offers_an_editor_per_option_type(qtbot, errors):
    fields = {f.name: f for f in dataclasses.fields(_FutureOptions)}
    assert [option_type(fields[n]) for n in ("device", "focal_px", "smoothing", "max_people")] == \
        [str, float, bool, int]
    assert parse_option(fields["focal_px"], "") is None and parse_option(fields["focal_px"], "800") == 800.0
    assert parse_option(fields["smoothing"], "false") is False
    dialog = SettingsDialog(_FutureOptions())
    qtbot.addWidget(dialog)
    editors = {name: editor.widget for name, editor in dialog.editors.items()}
    editors["focal_px"].setText("1200")
    editors["smoothing"].setChecked(False)
    editors["max_people"].setValue(5)
    assert [editors["tracker"].itemText(i) for i in range(editors["tracker"].count())] == ["sort", "deepsort"]
    assert editors["tracker"].toolTip() == "which tracker"
    editors["tracker"].setCurrentText("deepsort")
    assert dialog.options() == _FutureOptions(focal_px=1200.0, smoothing=False, max_people=5, tracker="deepsort")
    editors["focal_px"].setText("wide")
    dialog.accept()  # refuses with a dialog instead of raising
    assert errors and errors[-1][0] == "Invalid setting" and "wide" in errors[-1][1]


def test_process_again_starts_over_with_the_saved_settings(qtbot, window, no_models, errors, tmp_path):
    clip = write_mp4(tmp_path / "short.mp4", frames=5, fps=10)
    window.open_input(str(clip))
    wait_idle(qtbot, window)
    window.settings.set_pipeline_options(PipelineOptions(device="cpu"))
    window.timeline.set_frame(2)
    old_store = window.store
    window.reprocess_action.trigger()
    assert window.worker is not None and window.store is not old_store and len(window.store) == 0
    wait_idle(qtbot, window)
    assert errors == [] and len(window.store) == 5 and window.opened.spec == str(clip)
    assert window.settings.pipeline_options().device == "cpu"


def test_curves_break_where_a_person_was_not_seen():
    frames, values = with_gaps(np.array([0, 1, 2, 5, 6]), np.array([1.0, 2, 3, 4, 5]))
    np.testing.assert_array_equal(frames[[0, 1, 2, 4, 5]], [0, 1, 2, 5, 6])
    assert np.isnan(frames[3]) and np.isnan(values[3]) and len(values) == 6
    xyz = with_gaps(np.array([3, 9]), np.ones((2, 3)))[1]
    assert xyz.shape == (3, 3) and np.isnan(xyz[1]).all()


def test_a_stage_that_fails_to_load_is_reported(qtbot, window, errors, monkeypatch):
    def broken(options):
        raise FileNotFoundError("weights file not found: assets/weights/missing.safetensors")

    monkeypatch.setattr(processing, "build_pipeline", broken)
    window.open_input(str(DEMO))
    wait_idle(qtbot, window)
    assert errors == [("Processing stopped", "weights file not found: assets/weights/missing.safetensors")]
    assert "missing.safetensors" in window.video.message and len(window.store) == 0


def test_cancelled_export_leaves_nothing_behind(qtbot, window, errors, results_file, tmp_path):
    window.open_results(results_file)
    target = tmp_path / "cancelled.mp4"
    assert window.start_export(ExportRequest(mp4=target))
    window.cancel_job()
    wait_idle(qtbot, window)
    assert errors == [] and not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cancelled")]  # no temporary file
    assert "cancelled" in window.statusBar().currentMessage()
