"""The main window: annotated video beside the live 3D viewport, timeline, people list, inspector.

The window owns the ResultsStore. Processing and export run in worker threads (app.processing,
app.export_job); results arrive by signal and are added here, in the GUI thread. Scrubbing
redraws the video and the 3D scene from the store, decoding frames through the input's own
random-access source with a small cache.
"""
from __future__ import annotations

import functools
import os
import time
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QTimer
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (QDockWidget, QFileDialog, QInputDialog, QLabel, QMainWindow,
                             QMessageBox, QProgressBar, QPushButton, QSplitter, QStyle,
                             QVBoxLayout, QWidget)

from app.errors import report_error
from app.export_dialog import ExportDialog
from app.export_job import ExportRequest, ExportWorker
from app.inspector import Inspector
from app.media import OpenedInput
from app.processing import ProcessingWorker
from app.scene_view import SceneView
from app.settings import AppSettings
from app.settings_dialog import SettingsDialog
from app.timeline import Timeline
from app.track_list import TrackList
from app.video_view import VideoView
from common.atomic import ExportPathError
from common.render import draw_results
from common.sources import CameraSource, FrameSource, SourceError, open_source
from common.store import ResultsStore, StoreFormatError
from common.types import FrameResult

VIDEO_FILTER = "Videos (*.mp4 *.avi *.mov *.mkv *.webm *.m4v *.mpg *.mpeg *.wmv);;All files (*)"
RESULTS_FILTER = "PoseScope results (*.npz)"
INSPECTOR_REFRESH_MS = 700  # while processing, the selected person's plots refresh this often
LIVE_MAX_FPS = 30  # while processing, the newest result is drawn at most at a display's rate...
LIVE_DRAW_SHARE = 0.25  # ...and drawing takes at most this share of the time: the worker needs the GIL and the cores
PROGRESS_EVERY_S = 1.0  # while processing, the progress bar moves this often (each move repaints the window at once)
JUMP_FRAMES = 10


