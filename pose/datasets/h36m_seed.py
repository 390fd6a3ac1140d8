"""Human3.6M in the seed's layout: ``<root>/annot/<set>.{pkl,npz,json}`` + ``<root>/images/…``.

The seed (after EpipolarPose / Integral Human Pose) pickles a list of per-image records:
``image`` (path relative to ``<root>/images``), ``center_x``, ``center_y``, ``width``, ``height``
(the projected 2000 mm box around the pelvis), ``joints_3d`` (J×3: u px, v px, depth minus the
root's depth in mm), ``joints_3d_vis`` (J×3), ``fl`` and ``c_p`` (intrinsics, px), ``pelvis``
(root in camera mm) and ``action`` (name or H36M action id). The same records are accepted as
JSON (a list of objects) or NPZ (one stacked array per key), which need no pickle at all.
Ground-truth camera-frame joints are rebuilt by pinhole back-projection, as the seed evaluates.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from pose.datasets.safe_pickle import load_pickle
from pose.datasets.sample import DatasetError, PoseSample, back_project

REQUIRED_KEYS = ("image", "center_x", "center_y", "width", "height", "joints_3d", "joints_3d_vis",
                 "fl", "c_p", "pelvis")

# Human3.6M action ids (as in 's_09_act_02_subact_01_ca_01') → the action names used in tables.
H36M_ACTIONS = {2: "Directions", 3: "Discussion", 4: "Eating", 5: "Greeting", 6: "Phoning",
                7: "Posing", 8: "Purchases", 9: "Sitting", 10: "SittingDown", 11: "Smoking",
                12: "Photo", 13: "Waiting", 14: "Walking", 15: "WalkDog", 16: "WalkTogether"}


def annotation_file(root: Path, image_set: str) -> Path:
    """The first of ``annot/<set>.json``, ``.npz``, ``.pkl`` that exists (pickle last)."""
    for suffix in (".json", ".npz", ".pkl"):
        candidate = root / "annot" / f"{image_set}{suffix}"
        if candidate.is_file():
            return candidate
    raise DatasetError(f"no annotations for set {image_set!r}: expected {root / 'annot' / image_set}"
                       ".{json,npz,pkl} (seed layout, see docs/seresnet.md)")


def _read_records(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".json":
        records = json.loads(path.read_text())
    elif path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as arrays:
            columns = {k: arrays[k] for k in arrays.files}
        lengths = {len(v) for v in columns.values()}
        if len(lengths) != 1:
            raise DatasetError(f"{path}: arrays differ in length ({lengths}); expected one row per record")
        records = [{k: v[i] for k, v in columns.items()} for i in range(lengths.pop())]
    else:
        try:
            records = load_pickle(path)
        except ValueError as err:
            raise DatasetError(str(err)) from err
    if isinstance(records, dict) and all(isinstance(k, int) for k in records):
        records = [r for cam in sorted(records) for r in records[cam]]  # per-camera dict variant
    if not isinstance(records, list):
        raise DatasetError(f"{path}: expected a list of per-image records, got {type(records).__name__}")
    return records


def _action_of(record: dict[str, Any], image: str) -> str:
    action = record.get("action")
    if isinstance(action, (int, np.integer)) and int(action) in H36M_ACTIONS:
        return H36M_ACTIONS[int(action)]
    if isinstance(action, str) and action:
        return action
    parts = Path(image).parent.name.split("_")  # s_09_act_02_subact_01_ca_01
    if "act" in parts:
        return H36M_ACTIONS.get(int(parts[parts.index("act") + 1]), "unknown")
    return "unknown"


def _subject_of(image: str) -> str:
    parts = Path(image).parent.name.split("_")
    return f"S{int(parts[1])}" if len(parts) > 1 and parts[0] == "s" and parts[1].isdigit() else ""


def load_seed_h36m(root: str | Path, image_set: str) -> list[PoseSample]:
    """Read one split of the seed's Human3.6M annotations into samples."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"Human3.6M root not found: {root}")
    path = annotation_file(root, image_set)
    samples = []
    for index, record in enumerate(_read_records(path)):
        if not isinstance(record, dict):
            raise DatasetError(f"{path}: record {index} is {type(record).__name__}, expected a mapping")
        missing = [k for k in REQUIRED_KEYS if k not in record]
        if missing:
            raise DatasetError(f"{path}: record {index} lacks key(s) {missing}")
        image = str(record["image"])
        joints = np.asarray(record["joints_3d"], np.float64)
        vis = np.asarray(record["joints_3d_vis"], np.float64)
        if joints.ndim != 2 or joints.shape[1] != 3 or vis.shape[0] != joints.shape[0]:
            raise DatasetError(f"{path}: record {index} joints_3d has shape {joints.shape}, expected (J, 3)")
        focal = np.asarray(record["fl"], np.float64).reshape(-1)[:2]
        principal = np.asarray(record["c_p"], np.float64).reshape(-1)[:2]
        root_depth = float(np.asarray(record["pelvis"], np.float64).reshape(-1)[2])
        subject = _subject_of(image)
        action = _action_of(record, image)
        samples.append(PoseSample(
            image=root / "images" / image,
            center=np.array([record["center_x"], record["center_y"]], np.float64).reshape(2),
            size=float(max(np.asarray(record["width"]).item(), np.asarray(record["height"]).item())),
            joints_2d=joints[:, :2].copy(),
            visible=(vis.reshape(len(joints), -1)[:, 0] > 0).astype(np.float32),
            sequence=f"{subject}/{action}" if subject else action,
            depth=joints[:, 2] - joints[0, 2],
            joints_cam=back_project(joints[:, :2], joints[:, 2] - joints[0, 2] + root_depth, focal, principal),
            focal=focal, principal=principal))
    if not samples:
        raise DatasetError(f"{path}: no records")
    return samples
