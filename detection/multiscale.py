"""Scale-robust person detection: the MultiPose network run where each person is at a good scale.

MoveNet MultiPose was trained on 256-px inputs. Fed a frame at native size it finds the small
people of surveillance footage (vtest.avi: 30-80 px tall) but splits or misses people who are
large in pixels (a webcam-style close-up gives an upper-body box beside a whole-body one); fed
at 256 px it sees large people well and loses small ones. So this detector runs two passes of the
same network:

- a **coarse pass**, the whole frame at ``coarse_side`` px on its longer side: large people, cheap;
- a **fine pass** at native size: small people. It runs while it is needed, i.e. while someone
  found on the last call was not seen surely by the coarse pass (no coarse box scoring
  ``COARSE_SURE`` or more over them: a small, half-hidden or unusual person), and otherwise every
  ``fine_every``-th call, so a small newcomer is found within a few keyframes.

While everyone found is small (shorter than ``COARSE_MIN_FRACTION`` of the frame: the people the
fine pass owns) the coarse pass in turn rests, except every ``coarse_every``-th call, so a large
newcomer is found within a few keyframes (on ``vtest.avi`` the coarse pass never found anyone the
fine pass missed: PETS09 MOTA / IDF1 the same with it resting, docs/pipeline.md).

The passes are merged: a box scores ``score_threshold`` or more, or at least ``AGREED_SCORE`` when
the other pass found it too (IoU >= 0.5: two views agreeing on a half-hidden person); a fine box
taller than ``FINE_MAX_FRACTION`` of the frame is dropped (the coarse pass owns large people), and
so is a coarse box shorter than ``COARSE_MIN_FRACTION`` of it when the fine pass ran (at 256 px two
small people side by side can read as one);
boxes overlapping by IoU >= ``nms_iou`` keep the best one; and a box lying inside a larger box,
markedly shorter and either about as wide or level with its top, is a part of that person (the
upper-body or head box of a close-up) and is dropped.
"""
from __future__ import annotations

import numpy as np
import torch
from torchvision.ops import box_iou, nms

from common.types import Detections
from detection.person_detector import PersonDetector

COARSE_SIDE = 256  # MultiPose's training input size
COARSE_EVERY = 4  # resting coarse pass (everyone found is small): every 4th call
FINE_EVERY = 8  # resting fine pass: every 8th call (4th: same presence and ids, intel clip 27 -> 34 fps)
AGREED_SCORE = 0.1  # lowest score kept when both passes found the person
AGREED_IOU = 0.5
COARSE_SURE = 0.3  # the fine pass may rest only while the coarse pass scores everyone found this high
FINE_MAX_FRACTION = 0.6  # fine-pass boxes taller than this share of the frame height are dropped
COARSE_MIN_FRACTION = 0.25  # with the fine pass run, coarse boxes shorter than this share are dropped
REGION_CUT_PX = 2.0  # a box this close to an inner side of a searched region is cut by it
PART_CONTAINED = 0.85  # share of a box's area inside a larger box for it to be a part of it
PART_MAX_HEIGHT = 0.8  # a part is at most this share of the whole box's height, and either
PART_MIN_WIDTH = 0.6  # ... at least this share of its width (upper body), or
PART_TOP_ALIGNED = 0.1  # ... its top within this share of the whole box's height of the whole's top (head)


class MultiScaleDetector:
    """``detect(rgb_frame) -> Detections`` from a coarse and a (scheduled) fine MultiPose pass."""

    def __init__(self, detector: PersonDetector | None = None, coarse_side: int = COARSE_SIDE,
                 fine_every: int = FINE_EVERY, nms_iou: float = 0.5, score_threshold: float = 0.2,
                 coarse_every: int = COARSE_EVERY):
        if fine_every < 1 or coarse_every < 1:
            raise ValueError(f"fine_every and coarse_every must be >= 1, got {fine_every}, {coarse_every}")
        network = detector if detector is not None else PersonDetector()
        self.fine = network.at_size("native", score_threshold=AGREED_SCORE)
        self.coarse = network.at_size(coarse_side, score_threshold=AGREED_SCORE)
        self.fine_every, self.coarse_every = fine_every, coarse_every
        self.nms_iou, self.score_threshold = nms_iou, score_threshold
        self._calls_since_fine = fine_every  # the first call runs both passes
        self._fine_needed = False
        self._calls_since_coarse, self._small_only = 0, False
        self.last_passes: tuple[str, ...] = ()  # which passes the last call ran (for timings and tests)

    def reset(self) -> None:
        """Forget the pass schedule (a new stream starts with both passes)."""
        self._calls_since_fine, self._fine_needed = self.fine_every, False
        self._calls_since_coarse, self._small_only = 0, False

    def detect(self, image: np.ndarray) -> Detections:
        height = float(np.shape(image)[0])
        run_fine = self._fine_needed or self._calls_since_fine + 1 >= self.fine_every
        run_coarse = not (run_fine and self._small_only) or self._calls_since_coarse + 1 >= self.coarse_every
        coarse = self.coarse.detect(image) if run_coarse else None
        fine = self.fine.detect(image) if run_fine else None
        self._calls_since_fine = 0 if run_fine else self._calls_since_fine + 1
        self._calls_since_coarse = 0 if run_coarse else self._calls_since_coarse + 1
        self.last_passes = ("coarse",) * run_coarse + ("fine",) * run_fine
        if fine is None:
            found = suppress_parts(coarse.take(coarse.scores >= self.score_threshold))
        elif coarse is None:
            found = suppress_parts(self._fine_alone(fine, height))
        else:
            kept_coarse, fine = keep_confident_or_agreed(coarse, fine, self.score_threshold)
            fine = fine.take(_heights(fine.boxes) <= FINE_MAX_FRACTION * height)
            kept_coarse = kept_coarse.take(_heights(kept_coarse.boxes) >= COARSE_MIN_FRACTION * height)
            found = suppress_parts(merge(kept_coarse, fine, self.nms_iou))
        if coarse is not None:  # without it the fine pass stays needed: whom it sees surely is unknown
            self._fine_needed = not seen_surely(found, coarse)
        self._small_only = run_fine and len(found) > 0 and bool(
            (_heights(found.boxes) < COARSE_MIN_FRACTION * height).all())
        return found

    def detect_in(self, image: np.ndarray, region: np.ndarray) -> Detections:
        """People wholly inside ``region`` (xyxy px): the fine pass on that part of the frame only.

        For a keyframe that only a few people need (pipeline/keyframes.py): the fine pass costs in
        proportion to its area. A box touching a side of the region that is not a side of the frame
        is a person cut by the region and is dropped (whoever follows them keeps them). The pass
        schedule of :meth:`detect` is left as it was.
        """
        height, width = np.shape(image)[:2]
        x0, y0, x1, y1 = clip_region(region, (width, height))
        found = self.fine.detect(np.asarray(image)[y0:y1, x0:x1])
        offset = np.array([x0, y0, x0, y0], np.float32)
        keypoints = None
        if found.keypoints is not None:
            keypoints = found.keypoints + np.array([x0, y0, 0], np.float32)
        found = Detections(found.boxes + offset, found.scores, keypoints)
        b, cut = found.boxes, np.zeros(len(found), bool)
        if x0 > 0:
            cut |= b[:, 0] <= x0 + REGION_CUT_PX
        if y0 > 0:
            cut |= b[:, 1] <= y0 + REGION_CUT_PX
        if x1 < width:
            cut |= b[:, 2] >= x1 - REGION_CUT_PX
        if y1 < height:
            cut |= b[:, 3] >= y1 - REGION_CUT_PX
        return suppress_parts(self._fine_alone(found.take(~cut), height))

    def _fine_alone(self, fine: Detections, height: float) -> Detections:
        """Fine-pass people kept without the coarse pass to agree: confident, and not large
        (a large person is the coarse pass's)."""
        return fine.take((fine.scores >= self.score_threshold) & (_heights(fine.boxes) <= FINE_MAX_FRACTION * height))


