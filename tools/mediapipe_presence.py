"""MediaPipe Pose (the peer, video mode, one person) scored against the intel clip's hand labels.

MediaPipe is not a dependency of PoseScope: run this with its own venv (../shared/bench/README.md)

    /tmp/mpvenv/bin/python tools/mediapipe_presence.py [--frames 600]

and compare with ``python -m pipeline.footage_eval intel --frames 600``: the same labels, the same
frames, presence = share of the labelled frames with a person fully visible where a pose (a
person) is reported. Needs only OpenCV and MediaPipe, so it imports nothing from PoseScope.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import cv2
import mediapipe as mp

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "intel_one_by_one_labels.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("POSESCOPE_DATA", ROOT.parent / "shared" / "data")))
    args = parser.parse_args()
    doc = json.loads(LABELS.read_text())
    labels = {int(k): v for k, v in doc["frames"].items() if int(k) < args.frames}
    cap = cv2.VideoCapture(str(args.data / doc["video"]))
    found: dict[int, bool] = {}
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        for index in range(args.frames):
            ok, frame = cap.read()
            if not ok:
                break
            found[index] = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)).pose_landmarks is not None
    full = [f for f, v in labels.items() if v["fully_visible"]]
    empty = [f for f, v in labels.items() if v["fully_visible"] + v["partly_visible"] == 0]
    print(f"mediapipe: frames={len(found)} frames_with_person={sum(found.values()) / max(len(found), 1):.1%} "
          f"presence {sum(found.get(f, False) for f in full) / max(len(full), 1):.1%} of {len(full)} labelled "
          f"frames with a person fully visible; reports on empty frames: {sum(found.get(f, False) for f in empty)}/{len(empty)}")


if __name__ == "__main__":
    main()
