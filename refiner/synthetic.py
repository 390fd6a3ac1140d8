"""A tiny Human3.6M-like dataset (random skeletons, one camera rig) for tests and smoke runs.

Written in exactly the layout of ``shared/data/h36m`` so the real loaders, training and
evaluation code run on it unchanged, without the licensed data.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from refiner.camera import Camera

# Standing H36M-17 template, world mm, z up (pelvis 950 mm above the floor).
TEMPLATE = np.array([
    [0, 0, 950], [-130, 0, 950], [-130, 0, 500], [-130, 0, 50], [130, 0, 950], [130, 0, 500], [130, 0, 50],
    [0, 0, 1180], [0, 0, 1430], [0, -20, 1550], [0, 0, 1665], [150, 0, 1430], [150, 0, 1150], [150, 0, 900],
    [-150, 0, 1430], [-150, 0, 1150], [-150, 0, 900]], dtype=np.float64)

# Camera 5 m in front of the origin looking along world +y (camera y = world −z).
CAMERA = Camera("54138969", np.array([[1.0, 0, 0], [0, 0, -1.0], [0, 1.0, 0]]), np.array([0.0, -5000.0, 900.0]),
                np.array([1145.0, 1144.0]), np.array([512.0, 515.0]), np.array([-0.2, 0.24, -0.003]),
                np.array([-0.0014, -0.001]), 1000, 1002)
CAMERA_IDS = ("54138969", "55011271")


def random_poses(n: int, seed: int = 0, jitter_mm: float = 60.0) -> np.ndarray:
    """``(n, 17, 3)`` world-mm poses: the template turned about the vertical axis, joints jittered."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(-np.pi, np.pi, n)
    c, s = np.cos(angle), np.sin(angle)
    rot = np.zeros((n, 3, 3))
    rot[:, 0, 0], rot[:, 0, 1], rot[:, 1, 0], rot[:, 1, 1], rot[:, 2, 2] = c, -s, s, c, 1
    centred = TEMPLATE - TEMPLATE[0]
    poses = np.einsum("nij,kj->nki", rot, centred) + TEMPLATE[0]
    return poses + rng.normal(0, jitter_mm, poses.shape)


def _camera_json(cam: Camera, h5_group: str) -> dict:
    return {"R_w2c": cam.R_w2c.tolist(), "T": cam.T.tolist(), "f": cam.f.tolist(), "c": cam.c.tolist(),
            "k": cam.k.tolist(), "p": cam.p.tolist(), "width": cam.width, "height": cam.height, "h5_group": h5_group}


def make_dataset(root: str | Path, subjects: tuple[str, ...] = ("S1", "S8"), frames: int = 40, seed: int = 0,
                 jitter_mm: float = 60.0) -> Path:
    """Write mocap npz per subject, an SH-style detections npz and a camera json under ``root``."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    second = Camera(CAMERA_IDS[1], CAMERA.R_w2c @ np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]]),
                    np.array([5000.0, 0.0, 900.0]), CAMERA.f, CAMERA.c, CAMERA.k, CAMERA.p, 1000, 1000)
    cams = {s: {CAMERA.id: _camera_json(CAMERA, "c1"), second.id: _camera_json(second, "c2")} for s in subjects}
    (root / "cams.json").write_text(json.dumps({"_doc": {"convention": "synthetic"}, **cams}))
    detections = {}
    sh_order = np.array([3, 2, 1, 4, 5, 6, 0, 7, 8, 10, 16, 15, 14, 11, 12, 13])  # H36M index of each SH joint
    for i, subject in enumerate(subjects):
        seqs = {f"{subject}/Walking 1": random_poses(frames, seed + 2 * i, jitter_mm).astype(np.float32),
                f"{subject}/Eating": random_poses(frames, seed + 2 * i + 1, jitter_mm).astype(np.float32)}
        np.savez(root / f"mocap_{subject.lower()}.npz", **seqs)
        for key, world in seqs.items():
            for cam in (CAMERA, second):
                uv = cam.project(cam.world_to_camera(world[::5]))
                detections[f"{key}/{cam.id}"] = uv[:, sh_order].astype(np.float32)
    np.savez(root / "detections.npz", **detections)
    return root
