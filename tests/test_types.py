import numpy as np
import pytest

from common.types import Detections, FrameResult, Poses2D, Poses3D, Tracks


def test_shapes_are_checked_where_made():
    with pytest.raises(ValueError):
        Detections(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="length"):
        Detections(np.zeros((2, 4)), np.zeros(3))
    with pytest.raises(ValueError):
        Poses2D(np.zeros((2, 17, 3)), np.zeros((2, 17)), "coco17")
    with pytest.raises(ValueError):
        Poses3D(np.zeros((2, 16, 3)))
    with pytest.raises(ValueError, match="people"):
        FrameResult(0, 0.0, [1, 2], np.zeros((2, 4)), np.zeros(2),
                    poses2d=Poses2D(np.zeros((1, 17, 2)), np.zeros((1, 17)), "coco17"))


def test_empty_values_have_zero_length_and_right_dtypes():
    assert len(Detections.empty()) == 0
    tracks = Tracks.empty()
    assert len(tracks) == 0 and tracks.ids.dtype == np.int64
    result = FrameResult(3, 0.1, [], np.zeros((0, 4)), [])
    assert len(result) == 0 and result.boxes.shape == (0, 4)
