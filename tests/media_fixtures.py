"""Small synthetic media made on the fly for tests that must always run."""
from __future__ import annotations

from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np


def frame_pattern(index: int, width: int = 96, height: int = 64) -> np.ndarray:
    """An RGB frame whose colour encodes its index (red rises, blue falls)."""
    image = np.zeros((height, width, 3), np.uint8)
    image[..., 0] = (index * 20) % 256
    image[..., 2] = 255 - (index * 20) % 256
    cv2.rectangle(image, (index % width, 10), (index % width + 10, 30), (0, 255, 0), -1)
    return image


def write_mp4(path: Path, frames: int = 12, fps: float = 10.0, size=(96, 64)) -> Path:
    writer = imageio_ffmpeg.write_frames(str(path), size, fps=fps, codec="libx264",
                                         macro_block_size=2, ffmpeg_log_level="error")
    writer.send(None)
    for i in range(frames):
        writer.send(frame_pattern(i, *size))
    writer.close()
    return path


def write_mjpg_avi(path: Path, frames: int = 40, fps: float = 10.0, size=(96, 64)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(frames):
        writer.write(cv2.cvtColor(frame_pattern(i, *size), cv2.COLOR_RGB2BGR))
    writer.release()
    return path
