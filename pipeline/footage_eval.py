"""Everyday-footage scores: is every person found once, at every size, with one id while in view?

    python -m pipeline.footage_eval intel [--pictures DIR] [pipeline options]
    python -m pipeline.footage_eval clips VIDEO [VIDEO ...] [--frames N] [--pictures DIR] [options]
    python -m pipeline.footage_eval detectors [--variants multiscale native 256]

``intel`` runs the pipeline over the intel one-by-one clip and scores it against the hand labels
in ``tests/fixtures/intel_one_by_one_labels.json`` (every 10th frame: people fully / partly
visible): presence rate on frames where a person is fully visible, frames with more people
reported than visible (two boxes or ids for one person), reports on empty frames, distinct ids.
``clips`` prints, per video, fps, distinct ids, the share of frames with at least one person and
people per frame. ``detectors`` compares detector variants without tracking: median ms per call,
the same label scores frame by frame, recall on the COCO and PoseTrack18 fixtures (IoU >= 0.5),
and a scale sweep (real frames resized so that the person is 40 ... 480 px tall: found exactly
once?). ``--pictures`` writes frames with boxes and ids as PNGs.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from common.paths import shared_data_dir
from common.render import draw_results
from common.sources import open_source
from common.store import ResultsStore
from common.types import Detections, FrameResult
from pipeline.factory import add_pipeline_arguments, build_pipeline, options_from_args

LABELS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "intel_one_by_one_labels.json"
SWEEP_HEIGHTS = (40, 80, 160, 320, 480)
COST_FRAMES = 21  # labelled frames with a person timed per variant (the first is a warm-up)
SWEEP_CANVAS = (768, 432)  # the intel clip's frame size; frames smaller than it are edge-padded
SWEEP_SOURCES = (  # real frames with one person and that person's box (x1, y1, x2, y2)
    ("mmpose_tests/coco/000000000785.jpg", (281.0, 45.0, 500.0, 392.0)),  # COCO ground truth
    ("videos/intel_one-by-one-person-detection.mp4#600", (412.0, 0.0, 562.0, 388.0)),  # by eye on a gridded picture
)


@dataclass
class LabelScore:
    """Per-frame counts against hand labels."""

    presence: float  # share of frames with a fully visible person where someone is reported
    full_frames: int
    duplicate_frames: int  # more people reported than visible (fully or partly)
    empty_frames_with_reports: int
    empty_frames: int

    def line(self) -> str:
        return (f"presence {self.presence:.1%} of {self.full_frames} frames with a person fully visible; "
                f"frames with more people than visible: {self.duplicate_frames}; "
                f"reports on empty frames: {self.empty_frames_with_reports}/{self.empty_frames}")


def load_labels(path: Path = LABELS) -> tuple[Path, dict[int, tuple[int, int]]]:
    """The labelled video and ``{frame: (fully visible, partly visible)}``."""
    doc = json.loads(Path(path).read_text())
    frames = {int(k): (v["fully_visible"], v["partly_visible"]) for k, v in doc["frames"].items()}
    return shared_data_dir() / doc["video"], frames


def score_counts(reported: dict[int, int], labels: dict[int, tuple[int, int]]) -> LabelScore:
    """Score people reported per frame against the labels (frames missing from ``reported`` count 0)."""
    full = [f for f, (n_full, _) in labels.items() if n_full > 0]
    empty = [f for f, (n_full, n_part) in labels.items() if n_full + n_part == 0]
    present = sum(reported.get(f, 0) >= 1 for f in full)
    duplicates = sum(reported.get(f, 0) > sum(labels[f]) for f in labels if sum(labels[f]) > 0)
    return LabelScore(present / max(len(full), 1), len(full), duplicates,
                      sum(reported.get(f, 0) > 0 for f in empty), len(empty))


@dataclass
class ClipRun:
    store: ResultsStore
    frames: int
    seconds: float
    pictures: list[Path]
    detector_calls: int  # keyframes: the cost that does not depend on the machine's load

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    @property
    def share_with_person(self) -> float:
        return float(np.mean([len(r) > 0 for r in self.store])) if self.frames else 0.0

    def summary(self, name: str) -> str:
        people = float(np.mean([len(r) for r in self.store])) if self.frames else 0.0
        return (f"{name}: frames={self.frames} fps={self.fps:.2f} distinct_ids={len(self.store.track_ids())} "
                f"frames_with_person={self.share_with_person:.1%} people_per_frame={people:.2f} "
                f"keyframes={self.detector_calls / max(self.frames, 1):.1%}")


def run_clip(pipeline, video: str | Path, max_frames: int | None = None, pictures: Path | None = None,
             picture_frames: tuple[int, ...] = ()) -> ClipRun:
    """The pipeline over one video; frames in ``picture_frames`` are drawn into ``pictures``."""
    written: list[Path] = []

    def draw(frame, result: FrameResult) -> None:
        bar.update(1)
        if pictures is not None and frame.index in picture_frames:
            path = pictures / f"{Path(str(video)).stem}_{frame.index:05d}.png"
            cv2.imwrite(str(path), cv2.cvtColor(draw_results(frame.image, result), cv2.COLOR_RGB2BGR))
            written.append(path)

    if pictures is not None:
        pictures.mkdir(parents=True, exist_ok=True)
    pipeline.timers.samples.clear()
    with open_source(str(video)) as source:
        store = ResultsStore(source.fps, source_name=source.name)
        bar = tqdm(total=max_frames or source.frame_count or None, unit="frame", mininterval=2.0,
                   desc=Path(str(video)).name)
        start = time.perf_counter()
        done = pipeline.run(source, store, on_result=draw, max_frames=max_frames)
        seconds = time.perf_counter() - start
        bar.close()
    return ClipRun(store, done, seconds, written, len(pipeline.timers.samples.get("detect", [])))


# ---------------------------------------------------------------- detector variants, no tracking

def make_detector(variant: str):
    """A detector by variant name: multiscale, native, or a longer side in px."""
    from detection import MultiScaleDetector, PersonDetector

    if variant == "multiscale":
        return MultiScaleDetector(PersonDetector(device="cpu"))
    return PersonDetector(device="cpu", size="native" if variant == "native" else int(variant))


def read_frames(video: Path, wanted: set[int]) -> dict[int, np.ndarray]:
    """RGB frames ``wanted`` of a video, decoded in order."""
    out: dict[int, np.ndarray] = {}
    with open_source(str(video)) as source:
        for frame in source:
            if frame.index in wanted:
                out[frame.index] = frame.image
            if len(out) == len(wanted):
                break
    return out


def sweep_frames(data: Path) -> list[tuple[str, int, np.ndarray, np.ndarray]]:
    """(source, target height, frame, person box) for every sweep source and height."""
    out = []
    for spec, box in SWEEP_SOURCES:
        path, _, index = spec.partition("#")
        if index:
            image = read_frames(data / path, {int(index)})[int(index)]
        else:
            image = cv2.cvtColor(cv2.imread(str(data / path)), cv2.COLOR_BGR2RGB)
        for height in SWEEP_HEIGHTS:
            frame, scaled = person_at_height(image, np.array(box), height)
            out.append((Path(path).name, height, frame, scaled))
    return out


def person_at_height(image: np.ndarray, box: np.ndarray, height: int) -> tuple[np.ndarray, np.ndarray]:
    """The frame resized so that the person's box is ``height`` px tall, edge-padded to at least
    the canvas size (the person stays where the resize put it, relative to the top left)."""
    factor = height / (box[3] - box[1])
    resized = cv2.resize(image, None, fx=factor, fy=factor,
                         interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    pad_w, pad_h = max(0, SWEEP_CANVAS[0] - resized.shape[1]), max(0, SWEEP_CANVAS[1] - resized.shape[0])
    left, top = pad_w // 2, pad_h // 2
    padded = cv2.copyMakeBorder(resized, top, pad_h - top, left, pad_w - left, cv2.BORDER_REPLICATE)
    return padded, box * factor + np.array([left, top, left, top])


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    if len(boxes) == 0:
        return np.zeros(0)
    lt, rb = np.maximum(box[:2], boxes[:, :2]), np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=1)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / (area + areas - inter)


def found_once(detections: Detections, box: np.ndarray) -> tuple[bool, int]:
    """(the person is found at IoU >= 0.5, how many boxes were reported)."""
    iou = box_iou(box, detections.boxes)
    return bool(len(iou) and iou.max() >= 0.5), len(detections)


def fixture_people(data: Path) -> list[tuple[np.ndarray, list[np.ndarray]]]:
    """(RGB image, keypoint-annotated person boxes xyxy) of the COCO and PoseTrack18 fixtures."""
    out = []
    for folder, name in (("coco", "test_coco.json"), ("posetrack18", "annotations/test_posetrack18_val.json")):
        root = data / "mmpose_tests" / folder
        doc = json.loads((root / name).read_text())
        for image in doc["images"]:
            boxes = [np.array([x, y, x + w, y + h]) for a in doc["annotations"]
                     if a["image_id"] == image["id"] and a["category_id"] == 1 and not a["iscrowd"]
                     and a.get("num_keypoints", 0) > 0 for x, y, w, h in [a["bbox"]]]
            rgb = cv2.cvtColor(cv2.imread(str(root / image["file_name"])), cv2.COLOR_BGR2RGB)
            out.append((folder, rgb, boxes))
    return out


def sweep_strip(frames: list[np.ndarray], found: list[Detections], height: int = 216) -> np.ndarray:
    """The sweep frames side by side (scaled to one height) with the boxes found, RGB."""
    tiles = []
    for image, detections in zip(frames, found):
        result = FrameResult(0, 0.0, np.arange(1, len(detections) + 1), detections.boxes, detections.scores,
                             frame_size=(image.shape[1], image.shape[0]))
        drawn = draw_results(image, result)
        tiles.append(cv2.resize(drawn, (round(image.shape[1] * height / image.shape[0]), height),
                                interpolation=cv2.INTER_AREA))
    return np.concatenate(tiles, axis=1)


def _reset(detector) -> None:
    if hasattr(detector, "reset"):  # the multiscale detector's fine-pass schedule
        detector.reset()


def compare_detectors(variants: list[str], data: Path, pictures: Path | None = None) -> None:
    """The table of docs/footage.md: cost and accuracy of each detector variant."""
    video, labels = load_labels()
    frames = read_frames(video, set(labels))
    fixtures = fixture_people(data)
    sweep = sweep_frames(data)
    detectors = {variant: make_detector(variant) for variant in variants}
    worst = {variant: [] for variant in variants}  # every pass (a fresh stream), round robin: same load
    for index in [f for f in sorted(frames) if labels[f][0]][:COST_FRAMES]:
        for variant, detector in detectors.items():
            _reset(detector)
            start = time.perf_counter()
            detector.detect(frames[index])
            worst[variant].append(time.perf_counter() - start)
    for variant, detector in detectors.items():
        _reset(detector)
        times, counts = [], {}
        for index in sorted(frames):  # in stream order: the multiscale schedule sees a stream
            start = time.perf_counter()
            counts[index] = len(detector.detect(frames[index]))
            times.append(time.perf_counter() - start)
        print(f"[{variant}] cost: median {np.median(worst[variant][1:]) * 1000:.0f} ms per call with every pass "
              f"(round robin with the other variants), mean {np.mean(times) * 1000:.0f} ms per call over the "
              f"labelled frames as a stream")
        fixture_hits = {"coco": [0, 0], "posetrack18": [0, 0]}
        for folder, image, boxes in fixtures:
            _reset(detector)  # unrelated still images: each is a new stream
            found = detector.detect(image)
            fixture_hits[folder][0] += sum(found_once(found, box)[0] for box in boxes)
            fixture_hits[folder][1] += len(boxes)
        sweep_out, sweep_found = [], []
        for name, height, image, box in sweep:
            _reset(detector)
            sweep_found.append(detector.detect(image))
            hit, count = found_once(sweep_found[-1], box)
            sweep_out.append(f"{height}:{'ok' if hit and count == 1 else ('x' if not hit else count)}")
        if pictures is not None:
            pictures.mkdir(parents=True, exist_ok=True)
            for source in dict.fromkeys(name for name, *_ in sweep):
                rows = [i for i, row in enumerate(sweep) if row[0] == source]
                strip = sweep_strip([sweep[i][2] for i in rows], [sweep_found[i] for i in rows])
                path = pictures / f"scale_sweep_{Path(source).stem}_{variant}.png"
                cv2.imwrite(str(path), cv2.cvtColor(strip, cv2.COLOR_RGB2BGR))
        print(f"[{variant}] intel labelled frames: {score_counts(counts, labels).line()}")
        print(f"[{variant}] fixtures found at IoU>=0.5: COCO {fixture_hits['coco'][0]}/{fixture_hits['coco'][1]}, "
              f"PoseTrack18 {fixture_hits['posetrack18'][0]}/{fixture_hits['posetrack18'][1]}; "
              f"scale sweep (ok = found exactly once): {' '.join(sweep_out)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    intel = sub.add_parser("intel", help="the labelled intel clip through the whole pipeline")
    clips = sub.add_parser("clips", help="any videos through the whole pipeline")
    clips.add_argument("videos", nargs="+")
    for p in (intel, clips):
        p.add_argument("--frames", type=int, help="stop after this many frames")
        p.add_argument("--pictures", type=Path, help="write frames with boxes and ids here as PNGs")
        p.add_argument("--picture-frames", type=int, nargs="*", default=[100, 300, 600, 1000, 1300])
        add_pipeline_arguments(p)
    detectors = sub.add_parser("detectors", help="detector variants without tracking")
    detectors.add_argument("--variants", nargs="+", default=["native", "256", "multiscale"])
    detectors.add_argument("--pictures", type=Path, help="write the scale-sweep strips here as PNGs")
    args = parser.parse_args(argv)
    data = shared_data_dir()
    if args.command == "detectors":
        compare_detectors(args.variants, data, args.pictures)
        return
    pipeline = build_pipeline(options_from_args(args))
    if args.command == "intel":
        video, labels = load_labels()
        run = run_clip(pipeline, video, args.frames, args.pictures, tuple(args.picture_frames))
        reported = {r.index: len(r) for r in run.store}
        print(run.summary(video.name))
        print(score_counts(reported, {f: n for f, n in labels.items() if f < run.frames}).line())
        print("id spans (first-last frame): " + ", ".join(
            f"{i}:{int(t.frames[0])}-{int(t.frames[-1])}" for i in run.store.track_ids() for t in [run.store.track(i)]))
        print("stage medians: " + ", ".join(f"{k} {v:.0f} ms" for k, v in pipeline.timers.median_ms().items()))
        return
    for video in args.videos:
        pipeline.reset()
        print(run_clip(pipeline, video, args.frames, args.pictures, tuple(args.picture_frames)).summary(video))


if __name__ == "__main__":
    main()
