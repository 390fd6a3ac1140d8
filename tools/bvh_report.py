"""BVH export figures for docs/bvh.md: round-trip errors and a preview drawn from the files themselves.

    python -m tools.bvh_report h36m                   # H36M ground truth (constant bone lengths)
    python -m tools.bvh_report cmu                    # CMU mocap 01_01 through H36M-17 and back
    python -m tools.bvh_report store out/demo.npz     # our own lifted output, per person
    python -m tools.bvh_report render out/demo.npz docs/images/bvh_demo.png

Every error is measured on the written file read back by bvhio (forward kinematics), against
the camera-frame joints that went in.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import cv2
import numpy as np

from common.bvh import BvhOptions, export_bvh
from common.bvh.reader import read_h36m_joints, world_positions
from common.bvh.skeleton import CAMERA_TO_BVH, MM_PER_UNIT, bone_lengths
from common.colors import track_color
from common.paths import shared_data_dir
from common.skeleton import H36M17
from common.store import ResultsStore
from common.types import FrameResult, Poses3D

PARENTS = np.array(H36M17.parents)
CMU_TO_H36M = {"Hips": "pelvis", "RightUpLeg": "r_hip", "RightLeg": "r_knee", "RightFoot": "r_ankle",
               "LeftUpLeg": "l_hip", "LeftLeg": "l_knee", "LeftFoot": "l_ankle", "Spine": "spine",
               "Neck": "thorax", "Neck1": "neck_nose", "Head": "head", "LeftArm": "l_shoulder",
               "LeftForeArm": "l_elbow", "LeftHand": "l_wrist", "RightArm": "r_shoulder",
               "RightForeArm": "r_elbow", "RightHand": "r_wrist"}
CMU_UNIT_MM = 25.4 / 0.45  # CMU ASF units: 1/0.45 inch


def store_of_track(joints_mm: np.ndarray, fps: float) -> ResultsStore:
    """A store holding one person (id 1) with these camera-frame joints, root at the pelvis."""
    store = ResultsStore(fps)
    for i, joints in enumerate(joints_mm.astype(np.float32)):
        store.add(FrameResult(i, i / fps, np.array([1]), np.zeros((1, 4)), np.ones(1), None,
                              Poses3D((joints - joints[0])[None], joints[0][None])))
    return store


def bone_change(joints: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """|actual - fixed| per frame and bone (indexed by child joint; column 0 is 0)."""
    change = np.zeros(joints.shape[:2])
    change[:, 1:] = np.abs(np.linalg.norm(joints[:, 1:] - joints[:, PARENTS[1:]], axis=-1) - lengths[1:])
    return change


def chain_bound(joints: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per frame and joint, the bone-length changes summed from the root down to that joint.

    With every bone pointing the right way, this is how far a fixed skeleton can be off.
    """
    change = bone_change(joints, lengths)
    bound = np.zeros_like(change)
    for child in range(1, len(PARENTS)):
        bound[:, child] = bound[:, PARENTS[child]] + change[:, child]
    return bound


def round_trip(store: ResultsStore, fps_label: str, frame_step: int = 1) -> None:
    """Export every person, read the files back, print the errors against the input."""
    with tempfile.TemporaryDirectory() as folder:
        result = export_bvh(store, folder, options=BvhOptions(frame_step=frame_step))
        for note in result.notes:
            print("note:", note)
        print(f"{'file':22s} {'frames':>6s} {'filled':>6s} {'RMS err mm':>10s} {'max err':>8s} "
              f"{'RMS bone change':>15s} {'within chain bound':>18s} {'max Euler jump':>14s} "
              f"{'(<5 cm moved)':>13s} {'steps > 90°':>11s}")
        for written in result.written:
            series = store.track(written.track_id)
            frames = (series.frames - written.first_frame) // frame_step
            truth = (series.joints3d + series.root3d[:, None]).astype(np.float64)
            keep = ((series.frames >= written.first_frame) & (series.frames % frame_step == 0)
                    & (frames < written.frames) & np.isfinite(truth).all(axis=(1, 2)))
            from_file = read_h36m_joints(written.path, result.axes)
            error = np.linalg.norm(from_file[frames[keep]] - truth[keep], axis=-1)
            lengths = bone_lengths(series.joints3d[np.isfinite(series.joints3d).all(axis=(1, 2))])
            change = bone_change(truth[keep], lengths)[:, 1:]
            within = np.mean(error <= chain_bound(truth[keep], lengths) + 0.01)
            jumps = euler_jumps(written.path, from_file)
            print(f"{written.path.name:22s} {written.frames:6d} {written.filled:6d} "
                  f"{np.sqrt(np.mean(error ** 2)):10.2f} {error.max():8.2f} {np.sqrt(np.mean(change ** 2)):15.2f} "
                  f"{within:18.1%} {jumps[0]:14.1f} {jumps[1]:13.1f} {jumps[2]:11.1%}")
    print(f"({fps_label})")


