"""Accuracy of the ported models on the real COCO fixtures (shared/data/mmpose_tests/coco).

    python tools/eval_coco.py [--data DIR]

Pose estimators get the ground-truth boxes; we report mean OKS (COCO sigmas, object scale =
annotated area) and PCK@0.5 torso-normalised (a joint is correct when within 0.5 x the
distance between the left shoulder and the right hip; people without both are left out).
The default detector (multiscale MultiPose, docs/footage.md) is scored by recall at IoU 0.5 against all non-crowd
person boxes, and against the keypoint-annotated people only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.paths import shared_data_dir  # noqa: E402
from common.skeleton import blazepose33_to_coco17  # noqa: E402
from detection import MultiScaleDetector, PersonDetector  # noqa: E402
from pose import make_estimator  # noqa: E402

SIGMAS = np.array([0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062,
                   0.107, 0.107, 0.087, 0.087, 0.089, 0.089])
L_SHOULDER, R_HIP = 5, 12


def oks(pred: np.ndarray, gt: np.ndarray, visible: np.ndarray, area: float) -> float:
    d2 = ((pred - gt) ** 2).sum(-1)
    e = d2 / (2 * area * (2 * SIGMAS) ** 2 + np.spacing(1))
    return float(np.exp(-e)[visible].mean())


def pck(pred: np.ndarray, gt: np.ndarray, visible: np.ndarray, ratio: float = 0.5) -> float | None:
    if not (visible[L_SHOULDER] and visible[R_HIP]):
        return None
    torso = np.linalg.norm(gt[L_SHOULDER] - gt[R_HIP])
    return float((np.linalg.norm(pred - gt, axis=-1) <= ratio * torso)[visible].mean())


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    if len(boxes) == 0:
        return np.zeros(0)
    lt, rb = np.maximum(box[:2], boxes[:, :2]), np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=1)
    area = lambda b: (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])  # noqa: E731
    return inter / (area(box) + area(boxes) - inter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "mmpose_tests" / "coco")
    args = parser.parse_args()
    coco = json.loads((args.data / "test_coco.json").read_text())
    images = {im["id"]: im for im in coco["images"]}
    people = [a for a in coco["annotations"] if a["category_id"] == 1 and not a["iscrowd"]]
    annotated = [a for a in people if a["num_keypoints"] > 0]
    frames = {i: cv2.imread(str(args.data / images[i]["file_name"]))[:, :, ::-1].copy() for i in images}

    for name in ("movenet-thunder", "movenet-lightning", "blazepose-full"):
        est = make_estimator(name, device="cpu")
        oks_all, pck_all = [], []
        for a in annotated:
            x, y, w, h = a["bbox"]
            out = est.estimate(frames[a["image_id"]], np.array([[x, y, x + w, y + h]]))
            pred = out.keypoints[0]
            if out.layout == "blazepose33":
                pred, _ = blazepose33_to_coco17(pred, out.scores[0])
            kp = np.array(a["keypoints"], np.float64).reshape(17, 3)
            visible = kp[:, 2] > 0
            oks_all.append(oks(pred, kp[:, :2], visible, a["area"]))
            p = pck(pred, kp[:, :2], visible)
            if p is not None:
                pck_all.append(p)
        print(f"{name}: mean OKS {np.mean(oks_all):.3f} over {len(oks_all)} people; "
              f"PCK@0.5 (torso) {np.mean(pck_all):.3f} over {len(pck_all)} people")

    detector = MultiScaleDetector(PersonDetector(device="cpu"))
    hits_all, hits_kp, n_det = 0, 0, 0
    for image_id, frame in frames.items():
        detector.reset()  # unrelated images: each starts a stream
        det = detector.detect(frame)
        n_det += len(det)
        for a in (p for p in people if p["image_id"] == image_id):
            x, y, w, h = a["bbox"]
            hit = bool(len(det)) and iou(np.array([x, y, x + w, y + h]), det.boxes).max() >= 0.5
            hits_all += hit
            hits_kp += hit and a["num_keypoints"] > 0
    print(f"movenet-multipose detector: recall@IoU0.5 {hits_all}/{len(people)} = {hits_all / len(people):.3f} "
          f"(all person boxes), {hits_kp}/{len(annotated)} = {hits_kp / len(annotated):.3f} (keypoint-annotated); "
          f"{n_det} detections in {len(frames)} images")


if __name__ == "__main__":
    main()
