"""Frame sources behind one interface: a video file, a webcam, or a folder/glob of images.

Each yields :class:`common.types.Frame` objects holding RGB images (converted once, here), with
index and timestamp, and knows fps and frame count where the container says so. Problems with
the input raise :class:`SourceError` subclasses whose messages say what is wrong with what.
"""
from __future__ import annotations

import glob
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from common.types import Frame

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")


class SourceError(RuntimeError):
    """The input cannot be read as frames."""


class SourceNotFoundError(SourceError):
    """The path does not exist."""


class NotAVideoError(SourceError):
    """The file exists but no decoder accepts it."""


class EmptySourceError(SourceError):
    """The input holds no frames at all."""


class TruncatedVideoError(SourceError):
    """Decoding stopped well before the frame count the container promised."""


class CameraUnavailableError(SourceError):
    """No camera at that index, or it delivered no frame (e.g. disconnected)."""


def to_rgb(image: np.ndarray) -> np.ndarray:
    """OpenCV BGR/BGRA/grey → RGB uint8 (H, W, 3)."""
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


class FrameSource(ABC):
    """An iterable of RGB frames with what is known about the stream."""

    name: str = ""
    fps: float = 0.0  # 0 when unknown
    frame_count: int | None = None  # None when unknown (cameras)
    disconnected: bool = False  # a live source that stopped delivering mid-stream

    @abstractmethod
    def __iter__(self) -> Iterator[Frame]:
        """Frames in order, from the start (or from ``seek``'s position)."""

    def read_frame(self, index: int) -> Frame:
        """Random access to one frame (for scrubbing); sources that cannot seek raise."""
        raise SourceError(f"{self.name}: random access is not supported")

    def close(self) -> None:
        """Release the device or file handle."""

    def __enter__(self) -> "FrameSource":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class VideoFileSource(FrameSource):
    """A video file decoded with OpenCV (FFmpeg backend)."""

    # Containers' frame counts are estimates for some codecs; allow this much shortfall.
    TRUNCATION_TOLERANCE = 0.02

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = str(self.path)
        if not self.path.exists():
            raise SourceNotFoundError(f"video not found: {self.path}")
        if self.path.is_dir():
            raise NotAVideoError(f"{self.path} is a folder; use an image-folder source for it")
        self._cap = cv2.VideoCapture(str(self.path))
        if not self._cap.isOpened():
            raise NotAVideoError(f"{self.path} is not a readable video (no decoder accepts it)")
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if not np.isfinite(self.fps) or self.fps <= 0 or self.fps > 1000:
            self.fps = 0.0
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.frame_count = count if count > 0 else None
        self.width = int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        self.height = int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        ok, first = self._cap.read()
        if not ok or first is None:
            raise EmptySourceError(f"{self.path} contains no decodable frames")
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)

    def _timestamp(self, index: int) -> float:
        return index / self.fps if self.fps else float(index)

    def __iter__(self) -> Iterator[Frame]:
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
        index = 0
        while True:
            ok, image = self._cap.read()
            if not ok or image is None:
                break
            yield Frame(index, self._timestamp(index), to_rgb(image))
            index += 1
        self._check_complete(index)

    def _check_complete(self, decoded: int) -> None:
        expected = self.frame_count
        if expected and decoded < expected * (1 - self.TRUNCATION_TOLERANCE) - 1:
            raise TruncatedVideoError(
                f"{self.path}: decoding stopped at frame {decoded} of {expected}; "
                "the file looks truncated or corrupt")

    def read_frame(self, index: int) -> Frame:
        if index < 0 or (self.frame_count is not None and index >= self.frame_count):
            raise IndexError(f"frame {index} outside 0..{(self.frame_count or 1) - 1}")
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, image = self._cap.read()
        if not ok or image is None:
            raise TruncatedVideoError(f"{self.path}: frame {index} cannot be decoded")
        return Frame(index, self._timestamp(index), to_rgb(image))

    def close(self) -> None:
        self._cap.release()


class CameraSource(FrameSource):
    """A live camera by OpenCV index; ends cleanly when the camera stops delivering."""

    def __init__(self, index: int, fps_hint: float = 30.0):
        self.index = index
        self.name = f"camera {index}"
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraUnavailableError(f"no camera at index {index}")
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0) or fps_hint
        self.frame_count = None

    def __iter__(self) -> Iterator[Frame]:
        start = time.monotonic()
        index = 0
        while True:
            ok, image = self._cap.read()
            if not ok or image is None:
                if index == 0:
                    raise CameraUnavailableError(f"camera {self.index} delivered no frame")
                self.disconnected = True  # a mid-stream disconnect ends the stream cleanly
                return
            yield Frame(index, time.monotonic() - start, to_rgb(image))
            index += 1

    def close(self) -> None:
        self._cap.release()


class ImageFolderSource(FrameSource):
    """Images from a folder (sorted by name) or a glob pattern, read one at a time."""

    def __init__(self, pattern: str | Path, fps: float = 0.0):
        pattern = str(pattern)
        path = Path(pattern)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.is_file():
            files = [path]
        elif any(ch in pattern for ch in "*?["):
            files = sorted(Path(p) for p in glob.glob(pattern) if Path(p).suffix.lower() in IMAGE_SUFFIXES)
        else:
            raise SourceNotFoundError(f"image folder not found: {pattern}")
        if not files:
            raise EmptySourceError(f"no images ({', '.join(IMAGE_SUFFIXES)}) in {pattern}")
        self.files = files
        self.name = pattern
        self.fps = fps
        self.frame_count = len(files)

    def read_frame(self, index: int) -> Frame:
        if not 0 <= index < len(self.files):
            raise IndexError(f"frame {index} outside 0..{len(self.files) - 1}")
        image = cv2.imread(str(self.files[index]), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise NotAVideoError(f"{self.files[index]} is not a readable image")
        if image.dtype != np.uint8:  # 16-bit PNG/TIFF
            image = cv2.convertScaleAbs(image, alpha=255.0 / max(1, int(image.max())))
        timestamp = index / self.fps if self.fps else float(index)
        return Frame(index, timestamp, to_rgb(image))

    def __iter__(self) -> Iterator[Frame]:
        for index in range(len(self.files)):
            yield self.read_frame(index)


def open_source(spec: str | int | Path) -> FrameSource:
    """Open ``spec``: an int or digit string is a camera index, a folder or glob is images, else a video."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CameraSource(int(spec))
    text = str(spec)
    if Path(text).is_dir() or any(ch in text for ch in "*?["):
        return ImageFolderSource(text)
    if Path(text).suffix.lower() in IMAGE_SUFFIXES and Path(text).is_file():
        return ImageFolderSource(text)  # a single image is a one-frame source
    return VideoFileSource(text)
