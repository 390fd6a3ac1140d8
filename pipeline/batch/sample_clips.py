"""Short clips cut from real videos, for the batch checks, bench and tests (never kept in the repo)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg


def cut_clip(source: Path, target: Path, start_s: float, frames: int, width: int = 320) -> Path:
    """``frames`` frames of ``source`` from ``start_s``, scaled to ``width`` px, as H.264 MP4 with the
    index first and a key frame every 2nd frame, so that a truncated copy still opens and then fails
    part-way, like an interrupted download."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{start_s:.3f}", "-i", str(source),
               "-frames:v", str(frames), "-vf", f"scale={width}:-2", "-an", "-c:v", "libx264",
               "-pix_fmt", "yuv420p", "-g", "2", "-bf", "0", "-movflags", "+faststart", str(target)]
    subprocess.run(command, check=True, capture_output=True)
    return target


def truncate(path: Path, keep: float = 0.5) -> Path:
    """Cut the file to ``keep`` of its bytes, as an interrupted copy would."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_clips(data_dir: Path, folder: Path, count: int, frames: int, truncated: int = 0) -> list[Path]:
    """``count`` clips cut at different times from the shared clips; the last ``truncated`` of them cut short."""
    sources = [data_dir / "media" / "vtest.avi", data_dir / "videos" / "intel_one-by-one-person-detection.mp4"]
    folder.mkdir(parents=True, exist_ok=True)
    clips = []
    for i in range(count):
        clip = cut_clip(sources[i % len(sources)], folder / f"clip{i}.mp4", start_s=5.0 + 7.0 * i, frames=frames)
        if i >= count - truncated:
            truncate(clip)
        clips.append(clip)
    return clips