def clip_region(region: np.ndarray, frame_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``region`` as whole pixels inside the frame, at least one pixel wide and high."""
    width, height = frame_size
    x0, y0 = int(np.clip(np.floor(region[0]), 0, width - 1)), int(np.clip(np.floor(region[1]), 0, height - 1))
    x1, y1 = int(np.clip(np.ceil(region[2]), x0 + 1, width)), int(np.clip(np.ceil(region[3]), y0 + 1, height))
    return x0, y0, x1, y1


def seen_surely(found: Detections, coarse: Detections) -> bool:
    """Whether every person found has a coarse-pass box scoring ``COARSE_SURE`` or more (IoU >= 0.5)."""
    sure = coarse.boxes[coarse.scores >= COARSE_SURE]
    if len(found) == 0:
        return True
    if len(sure) == 0:
        return False
    overlap = box_iou(torch.from_numpy(found.boxes).float(), torch.from_numpy(sure).float()).numpy()
    return bool((overlap.max(axis=1) >= AGREED_IOU).all())


def keep_confident_or_agreed(first: Detections, second: Detections,
                             score_threshold: float) -> tuple[Detections, Detections]:
    """Each set keeps its boxes scoring ``score_threshold``, or found by the other set as well."""
    overlap = box_iou(torch.from_numpy(first.boxes).float(), torch.from_numpy(second.boxes).float()).numpy()
    agreed = overlap >= AGREED_IOU
    keep_first = (first.scores >= score_threshold) | agreed.any(axis=1)
    keep_second = (second.scores >= score_threshold) | agreed.any(axis=0)
    return first.take(keep_first), second.take(keep_second)


def merge(first: Detections, second: Detections, nms_iou: float) -> Detections:
    """Union of two detection sets without duplicates: box NMS over both, best score first."""
    both = Detections.concat(first, second)
    if len(both) == 0:
        return both
    keep = nms(torch.from_numpy(both.boxes).float(), torch.from_numpy(both.scores).float(), nms_iou)
    return both.take(keep.numpy())


def suppress_parts(detections: Detections) -> Detections:
    """Drop boxes that are part of a larger person's box: mostly inside it, shorter, and either
    about as wide (an upper body) or level with its top (head and shoulders). A person standing
    behind another is inside their box too, but narrower and not level with their head."""
    boxes = detections.boxes.astype(np.float64)
    if len(boxes) < 2:
        return detections
    lt = np.maximum(boxes[:, None, :2], boxes[None, :, :2])
    rb = np.minimum(boxes[:, None, 2:], boxes[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)  # (N, N)
    width, height = boxes[:, 2] - boxes[:, 0], _heights(boxes)
    area = width * height
    inside = inter / np.maximum(area[:, None], 1e-9)  # share of box i inside box j
    wide = width[:, None] >= PART_MIN_WIDTH * width[None]
    head_high = np.abs(boxes[:, None, 1] - boxes[None, :, 1]) <= PART_TOP_ALIGNED * height[None]
    part = (inside >= PART_CONTAINED) & (height[:, None] <= PART_MAX_HEIGHT * height[None]) & (wide | head_high)
    np.fill_diagonal(part, False)
    return detections.take(~part.any(axis=1))


def _heights(boxes: np.ndarray) -> np.ndarray:
    return boxes[:, 3] - boxes[:, 1]
