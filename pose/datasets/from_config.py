"""Choose and read the dataset a config names (``DATASET.LAYOUT``), for training or testing."""
from __future__ import annotations

from pose.datasets.h36m_mmpose import load_mmpose_h36m
from pose.datasets.h36m_seed import load_seed_h36m
from pose.datasets.h36m_videopose3d import load_videopose3d_h36m
from pose.datasets.mpii import load_mpii
from pose.datasets.sample import DatasetError, PoseSample

LAYOUTS = ("seed", "videopose3d", "mmpose")


def load_split(dataset_cfg: dict, train: bool) -> list[PoseSample]:
    """Human3.6M samples of the training or test split, plus MPII (train only) when configured."""
    d = dataset_cfg
    layout = d["LAYOUT"]
    image_set = d["TRAIN_SET"] if train else d["TEST_SET"]
    if layout == "seed":
        samples = load_seed_h36m(d["ROOT"], image_set)
    elif layout == "videopose3d":
        if not d["CAMERAS"]:
            raise DatasetError("DATASET.CAMERAS must name a cameras JSON for the videopose3d layout")
        subjects = d["TRAIN_SUBJECTS"] if train else d["TEST_SUBJECTS"]
        samples = load_videopose3d_h36m(d["ROOT"], d["CAMERAS"], subjects, d["FRAME_STRIDE"], d["RECT_3D_SIZE"])
    elif layout == "mmpose":
        samples = load_mmpose_h36m(d["ROOT"], image_set)
    else:
        raise DatasetError(f"DATASET.LAYOUT must be one of {LAYOUTS}, got {layout!r}")
    if train and d["MPII_ROOT"]:
        samples = samples + load_mpii(d["MPII_ROOT"], "train")
    return samples
