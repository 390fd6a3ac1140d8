"""The timeline: a slider over the processed frames, play/pause, ±1 frame steps and playback speed.

Playback walks the processed frames at the input's frame rate times the chosen speed; while
processing is still running it waits at the newest frame instead of stopping.
"""
from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0)
DEFAULT_FPS = 25.0


class Timeline(QWidget):
    """Emits ``frame_requested`` whenever the user (or playback) moves to another frame."""

    frame_requested = pyqtSignal(int)
    playing_changed = pyqtSignal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        style = self.style()
        self.play_button = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
                                        "Play / pause (Space)", self.toggle_playing)
        self.back_button = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward),
                                        "Previous frame (Left)", lambda: self.step(-1))
        self.forward_button = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward),
                                           "Next frame (Right)", lambda: self.step(1))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.slider.setToolTip("Drag to scrub through the processed frames")
        self.slider.valueChanged.connect(self._update_label)
        self.slider.valueChanged.connect(self.frame_requested)
        self.label = QLabel("no frames")
        self.label.setMinimumWidth(190)
        self.speed = QComboBox()
        self.speed.addItems([f"{s:g}×" for s in SPEEDS])
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed ([ and ] change it)")
        self.speed.currentIndexChanged.connect(self._update_interval)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for widget in (self.back_button, self.play_button, self.forward_button):
            layout.addWidget(widget)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.speed)
        self.fps = DEFAULT_FPS
        self.live = False  # processing still adds frames: playback waits at the end
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._update_interval()

    def _button(self, icon, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space/arrows stay with the window
        button.clicked.connect(slot)
        return button

    # ---- state --------------------------------------------------------------------------
    @property
    def frame(self) -> int:
        return self.slider.value()

    @property
    def last_frame(self) -> int:
        return self.slider.maximum()

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed_factor(self) -> float:
        return SPEEDS[self.speed.currentIndex()]

    def set_fps(self, fps: float) -> None:
        self.fps = fps if fps > 0 else DEFAULT_FPS
        self._update_interval()

    def set_frame_count(self, count: int) -> None:
        """``count`` processed frames are available (0 disables the slider)."""
        self.slider.setEnabled(count > 0)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        self.slider.blockSignals(False)
        self._update_label()

    def set_frame(self, index: int) -> None:
        """Move the slider (emits ``frame_requested`` if the frame changes)."""
        self.slider.setValue(max(0, min(index, self.last_frame)))

    def _update_label(self) -> None:
        if not self.slider.isEnabled():
            self.label.setText("no frames")
            return
        # 0-based like the exports' "frame" field, with the time for people who think in seconds
        self.label.setText(f"frame {self.frame} (0–{self.last_frame})  {self.frame / self.fps:.2f} s")

    # ---- actions ------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        self.set_playing(False)
        self.set_frame(self.frame + delta)

    def change_speed(self, delta: int) -> None:
        self.speed.setCurrentIndex(max(0, min(len(SPEEDS) - 1, self.speed.currentIndex() + delta)))

    def toggle_playing(self) -> None:
        self.set_playing(not self.playing)

    def set_playing(self, playing: bool) -> None:
        if playing == self.playing or (playing and not self.slider.isEnabled()):
            return
        if playing and self.frame >= self.last_frame and not self.live:
            self.set_frame(0)  # play again from the start
        self._timer.start() if playing else self._timer.stop()
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.playing_changed.emit(playing)

    def _update_interval(self) -> None:
        self._timer.setInterval(max(1, int(round(1000.0 / (self.fps * self.speed_factor)))))

    def _tick(self) -> None:
        if self.frame < self.last_frame:
            self.set_frame(self.frame + 1)
        elif not self.live:
            self.set_playing(False)
