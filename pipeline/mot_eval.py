"""Scores the whole pipeline's people tracking on a real video with MOT ground truth.

    python -m pipeline.mot_eval --video ../shared/data/media/vtest.avi \
        --gt ../shared/data/mot15/PETS09-S2L1/gt/gt.txt [pipeline options]

OpenCV's vtest.avi is the PETS09-S2L1 sequence frame for frame, so its MOT15 ground truth scores
our own detector + tracker (+ keypoint following) end to end: MOTA, IDF1, ID switches, FP, FN,
with motmetrics at IoU >= 0.5, and the distinct ids we gave versus the ids annotated.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from common.sources import open_source
from common.store import ResultsStore
from common.types import Tracks
from pipeline.factory import add_pipeline_arguments, build_pipeline, options_from_args
from tracking.mot_format import write_tracks
from tracking.mot_scoring import score


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--video", required=True)
    parser.add_argument("--gt", required=True, help="MOT gt.txt for the video (1-based frames)")
    parser.add_argument("--max-frames", type=int)
    add_pipeline_arguments(parser)
    args = parser.parse_args(argv)
    pipeline = build_pipeline(options_from_args(args))
    store = ResultsStore()
    with open_source(args.video) as source:
        bar = tqdm(total=args.max_frames or source.frame_count, unit="frame", mininterval=1.0)
        start = time.perf_counter()
        done = pipeline.run(source, store, on_result=lambda f, r: bar.update(1), max_frames=args.max_frames)
        elapsed = time.perf_counter() - start
        bar.close()
    per_frame = [(r.index + 1, Tracks(r.track_ids, r.boxes, r.box_scores, np.full(len(r), -1)))
                 for r in store]
    gt_rows = np.loadtxt(args.gt, delimiter=",", ndmin=2)
    gt_rows = gt_rows[(gt_rows[:, 6] != 0) & (gt_rows[:, 0] <= done)]
    with tempfile.TemporaryDirectory() as tmp:
        hyp, gt = Path(tmp) / "hyp.txt", Path(tmp) / "gt.txt"
        write_tracks(hyp, per_frame)
        np.savetxt(gt, gt_rows, delimiter=",", fmt="%g")
        table = score({Path(args.video).stem: (gt, hyp)})
    print(table.round(1).to_string())
    print(f"frames={done} fps={done / elapsed:.2f} distinct_ids={len(store.track_ids())} "
          f"gt_ids={len(np.unique(gt_rows[:, 1]))}")


if __name__ == "__main__":
    main()
