import numpy as np

from common.types import Poses2D, Poses3D
from pipeline.placement import RootPlacer, focal_from_fov


def _project(points, focal, centre):
    return focal * points[..., :2] / points[..., 2:3] + np.asarray(centre)


def test_root_is_recovered_from_an_exact_projection():
    rng = np.random.default_rng(0)
    joints = rng.normal(scale=250, size=(3, 17, 3))
    joints -= joints[:, :1]
    roots = np.array([[-800.0, 100.0, 4000.0], [300.0, -50.0, 6500.0], [1500.0, 200.0, 9000.0]])
    width, height = 768, 576
    focal = focal_from_fov(width, 60)
    uv = _project(joints + roots[:, None], focal, (width / 2, height / 2))
    from refiner.viewing_frame import to_viewing_frame
    rays = (joints + roots[:, None])[:, 0] / np.linalg.norm(roots, axis=1, keepdims=True)
    viewed = to_viewing_frame(joints + roots[:, None], rays)  # what the lifter predicts
    placed = RootPlacer(fov_deg=60).place(Poses3D(viewed), Poses2D(uv, np.ones((3, 17)), "h36m17"),
                                          (width, height))
    np.testing.assert_allclose(placed.root, roots, rtol=1e-3)
    np.testing.assert_allclose(placed.joints, joints, atol=1e-2)  # back in the camera frame


def test_too_few_confident_joints_give_no_root():
    joints = np.random.default_rng(1).normal(scale=250, size=(1, 17, 3))
    scores = np.zeros((1, 17))
    scores[0, :3] = 0.9
    placed = RootPlacer().place(Poses3D(joints), Poses2D(np.zeros((1, 17, 2)), scores, "h36m17"), (640, 480))
    assert np.isnan(placed.root).all()
