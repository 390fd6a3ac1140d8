"""Rendered stick figures with known 3D, written in the seed's Human3.6M layout.

A tiny, licence-free stand-in for Human3.6M: random H36M-17 poses (forward kinematics over the
skeleton with random joint rotations and a random heading), placed in front of a pinhole camera,
projected and drawn with one colour per bone so that left and right are distinguishable. Used by
the tests (overfitting, loaders) and for end-to-end smoke runs of ``pose.train``/``pose.eval``:

    python -m pose.datasets.stick_figures --out runs/stick_h36m --train 64 --valid 16
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from scipy.spatial.transform import Rotation

from common.skeleton import H36M17

# Standing rest pose, mm, camera axes (x right, y down, z away from the camera), subject facing it.
REST_POSE = np.array([
    [0, 0, 0], [-130, 0, 0], [-130, 445, 0], [-130, 895, 0], [130, 0, 0], [130, 445, 0], [130, 895, 0],
    [0, -235, 0], [0, -490, 0], [0, -610, -60], [0, -720, 0], [150, -480, 0], [160, -200, 0],
    [160, 50, 0], [-150, -480, 0], [-160, -200, 0], [-160, 50, 0]], np.float64)
LIMB_JOINTS = {2, 3, 5, 6, 12, 13, 15, 16}  # joints whose bone swings freely
BONE_COLOURS = np.array([[230, 25, 75], [245, 130, 48], [255, 225, 25], [60, 180, 75], [70, 240, 240],
                         [0, 130, 200], [145, 30, 180], [240, 50, 230], [210, 245, 60], [250, 190, 212],
                         [0, 128, 128], [170, 110, 40], [128, 0, 0], [255, 255, 255], [128, 128, 0],
                         [0, 0, 128]], np.uint8)


def random_pose(rng: np.random.Generator) -> np.ndarray:
    """Root-centred ``(17, 3)`` mm: rest pose bent at every joint, then turned about the vertical."""
    local = {j: Rotation.from_rotvec(rng.normal(0, 0.6 if j in LIMB_JOINTS else 0.15, 3)) for j in range(1, 17)}
    world_rot = {0: Rotation.identity()}
    pose = np.zeros_like(REST_POSE)
    for j in range(1, 17):
        parent = H36M17.parents[j]
        world_rot[j] = world_rot[parent] * local[j]
        pose[j] = pose[parent] + world_rot[j].apply(REST_POSE[j] - REST_POSE[parent])
    return Rotation.from_euler("y", rng.uniform(0, 2 * np.pi)).apply(pose)


def render(uv: np.ndarray, image_size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw the projected skeleton on a noisy grey background (RGB uint8)."""
    image = np.clip(rng.normal(100, 20, (image_size, image_size, 3)), 0, 255).astype(np.uint8)
    thickness = max(1, image_size // 64)
    for bone, (parent, child) in enumerate(H36M17.bones):
        a, b = (tuple(int(round(v)) for v in uv[i]) for i in (parent, child))
        cv2.line(image, a, b, tuple(int(c) for c in BONE_COLOURS[bone]), thickness, cv2.LINE_AA)
    return image


def make_records(count: int, image_size: int, rng: np.random.Generator, image_dir: Path, prefix: str,
                 rect_mm: float = 2000.0) -> list[dict]:
    """Render ``count`` figures into ``image_dir`` and return their seed-layout records."""
    focal = np.array([4.0, 4.0]) * image_size
    principal = np.array([image_size / 2.0, image_size / 2.0])
    records = []
    for i in range(count):
        root = np.array([rng.uniform(-300, 300), rng.uniform(-200, 200), rng.uniform(8500, 10000)])
        cam = random_pose(rng) + root
        uv = cam[:, :2] / cam[:, 2:] * focal + principal
        name = f"{prefix}/{prefix}_{i:06d}.jpg"
        (image_dir / prefix).mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(image_dir / name), cv2.cvtColor(render(uv, image_size, rng), cv2.COLOR_RGB2BGR),
                    [cv2.IMWRITE_JPEG_QUALITY, 95])
        center = root[:2] / root[2] * focal + principal
        side = rect_mm * focal.mean() / root[2]
        records.append({
            "image": name, "center_x": center[0], "center_y": center[1], "width": side, "height": side,
            "joints_3d": np.column_stack([uv, cam[:, 2] - root[2]]).tolist(),
            "joints_3d_vis": np.ones((17, 3)).tolist(), "fl": focal.tolist(), "c_p": principal.tolist(),
            "pelvis": root.tolist(), "action": ["Walking", "Sitting"][i % 2]})
    return records


def write_stick_figure_dataset(root: str | Path, n_train: int, n_valid: int, image_size: int = 256,
                               seed: int = 0) -> Path:
    """Write ``annot/train_5hz.json``, ``annot/valid_5hz.json`` and ``images/`` under ``root``."""
    root = Path(root)
    rng = np.random.default_rng(seed)
    (root / "annot").mkdir(parents=True, exist_ok=True)
    for image_set, count, prefix in (("train_5hz", n_train, "s_01_act_14_subact_01_ca_01"),
                                     ("valid_5hz", n_valid, "s_09_act_14_subact_01_ca_01")):
        records = make_records(count, image_size, rng, root / "images", prefix)
        (root / "annot" / f"{image_set}.json").write_text(json.dumps(records))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--train", type=int, default=64)
    parser.add_argument("--valid", type=int, default=16)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(write_stick_figure_dataset(args.out, args.train, args.valid, args.size, args.seed))


if __name__ == "__main__":
    main()
