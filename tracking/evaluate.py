"""Run a tracker over MOT sequences, write its output and score it against ground truth.

    python -m tracking.evaluate --data DIR --seqs SEQ [SEQ ...] --tracker {sort,deepsort} --out OUTDIR

``DIR/<SEQ>/det/det.txt`` holds MOT detections, ``DIR/<SEQ>/gt/gt.txt`` optional ground truth.
Writes ``OUTDIR/<SEQ>.txt`` and prints MOTA, IDF1, ID switches, FP, FN per scored sequence and
overall, and the tracker's speed (its update calls only, file reading and writing excluded).
Optional ``--video SEQ=PATH`` gives a sequence's frames (frame i = the video's i-th frame), so that
Deep SORT can use appearance there; without it Deep SORT tracks on motion alone.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from tracking import TRACKERS, make_tracker
from tracking.mot_format import MOTFormatError, frames_of, load_detections, write_tracks
from tracking.mot_scoring import score


def track_sequence(det_path: Path, tracker_name: str, video: Path | None = None,
                   **options) -> tuple[list, int, float]:
    """Track one sequence from its detections (and frames, if a video is given).

    Returns (per-frame tracks, frames, seconds spent in the tracker's update calls).
    """
    rows = load_detections(det_path)
    tracker = make_tracker(tracker_name, **options)
    frames = list(frames_of(rows))
    capture = cv2.VideoCapture(str(video)) if video is not None else None
    if capture is not None and not capture.isOpened():
        raise MOTFormatError(f"{video}: cannot open video")
    per_frame, seconds = [], 0.0
    for frame, detections in frames:
        image = None if capture is None else _next_rgb(capture, video, frame)
        start = time.perf_counter()
        tracks = tracker.update(detections, image)
        seconds += time.perf_counter() - start
        per_frame.append((frame, tracks))
    return per_frame, len(frames), seconds


def _next_rgb(capture: cv2.VideoCapture, video: Path, frame: int) -> np.ndarray:
    ok, bgr = capture.read()
    if not ok:
        raise MOTFormatError(f"{video}: has no frame {frame}, but the detections do")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def main(argv: list[str] | None = None) -> pd.DataFrame | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding <SEQ>/det/det.txt")
    parser.add_argument("--seqs", nargs="+", required=True, help="sequence folder names")
    parser.add_argument("--tracker", choices=sorted(TRACKERS), required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for <SEQ>.txt results")
    parser.add_argument("--low-score-threshold", type=float, default=None,
                        help="enable the second pass for detections scoring below this (off)")
    parser.add_argument("--video", action="append", default=[], metavar="SEQ=PATH",
                        help="frames of sequence SEQ, for appearance features (repeatable)")
    args = parser.parse_args(argv)
    videos = dict(_parse_video(item) for item in args.video)

    options = {}
    if args.low_score_threshold is not None:
        options["low_score_threshold"] = args.low_score_threshold
    if args.tracker == "deepsort":
        without = [s for s in args.seqs if s not in videos]
        if without:
            print(f"Deep SORT without images on {', '.join(without)}: motion only, "
                  "no appearance features.")
    args.out.mkdir(parents=True, exist_ok=True)
    scored, total_frames, total_seconds = {}, 0, 0.0
    for seq in args.seqs:
        det_path = args.data / seq / "det" / "det.txt"
        if not det_path.is_file():
            raise MOTFormatError(f"{det_path}: no detections for sequence {seq!r}")
        per_frame, n_frames, seconds = track_sequence(det_path, args.tracker, videos.get(seq),
                                                      **options)
        total_frames += n_frames
        total_seconds += seconds
        out_path = args.out / f"{seq}.txt"
        write_tracks(out_path, per_frame)
        gt_path = args.data / seq / "gt" / "gt.txt"
        status = "scored" if gt_path.is_file() else "no ground truth"
        print(f"{seq}: {n_frames} frames, {n_frames / max(seconds, 1e-9):.0f} Hz, {status} -> {out_path}")
        if gt_path.is_file():
            scored[seq] = (gt_path, out_path)

    print(f"\nTracker {args.tracker} {options or ''}: {total_frames} frames in {total_seconds:.3f} s "
          f"= {total_frames / max(total_seconds, 1e-9):.0f} Hz (update calls only)")
    if not scored:
        print("No sequence has ground truth; nothing scored.")
        return None
    table = score(scored)
    print(table.to_string(float_format=lambda v: f"{v:.1f}"))
    return table


def _parse_video(item: str) -> tuple[str, Path]:
    seq, sep, path = item.partition("=")
    if not sep or not seq or not path:
        raise SystemExit(f"--video expects SEQ=PATH, got {item!r}")
    return seq, Path(path)


if __name__ == "__main__":
    main()