def euler_jumps(path: Path, joints: np.ndarray) -> tuple[float, float, float]:
    """Largest change of any Euler channel between frames, overall and where no joint moved 5 cm,
    and the share of frame steps where some channel changed more than 90°."""
    lines = Path(path).read_text().splitlines()
    angles = np.loadtxt(lines[lines.index("MOTION") + 3:], ndmin=2)[:, 3:]
    jumps = np.abs(np.diff(angles, axis=0)).max(axis=1, initial=0.0)
    still = np.linalg.norm(np.diff(joints, axis=0), axis=-1).max(axis=1) < 50.0
    return (float(jumps.max(initial=0.0)), float(jumps[still].max()) if still.any() else float("nan"),
            float(np.mean(jumps > 90.0)) if len(jumps) else 0.0)


def h36m_report(sequences: list[str], frames: int) -> None:
    data = shared_data_dir() / "h36m"
    camera = json.loads((data / "h36m_cameras.json").read_text())["S1"]["54138969"]
    poses = np.load(data / "h36m_3d17_world_mm_train_S1_50fps.npz")
    for key in sequences:
        world = poses[key][:frames].astype(np.float64)
        joints = (world - np.array(camera["T"])) @ np.array(camera["R_w2c"]).T
        print(f"\nH36M {key}, camera 54138969, {len(joints)} frames")
        round_trip(store_of_track(joints, 50.0), "50 fps")


def cmu_as_h36m(path: Path, frames: int) -> np.ndarray:
    """The first ``frames`` of a CMU (MotionBuilder naming) BVH as H36M-17 joints, camera frame, mm.

    Positions by bvhio's forward kinematics. bvhio reads a whole clip slowly, so a prefix is
    copied to a temporary file first.
    """
    source = Path(path).read_text().splitlines()
    motion = source.index("MOTION")
    with tempfile.TemporaryDirectory() as folder:
        trimmed = Path(folder) / Path(path).name
        trimmed.write_text("\n".join(source[:motion] + ["MOTION", f"Frames: {frames}", source[motion + 2]]
                                     + source[motion + 3:motion + 3 + frames]) + "\n")
        read = world_positions(trimmed)
    picked = np.stack([read.positions[:, read.names.index(name)] for name in CMU_TO_H36M], 1)
    joints = np.zeros_like(picked)
    joints[:, [H36M17.index(h) for h in CMU_TO_H36M.values()]] = picked
    return joints * CMU_UNIT_MM @ CAMERA_TO_BVH.T


def cmu_report(frames: int) -> None:
    joints = cmu_as_h36m(shared_data_dir() / "cmu_bvh" / "01_01.bvh", frames)
    print(f"\nCMU 01_01 (first {frames} frames), positions by bvhio FK, mapped to H36M-17")
    round_trip(store_of_track(joints, 120.0), "120 fps")


def camera_view(height_cm: float):
    """Perspective from where the video's camera stood (0, height, 0), looking level down -Z."""
    return lambda p: np.stack([p[..., 0], p[..., 1] - height_cm], -1) / -p[..., 2:3]


def side_view(p: np.ndarray) -> np.ndarray:
    """From +X: depth across, height up."""
    return np.stack([-p[..., 2], p[..., 1]], -1)



