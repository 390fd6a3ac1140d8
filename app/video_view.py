"""The video panel: the current frame with its results drawn, scaled to fit; clicks pick people."""
from __future__ import annotations

import cv2
import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QPainter
from PyQt6.QtWidgets import QSizePolicy, QWidget

PLACEHOLDER = "Open a video, an image folder or a camera\n(File menu, Ctrl+O, or drop a file here)"


class VideoView(QWidget):
    """Paints an RGB array keeping its aspect ratio; emits image coordinates of clicks."""

    clicked = pyqtSignal(float, float)  # x, y in image pixels

    def __init__(self, parent=None):
        super().__init__(parent)
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None  # keeps the QImage's memory alive
        self._scaled: tuple[tuple[int, int], np.ndarray, QImage] | None = None  # drawn at screen size
        self._message = PLACEHOLDER
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def set_image(self, rgb: np.ndarray | None, message: str = "") -> None:
        """Show ``rgb`` (H, W, 3) uint8, or ``message`` on a blank panel when None."""
        if rgb is None:
            self._image, self._pixels = None, None
        else:
            self._pixels = np.ascontiguousarray(rgb)
            h, w = self._pixels.shape[:2]
            self._image = QImage(self._pixels.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self._scaled = None
        self._message = message
        self.update()

    @property
    def message(self) -> str:
        """The text over the panel, if any."""
        return self._message

    @property
    def image_array(self) -> np.ndarray | None:
        """The array on screen (for tests and screenshots)."""
        return self._pixels

    def _target_rect(self) -> QRectF:
        if self._image is None:
            return QRectF()
        w, h = self._image.width(), self._image.height()
        scale = min(self.width() / w, self.height() / h)
        tw, th = w * scale, h * scale
        return QRectF((self.width() - tw) / 2, (self.height() - th) / 2, tw, th)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 21, 26))
        if self._image is not None:
            rect = self._target_rect()
            painter.drawImage(rect.topLeft(), self._screen_image(int(rect.width()), int(rect.height())))
        if self._message:
            painter.setPen(QColor(200, 203, 210))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._message)
        painter.end()

    def _screen_image(self, width: int, height: int) -> QImage:
        """The frame resized once per size with OpenCV (much faster than QPainter's smooth scaling)."""
        if self._scaled is None or self._scaled[0] != (width, height):
            interpolation = cv2.INTER_AREA if width < self._pixels.shape[1] else cv2.INTER_LINEAR
            pixels = np.ascontiguousarray(cv2.resize(self._pixels, (max(1, width), max(1, height)),
                                                     interpolation=interpolation))
            image = QImage(pixels.data, pixels.shape[1], pixels.shape[0], 3 * pixels.shape[1],
                           QImage.Format.Format_RGB888)
            self._scaled = ((width, height), pixels, image)
        return self._scaled[2]

    def widget_to_image(self, point: QPointF) -> tuple[float, float] | None:
        rect = self._target_rect()
        if self._image is None or not rect.contains(point):
            return None
        scale = rect.width() / self._image.width()
        return (point.x() - rect.x()) / scale, (point.y() - rect.y()) / scale

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            position = self.widget_to_image(event.position())
            if position is not None:
                self.clicked.emit(*position)
        super().mousePressEvent(event)