class MainWindow(QMainWindow):
    """Everything a user does happens here; every action has a menu entry and a shortcut."""

    def __init__(self, settings: AppSettings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings or AppSettings(QSettings())
        self.opened: OpenedInput | None = None
        self.store: ResultsStore | None = None
        self.worker: ProcessingWorker | None = None
        self.export_worker: ExportWorker | None = None
        self.selected_id: int | None = None
        self.current_frame = 0
        self.stages: list[str] = []  # the pipeline stages of the current run
        self.setWindowTitle("PoseScope")
        self.setAcceptDrops(True)
        self._build_views()
        self._build_status_bar()
        self._build_actions()
        self._inspector_timer = QTimer(self)
        self._inspector_timer.setSingleShot(True)
        self._inspector_timer.setInterval(INSPECTOR_REFRESH_MS)
        self._inspector_timer.timeout.connect(self._refresh_inspector)
        self._live_timer = QTimer(self)  # draws the newest processed frame, see _follow_processing
        self._live_timer.setSingleShot(True)
        self._live_timer.timeout.connect(self._show_newest)
        self._live_index = self._live_shown = -1  # newest result / last one drawn while following
        self._live_draw_s = 0.0  # what drawing it cost
        self._progress_shown_at = 0.0
        self._unlisted_ids: list[np.ndarray] = []  # track ids of results not yet counted in the track list
        self.resize(1600, 1000)
        self._update_actions()

    # ---- construction -------------------------------------------------------------------
    def _build_views(self) -> None:
        self.video = VideoView()
        self.video.clicked.connect(self._pick_person_at)
        self.scene = SceneView()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.video)
        self.splitter.addWidget(self.scene)
        self.splitter.setSizes([1, 1])
        self.timeline = Timeline()
        self.timeline.frame_requested.connect(self.show_frame)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.tracks = TrackList()
        self.tracks.track_selected.connect(self._on_track_selected)
        self.tracks_dock = QDockWidget("People", self)
        self.tracks_dock.setObjectName("people")
        self.tracks_dock.setWidget(self.tracks)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tracks_dock)
        self.inspector = Inspector()
        self.inspector.frame_requested.connect(self.timeline.set_frame)
        self.inspector_dock = QDockWidget("Inspector", self)
        self.inspector_dock.setObjectName("inspector")
        self.inspector_dock.setWidget(self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.inspector_dock)
        self.resizeDocks([self.tracks_dock], [190], Qt.Orientation.Horizontal)
        self.resizeDocks([self.inspector_dock], [330], Qt.Orientation.Vertical)

    def _build_status_bar(self) -> None:
        self.stages_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop processing or exporting (Esc)")
        self.cancel_button.clicked.connect(self.cancel_job)
        bar = self.statusBar()
        bar.addPermanentWidget(self.stages_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self._show_progress(False)

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "", icon=None) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        menu = self.menuBar().addMenu("&File")
        self.open_video_action = self._action(menu, "&Open video…", self.choose_video,
                                              QKeySequence.StandardKey.Open, "Open a video file",
                                              sp.SP_DialogOpenButton)
        self.open_folder_action = self._action(menu, "Open image &folder…", self.choose_folder,
                                               "Ctrl+Shift+O", "Open a folder of images",
                                               sp.SP_DirOpenIcon)
        self.open_camera_action = self._action(menu, "Open &camera…", self.choose_camera, "Ctrl+K",
                                               "Process a live camera", sp.SP_ComputerIcon)
        self.open_results_action = self._action(menu, "Open &results…", self.choose_results,
                                                "Ctrl+Shift+R", "Open results saved by PoseScope (.npz)")
        self.recent_menu = menu.addMenu("Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        menu.addSeparator()
        self.save_results_action = self._action(menu, "&Save results…", self.choose_save_results,
                                                QKeySequence.StandardKey.Save,
                                                "Save every result for later (.npz)", sp.SP_DialogSaveButton)
        self.export_action = self._action(menu, "&Export…", self.open_export_dialog, "Ctrl+E",
                                          "Export annotated MP4/GIF, JSON/CSV and BVH animations", sp.SP_DriveFDIcon)
        menu.addSeparator()
        self._action(menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        menu = self.menuBar().addMenu("&Process")
        self.reprocess_action = self._action(menu, "Process &again", self.reprocess, "Ctrl+R",
                                             "Process the input again with the current settings",
                                             sp.SP_BrowserReload)
        self.cancel_action = self._action(menu, "&Cancel", self.cancel_job, "Esc",
                                          "Stop processing or exporting", sp.SP_BrowserStop)
        menu.addSeparator()
        self._action(menu, "&Settings…", self.open_settings, "Ctrl+,",
                     "Device, models, tracker, smoothing", sp.SP_FileDialogDetailedView)

        menu = self.menuBar().addMenu("&View")
        self._action(menu, "Play / pause", self.timeline.toggle_playing, "Space")
        self._action(menu, "Previous frame", lambda: self.timeline.step(-1), "Left")
        self._action(menu, "Next frame", lambda: self.timeline.step(1), "Right")
        self._action(menu, f"Back {JUMP_FRAMES} frames", lambda: self.timeline.step(-JUMP_FRAMES), "Shift+Left")
        self._action(menu, f"Forward {JUMP_FRAMES} frames", lambda: self.timeline.step(JUMP_FRAMES), "Shift+Right")
        self._action(menu, "First frame", lambda: self.timeline.step(-self.timeline.last_frame), "Home")
        self._action(menu, "Last frame", lambda: self.timeline.step(self.timeline.last_frame), "End")
        self._action(menu, "Slower", lambda: self.timeline.change_speed(-1), "[")
        self._action(menu, "Faster", lambda: self.timeline.change_speed(1), "]")
        menu.addSeparator()
        self._action(menu, "Next person", lambda: self._cycle_person(1), "N")
        self._action(menu, "Previous person", lambda: self._cycle_person(-1), "Shift+N")
        self._action(menu, "Clear selection", lambda: self.tracks.select(None), "Ctrl+D")
        self._action(menu, "Frame the people in 3D", self.scene.frame_people, "F")
        menu.addSeparator()
        menu.addAction(self.tracks_dock.toggleViewAction())
        menu.addAction(self.inspector_dock.toggleViewAction())

        menu = self.menuBar().addMenu("&Help")
        self._action(menu, "Keyboard and mouse", self.show_help, QKeySequence.StandardKey.HelpContents)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for action in (self.open_video_action, self.open_folder_action, self.open_camera_action,
                       self.export_action, self.reprocess_action, self.cancel_action):
            toolbar.addAction(action)

    # ---- opening inputs -----------------------------------------------------------------
    def choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open video", self._browse_folder(), VIDEO_FILTER)
        if path:
            self.open_input(path)

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open image folder", self._browse_folder())
        if path:
            self.open_input(path)

    def choose_camera(self) -> None:
        index, ok = QInputDialog.getInt(self, "Open camera", "Camera index (0 is the first camera):", 0, 0, 99)
        if ok:
            self.open_input(str(index))

    def choose_results(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open results", self._browse_folder(), RESULTS_FILTER)
        if path:
            self.open_results(path)

    def _browse_folder(self) -> str:
        if self.opened is not None and not self.opened.spec.isdigit():
            return str(Path(self.opened.spec).parent)
        return str(Path.home())

    def open_any(self, spec: str) -> bool:
        """A results file (.npz) or an input to process."""
        if spec.lower().endswith(".npz"):
            return self.open_results(spec)
        return self.open_input(spec)

    def open_input(self, spec: str, max_frames: int | None = None) -> bool:
        """Open a video, image folder/glob or camera index and start processing it.

        ``max_frames`` stops processing early (used by tests and quick looks).
        """
        self.stop_jobs()
        try:
            source = open_source(spec)
        except SourceError as exc:
            report_error(self, "Cannot open input", exc)
            return False
        camera = isinstance(source, CameraSource)
        opened = OpenedInput(spec, None if camera else source, fps=source.fps)
        self._show_input(opened, ResultsStore(source.fps, source_name=source.name))
        self.settings.add_recent_input(spec)
        self.start_processing(source if camera else None, max_frames=max_frames)
        return True

    def open_results(self, path: str) -> bool:
        """Show results saved earlier, over the video they came from when it is still there."""
        self.stop_jobs()
        try:
            store = ResultsStore.load(path)
        except (StoreFormatError, FileNotFoundError) as exc:
            report_error(self, "Cannot open results", exc)
            return False
        spec, source, note = store.source_name, None, ""
        if spec and not spec.isdigit():
            beside = Path(path).parent / Path(spec).name  # the video moved along with the results
            if not Path(spec).exists() and beside.exists():
                spec = str(beside)
            try:
                source = open_source(spec)
            except SourceError as exc:
                note = f"video not available ({exc}); showing the results only"
        last = int(store.frame_indices[-1]) + 1 if len(store) else 0
        self._show_input(OpenedInput(spec or path, source, fps=store.fps, frame_count=last), store)
        self.settings.add_recent_input(str(path))
        for result in store:
            self.tracks.count_frames(result.track_ids)
            self.scene.observe(result)
        self.timeline.set_frame_count(last)
        self._go_to(0)
        self.statusBar().showMessage(note or f"opened {len(store)} frames of results from {path}")
        return True

    def _show_input(self, opened: OpenedInput, store: ResultsStore) -> None:
        """Switch every view to a new input with an (empty or loaded) store."""
        if self.opened is not None:
            self.opened.close()
        self.opened, self.store = opened, store
        self.selected_id, self.current_frame = None, 0
        self._live_timer.stop()
        self._live_index = self._live_shown = -1
        self._unlisted_ids.clear()
        self.tracks.clear_tracks()
        self.inspector.set_track(None)
        self.scene.clear_scene()
        self.timeline.set_playing(False)
        self.timeline.set_fps(opened.fps)
        self.timeline.set_frame_count(0)
        self.video.set_image(None, f"{opened.name}: waiting for the first processed frame…")
        self.setWindowTitle(f"PoseScope — {opened.name}")
        self._update_actions()

    # ---- processing ---------------------------------------------------------------------
    def start_processing(self, source: FrameSource | None = None, max_frames: int | None = None) -> None:
        """Process the open input in a worker thread (``source``: an already opened camera)."""
        options = self.settings.pipeline_options()
        worker = ProcessingWorker(options, spec=None if source is not None else self.opened.spec,
                                  source=source, max_frames=max_frames, parent=self)
        worker.stages_ready.connect(functools.partial(self._on_stages_ready, worker))
        worker.frame_processed.connect(functools.partial(self._on_frame_processed, worker))
        worker.failed.connect(functools.partial(self._on_processing_failed, worker))
        worker.relifting.connect(functools.partial(self._on_relifting, worker))
        worker.relifted.connect(functools.partial(self._on_relifted, worker))
        worker.finished.connect(functools.partial(self._on_processing_finished, worker))
        self.worker = worker
        self.timeline.live = True
        total = self.opened.frame_count if max_frames is None else min(max_frames, self.opened.frame_count or max_frames)
        self._show_progress(True, total or 0, "loading models…")
        self.stages_label.setText("")
        self._update_actions()
        worker.start()

    def reprocess(self) -> None:
        """Forget the results and process the input again (after changing settings)."""
        if self.opened is not None:
            self.open_input(self.opened.spec)

    def _on_stages_ready(self, worker: ProcessingWorker, stages: list) -> None:
        if worker is not self.worker:
            return
        self.stages = list(stages)
        if "detector" not in stages:
            self.stages_label.setText("No person detector installed: frames are shown without people.")
        elif "lifter" not in stages:
            self.stages_label.setText(f"stages: {', '.join(stages)} (no 3D lifter: 2D only)")
        else:
            self.stages_label.setText(f"stages: {', '.join(stages)}")
        self.progress.setFormat("%v / %m frames" if self.progress.maximum() else "%v frames")

    def _on_frame_processed(self, worker: ProcessingWorker, frame, result: FrameResult) -> None:
        worker.frame_consumed()
        if worker is not self.worker:
            return  # a stopped run's last results, still queued
        self.store.add(result)
        self.opened.remember(frame)
        self.scene.observe(result)
        self._unlisted_ids.append(result.track_ids)
        self._follow_processing(result.index)  # the track list, timeline and progress bar follow, paced
        if self.selected_id is not None and self.selected_id in result.track_ids \
                and not self._inspector_timer.isActive():
            self._inspector_timer.start()

    def _follow_processing(self, index: int) -> None:
        """Show the newest result unless the user looks elsewhere, without starving the worker.

        Every result is stored at once; only drawing is paced: at most ``LIVE_MAX_FPS`` times a
        second and with pauses that keep drawing to ``LIVE_DRAW_SHARE`` of the time, so frames
        that arrive in between are skipped on screen (never in the store).
        """
        self._live_index = index
        if not self._live_timer.isActive():
            pause_s = self._live_draw_s * (1.0 / LIVE_DRAW_SHARE - 1.0)
            self._live_timer.start(int(1000 * max(1.0 / LIVE_MAX_FPS, pause_s)))

    def _catch_up(self, final: bool = False) -> None:
        """Track list, timeline range and progress bar catch up with the store. Paced like the views:
        under a software GL each repaint composes the whole window again (tens of ms)."""
        for ids in self._unlisted_ids:
            self.tracks.count_frames(ids)
        self._unlisted_ids.clear()
        if self._live_index >= 0:
            self.timeline.set_frame_count(self._live_index + 1)
        now = time.perf_counter()
        if final or now - self._progress_shown_at >= PROGRESS_EVERY_S:  # QProgressBar repaints at once
            self._progress_shown_at = now
            self.progress.setValue(len(self.store))

    def _show_newest(self) -> None:
        self._catch_up()
        if self._live_index < 0 or self.timeline.playing or self.timeline.frame < self._live_shown:
            return  # the user took over the timeline
        start = time.perf_counter()
        self._live_shown = self._live_index
        self._go_to(self._live_index)
        # paint now, so that the pacing knows what drawing costs, and everything changed since the last
        # time in one pass: a window holding a GL view is composed again (in software GL, tens of ms) for
        # every repaint and every update pass
        self.video.update()
        self.scene.update()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)
        self._live_draw_s = time.perf_counter() - start

    def _on_relifting(self, worker: ProcessingWorker) -> None:
        if worker is self.worker:
            self._catch_up(final=True)
            self._show_progress(True, 0, "two-sided re-lift of every track…")

    def _on_relifted(self, worker: ProcessingWorker, store: ResultsStore) -> None:
        """The same people and frames, their 3D now lifted from past and future frames."""
        if worker is not self.worker:
            return
        self.store = store
        self._go_to(self.current_frame)
        self._refresh_inspector()

    def _on_processing_failed(self, worker: ProcessingWorker, exc: BaseException) -> None:
        if worker is not self.worker:
            return
        if len(self.store) == 0:  # nothing to show: say why where the video would be
            self.video.set_image(None, f"Processing stopped: {exc}\n\nChange the settings (Ctrl+,) "
                                       "and process again (Ctrl+R).")
        report_error(self, "Processing stopped", exc)

    def _on_processing_finished(self, worker: ProcessingWorker) -> None:
        worker.deleteLater()
        if worker is not self.worker:
            return
        self.worker = None
        self.timeline.live = False
        if self._live_timer.isActive():  # the last results are drawn now, not after a pause
            self._live_timer.stop()
            self._show_newest()
        self._catch_up(final=True)
        self._show_progress(False)
        timings = ", ".join(f"{k} {v:.0f} ms" for k, v in worker.median_ms.items())
        state = "cancelled after" if worker.was_cancelled else "processed"
        if worker.relift_done:
            state = "3D re-lifted from past and future frames (two-sided);" + f" {state}"
        self.statusBar().showMessage(f"{state} {worker.frames_done} frames"
                                     + (f"; median per frame: {timings}" if timings else ""))
        self._refresh_inspector()
        self._update_actions()

    # ---- export -------------------------------------------------------------------------
    def open_export_dialog(self) -> None:
        if self.store is None or len(self.store) == 0:
            report_error(self, "Nothing to export", "Open an input and process some frames first.")
            return
        if self.worker is not None:
            report_error(self, "Still processing",
                         "Wait for processing to finish, or cancel it (Esc), then export what was processed.")
            return
        stem = Path(self.opened.name).stem.replace(" ", "_")
        folder = Path(self.settings.value("export/folder", str(self._default_export_folder())))
        dialog = ExportDialog(folder, stem, self.opened.can_seek, self.store.fps, self, self.selected_id)
        if dialog.exec():
            self.start_export(dialog.request())

    def _default_export_folder(self) -> Path:
        if self.opened is not None and not self.opened.spec.isdigit():
            folder = Path(self.opened.spec).parent
            if folder.is_dir() and os.access(folder, os.W_OK):
                return folder
        return Path.home()

    def start_export(self, request: ExportRequest) -> bool:
        """Write ``request`` in a worker thread; False (with a dialog) if it cannot start."""
        try:
            request.check()
            if request.wants_video and not self.opened.can_seek:
                raise ValueError("this input's frames cannot be read again; export JSON/CSV instead")
        except (ExportPathError, ValueError) as exc:
            report_error(self, "Cannot export", exc)
            return False
        self.settings.set_value("export/folder", str(request.targets[0].parent.resolve()))
        worker = ExportWorker(request, self.store, self.opened.spec, parent=self)
        worker.progress.connect(lambda done, total: (self.progress.setMaximum(total), self.progress.setValue(done)))
        worker.failed.connect(lambda exc: report_error(self, "Export failed", exc))
        worker.finished.connect(functools.partial(self._on_export_finished, worker))
        self.export_worker = worker
        self._show_progress(True, 0, "exporting…")
        self.progress.setFormat("exporting %v / %m")
        self._update_actions()
        worker.start()
        return True

    def _on_export_finished(self, worker: ExportWorker) -> None:
        worker.deleteLater()
        if worker is not self.export_worker:
            return
        self.export_worker = None
        self._show_progress(False)
        if worker.was_cancelled:
            self.statusBar().showMessage("export cancelled; nothing was written")
        elif worker.error is not None:
            self.statusBar().showMessage(f"export failed: {worker.error}")
        else:
            notes = worker.bvh.notes if worker.bvh is not None else []
            self.statusBar().showMessage("exported " + ", ".join(str(p) for p in worker.request.targets)
                                         + "".join(f"; {note}" for note in notes))
        self._update_actions()

    # ---- results files ------------------------------------------------------------------
    def choose_save_results(self) -> None:
        if self.store is None or len(self.store) == 0:
            report_error(self, "Nothing to save", "Open an input and process some frames first.")
            return
        default = str(self._default_export_folder() / f"{Path(self.opened.name).stem}_results.npz")
        path, _ = QFileDialog.getSaveFileName(self, "Save results", default, RESULTS_FILTER)
        if path:
            self.save_results(path)

    def save_results(self, path: str) -> bool:
        try:
            self.store.save(path)
        except ExportPathError as exc:
            report_error(self, "Cannot save results", exc)
            return False
        self.statusBar().showMessage(f"saved results to {path}")
        return True

    # ---- jobs ---------------------------------------------------------------------------
    def cancel_job(self) -> None:
        """Stop processing (results so far are kept) or exporting (nothing is written)."""
        for worker in (self.worker, self.export_worker):
            if worker is not None:
                worker.cancel()
                self.progress.setFormat("cancelling…")

    def stop_jobs(self) -> None:
        """Cancel and wait for both workers (before switching inputs or closing)."""
        for worker in (self.worker, self.export_worker):
            if worker is not None:
                worker.cancel()
                worker.wait()
        self.worker = self.export_worker = None
        self.timeline.live = False
        self._show_progress(False)

    def _show_progress(self, visible: bool, maximum: int = 0, text: str = "") -> None:
        self.progress.setVisible(visible)
        self.cancel_button.setVisible(visible)
        if visible:
            self.progress.setRange(0, maximum)
            self.progress.setValue(0)
            self.progress.setFormat(text or "%v / %m")

    def _update_actions(self) -> None:
        busy = self.worker is not None or self.export_worker is not None
        self.export_action.setEnabled(not busy and self.store is not None)
        self.save_results_action.setEnabled(self.store is not None)
        self.reprocess_action.setEnabled(self.opened is not None and self.export_worker is None)
        self.cancel_action.setEnabled(busy)

    # ---- showing a frame ----------------------------------------------------------------
    def _go_to(self, index: int) -> None:
        if self.timeline.frame == index:
            self.show_frame(index)
        else:
            self.timeline.set_frame(index)  # emits frame_requested → show_frame

    def show_frame(self, index: int) -> None:
        """Redraw the video and the 3D scene for ``index`` from the store."""
        if self.store is None or self.opened is None:
            return
        self.current_frame = index
        result = self.store.frame(index)
        image = self.opened.image(index)
        message = ""
        if image is None:
            width, height = self.store.frame_size if self.store.frame_size != (0, 0) else (640, 480)
            image = np.zeros((height, width, 3), np.uint8)
            message = f"frame {index + 1} is not available: {self.opened.last_error or 'not kept'}"
        self.video.set_image(draw_results(image, result, self.selected_id), message)
        self.scene.show_result(result, self.selected_id)
        self.inspector.set_frame(index)

    # ---- people -------------------------------------------------------------------------
    def _on_track_selected(self, track_id: int | None) -> None:
        self.selected_id = track_id
        self._refresh_inspector()
        self.show_frame(self.current_frame)

    def _refresh_inspector(self) -> None:
        """Plots and the 3D trail of the selected person, from everything stored so far."""
        series = None
        if self.selected_id is not None and self.store is not None:
            try:
                series = self.store.track(self.selected_id)
            except KeyError:
                pass
        self.inspector.set_track(series)
        self.scene.set_trail(self.selected_id, series.root3d if series is not None else None)
        if series is not None:
            self.inspector_dock.show()

    def _pick_person_at(self, x: float, y: float) -> None:
        """Select the person whose box holds the clicked point (the smallest box if nested)."""
        result = self.store.frame(self.current_frame) if self.store is not None else None
        if result is None or len(result) == 0:
            return
        boxes = result.boxes
        inside = (boxes[:, 0] <= x) & (x <= boxes[:, 2]) & (boxes[:, 1] <= y) & (y <= boxes[:, 3])
        if not inside.any():
            self.tracks.select(None)
            return
        areas = np.where(inside, (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]), np.inf)
        self.tracks.select(int(result.track_ids[int(np.argmin(areas))]))

    def _cycle_person(self, step: int) -> None:
        ids = self.tracks.track_ids
        if not ids:
            return
        if self.selected_id not in ids:
            self.tracks.select(ids[0] if step > 0 else ids[-1])
        else:
            self.tracks.select(ids[(ids.index(self.selected_id) + step) % len(ids)])

    # ---- settings, recent, help ---------------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings.pipeline_options(), self)
        if dialog.exec():
            self.settings.set_pipeline_options(dialog.options())
            self.statusBar().showMessage("settings saved; Process › Process again (Ctrl+R) applies them")

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_inputs()
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for spec in recent:
            action = self.recent_menu.addAction(spec)
            action.triggered.connect(lambda _checked=False, s=spec: self.open_any(s))

    def show_help(self) -> None:
        QMessageBox.information(self, "Keyboard and mouse", (
            "Space: play / pause    Left / Right: previous / next frame\n"
            "Shift+Left / Shift+Right: 10 frames    Home / End: first / last frame\n"
            "[ / ]: slower / faster    N / Shift+N: next / previous person\n"
            "Ctrl+D: clear selection    F: frame the people in 3D\n"
            "Ctrl+O: open video    Ctrl+Shift+O: open folder    Ctrl+K: camera\n"
            "Ctrl+E: export    Ctrl+S: save results    Ctrl+R: process again    Esc: cancel\n\n"
            "Video: click a person to select them.\n"
            "3D view: drag to orbit, wheel to zoom, Shift+drag or middle-drag to pan.\n"
            "Inspector plots: drag the white cursor to scrub.\n"
            "Drop a video, folder or results file on the window to open it."))

    # ---- drag and drop, closing ---------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.open_any(urls[0].toLocalFile())

    def closeEvent(self, event) -> None:
        self.stop_jobs()
        if self.opened is not None:
            self.opened.close()
        super().closeEvent(event)