def _draw_row(people: list, times: np.ndarray, project, height: int, follow: bool) -> np.ndarray:
    """One panel per time with every person's bones: the whole clip's extent, or (``follow``)
    centred on the first person at each time and scaled to them."""
    everything = project(np.concatenate([read.positions.reshape(-1, 3) for _, read in people]))
    low, high = np.percentile(everything, 1, axis=0), np.percentile(everything, 99, axis=0)
    if follow:
        body = project(people[0][1].positions)  # (F, J, 2)
        extent = np.full(2, np.percentile(np.ptp(body, axis=1).max(axis=1), 95) * 1.5)
    else:
        extent = np.maximum(high - low, 1e-6) * 1.2
    width = int(np.clip(height * extent[0] / extent[1], height // 2, height * 2))
    scale = min(width / extent[0], height / extent[1])
    panels = []
    for t in times:
        canvas = np.full((height, width, 3), 255, np.uint8)
        first, read = people[0]
        k = int(np.clip(t - first.first_frame, 0, first.frames - 1))
        centre = project(read.positions[k]).mean(axis=0) if follow else (low + high) / 2
        for written, read in people:
            k = t - written.first_frame
            if not 0 <= k < written.frames:
                continue
            xy = (project(read.positions[k]) - centre) * scale
            pixels = np.round(np.stack([width / 2 + xy[:, 0], height / 2 - xy[:, 1]], 1)).astype(int)
            color = tuple(int(c) for c in track_color(written.track_id)[::-1])
            for child, parent in enumerate(read.parents):
                if parent >= 0:
                    cv2.line(canvas, tuple(pixels[parent]), tuple(pixels[child]), color, 2, cv2.LINE_AA)
        cv2.putText(canvas, f"frame {t}", (8, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.rectangle(canvas, (0, 0), (width - 1, height - 1), (200, 200, 200), 1)
        panels.append(canvas)
    return np.concatenate(panels, 1)


def render(store_path: Path, out: Path, panels: int, height: int) -> None:
    """Stick figures of a few frames of every person's BVH, drawn from the files read back by bvhio.

    Top row: everybody, seen from where the video's camera stood (levelled). Below: the longest-tracked person up
    close, from the camera and from the side (+X), so uprightness and proportions show.
    """
    store = ResultsStore.load(store_path)
    with tempfile.TemporaryDirectory() as folder:
        result = export_bvh(store, folder)
        people = [(w, world_positions(w.path)) for w in result.written]
    longest = max(people, key=lambda p: p[0].frames)
    start = longest[0].first_frame
    times = np.linspace(start, start + longest[0].frames - 1, panels).round().astype(int)
    camera = camera_view(result.axes.camera_height_mm / MM_PER_UNIT)
    rows = [_draw_row(people, times, camera, height, follow=False),
            _draw_row([longest], times, camera, height, follow=True),
            _draw_row([longest], times, side_view, height, follow=True)]
    width = max(r.shape[1] for r in rows)
    picture = np.concatenate([np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255)
                              for r in rows], 0)
    out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), picture)
    print(f"wrote {out}: {len(people)} files, person {longest[0].track_id} up close, frames {times.tolist()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    h36m = sub.add_parser("h36m")
    h36m.add_argument("--frames", type=int, default=1000)
    h36m.add_argument("--sequences", nargs="+", default=["S1/Walking", "S1/Sitting 1", "S1/Greeting", "S1/Photo"])
    cmu = sub.add_parser("cmu")
    cmu.add_argument("--frames", type=int, default=1200)
    own = sub.add_parser("store")
    own.add_argument("store", type=Path)
    own.add_argument("--frame-step", type=int, default=1)
    picture = sub.add_parser("render")
    picture.add_argument("store", type=Path)
    picture.add_argument("out", type=Path)
    picture.add_argument("--panels", type=int, default=4)
    picture.add_argument("--height", type=int, default=320)
    args = parser.parse_args()
    if args.command == "h36m":
        h36m_report(args.sequences, args.frames)
    elif args.command == "cmu":
        cmu_report(args.frames)
    elif args.command == "store":
        store = ResultsStore.load(args.store)
        round_trip(store, f"{store.fps:g} fps, every {args.frame_step}. frame", args.frame_step)
    else:
        render(args.store, args.out, args.panels, args.height)


if __name__ == "__main__":
    main()
