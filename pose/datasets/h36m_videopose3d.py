"""Human3.6M in the VideoPose3D layout, with frames extracted to images.

Expected under ``DATASET.ROOT``:

* ``data_3d_h36m.npz`` with ``positions_3d``: ``{subject: {action: (N, 32, 3) world metres}}``
  (VideoPose3D's ``prepare_data_h36m.py`` output; a pickled dict, read with the restricted unpickler);
* ``images/<S>/<S>_<Action_with_underscores>.<camera_id>/<S>_<Action…>.<camera_id>_<frame+1:06d>.jpg``,
  the convention of mmpose's ``preprocess_h36m.py`` (e.g.
  ``images/S1/S1_Directions_1.54138969/S1_Directions_1.54138969_000001.jpg`` is mocap row 0);
* cameras in ``DATASET.CAMERAS`` (see :mod:`pose.datasets.h36m_cameras`).

Frames are taken every ``FRAME_STRIDE`` mocap rows (10 → the seed's 5 Hz). 2D targets are the
pinhole projection of the camera-frame joints, so that back-projection at evaluation is exact; the
crop is the seed's 2000 mm box around the pelvis.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pose.datasets.h36m_cameras import load_h36m_cameras
from pose.datasets.safe_pickle import load_npz_object
from pose.datasets.sample import DatasetError, PoseSample, project, root_box

# The 17 of VideoPose3D's 32 joints that form H36M-17 (the joints its remove_joints() keeps).
H36M32_TO_17 = np.array([0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27])


def image_path(root: Path, subject: str, action: str, camera_id: str, frame: int) -> Path:
    """Where frame ``frame`` (0-based mocap row) of a sequence is expected on disk."""
    stem = f"{subject}_{action.replace(' ', '_')}.{camera_id}"
    return root / "images" / subject / stem / f"{stem}_{frame + 1:06d}.jpg"


def load_videopose3d_h36m(root: str | Path, cameras_file: str | Path, subjects: list[str],
                          frame_stride: int = 10, rect_mm: float = 2000.0) -> list[PoseSample]:
    """Samples for ``subjects`` × every camera × every ``frame_stride``-th frame."""
    root = Path(root)
    positions_file = root / "data_3d_h36m.npz"
    if not positions_file.is_file():
        raise DatasetError(f"VideoPose3D layout needs {positions_file}")
    try:
        positions = load_npz_object(positions_file, "positions_3d")
    except (KeyError, ValueError) as err:
        raise DatasetError(str(err)) from err
    if not isinstance(positions, dict):
        raise DatasetError(f"{positions_file}: positions_3d should hold a dict subject → action → array")
    cameras = load_h36m_cameras(cameras_file)
    samples = []
    for subject in subjects:
        if subject not in positions:
            raise DatasetError(f"{positions_file}: no subject {subject!r} (has {sorted(positions)})")
        for action, world in sorted(positions[subject].items()):
            world = np.asarray(world, np.float64)
            if world.ndim != 3 or world.shape[1:] not in ((32, 3), (17, 3)):
                raise DatasetError(f"{positions_file}: {subject}/{action} has shape {world.shape}, "
                                   "expected (N, 32, 3) or (N, 17, 3)")
            world = (world[:, H36M32_TO_17] if world.shape[1] == 32 else world)[::frame_stride] * 1000.0
            for (cam_subject, cam_id), camera in sorted(cameras.items()):
                if cam_subject != subject:
                    continue
                cam_joints = camera.world_to_camera(world)
                uv = project(cam_joints, camera.focal, camera.principal)
                for row in range(len(world)):
                    center, size = root_box(cam_joints[row, 0], camera.focal, camera.principal, rect_mm)
                    samples.append(PoseSample(
                        image=image_path(root, subject, action, cam_id, row * frame_stride),
                        center=center, size=size, joints_2d=uv[row],
                        visible=np.ones(len(uv[row]), np.float32), sequence=f"{subject}/{action}",
                        depth=cam_joints[row, :, 2] - cam_joints[row, 0, 2], joints_cam=cam_joints[row],
                        focal=camera.focal, principal=camera.principal))
    if not samples:
        raise DatasetError(f"{positions_file}: no frames for subjects {subjects} with cameras in {cameras_file}")
    return samples
