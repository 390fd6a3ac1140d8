"""Draw detector boxes and MoveNet-thunder skeletons on a vtest.avi frame (docs picture).

    python tools/draw_vtest.py [--frame 200] [--out docs/images/vtest_detector_thunder.png]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.paths import REPO_ROOT, shared_data_dir  # noqa: E402
from common.skeleton import COCO17  # noqa: E402
from detection import PersonDetector  # noqa: E402
from pose import make_estimator  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--video", type=Path, default=shared_data_dir() / "media" / "vtest.avi")
    parser.add_argument("--frame", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "images" / "vtest_detector_thunder.png")
    parser.add_argument("--min-score", type=float, default=0.3)
    args = parser.parse_args()
    cap = cv2.VideoCapture(str(args.video))
    cap.set(cv2.CAP_PROP_POS_FRAMES, args.frame)
    ok, bgr = cap.read()
    if not ok:
        raise SystemExit(f"cannot read frame {args.frame} of {args.video}")
    rgb = bgr[:, :, ::-1].copy()
    detections = PersonDetector().detect(rgb)
    poses = make_estimator("movenet-thunder").estimate(rgb, detections.boxes)
    scale = 1.5  # draw on an upscaled frame so the small people stay visible
    canvas = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    for box, score, joints, conf in zip(detections.boxes, detections.scores, poses.keypoints, poses.scores):
        x0, y0, x1, y1 = (box * scale).astype(int)
        cv2.rectangle(canvas, (x0, y0), (x1, y1), (0, 200, 0), 1)
        cv2.putText(canvas, f"{score:.2f}", (x0, y0 - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 200, 0), 1)
        pts = joints * scale
        for a, b in COCO17.bones:
            if conf[a] > args.min_score and conf[b] > args.min_score:
                cv2.line(canvas, tuple(pts[a].astype(int)), tuple(pts[b].astype(int)), (0, 128, 255), 2, cv2.LINE_AA)
        for p, c in zip(pts, conf):
            if c > args.min_score:
                cv2.circle(canvas, tuple(p.astype(int)), 2, (0, 0, 255), -1, cv2.LINE_AA)
    # keep the band where the people are, to keep the picture small
    rows = np.concatenate([detections.boxes[:, [1, 3]].ravel() * scale, [0]])
    top, bottom = max(int(rows.min()) - 40, 0), min(int(rows.max()) + 40, canvas.shape[0])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # a 256-colour palette keeps the PNG well under 300 KB
    Image.fromarray(canvas[top:bottom, :, ::-1]).quantize(256).save(args.out, optimize=True)
    print(f"{args.out}: {len(detections)} people, {args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
