import cv2
import numpy as np
import pytest

from common.sources import (CameraUnavailableError, EmptySourceError, ImageFolderSource,
                            NotAVideoError, SourceNotFoundError, TruncatedVideoError,
                            VideoFileSource, open_source)
from tests.media_fixtures import frame_pattern, write_mjpg_avi, write_mp4


def test_video_file_yields_rgb_frames_with_index_and_time(tmp_path):
    path = write_mp4(tmp_path / "clip.mp4", frames=12, fps=10)
    with open_source(str(path)) as source:
        assert isinstance(source, VideoFileSource)
        assert source.fps == pytest.approx(10.0)
        assert source.frame_count == 12
        frames = list(source)
    assert [f.index for f in frames] == list(range(12))
    assert frames[5].timestamp == pytest.approx(0.5)
    assert frames[0].image.shape == (64, 96, 3) and frames[0].image.dtype == np.uint8
    # RGB, not BGR: frame 0 is blue-dominant by construction.
    assert frames[0].image[..., 2].mean() > frames[0].image[..., 0].mean() + 100


def test_random_access_matches_sequential_decoding(tmp_path):
    path = write_mp4(tmp_path / "clip.mp4", frames=12)
    with VideoFileSource(path) as source:
        sequential = [f.image for f in source]
        picked = source.read_frame(7)
        with pytest.raises(IndexError):
            source.read_frame(12)
    assert picked.index == 7
    assert np.abs(picked.image.astype(int) - sequential[7]).mean() < 1.0


def test_missing_path_and_non_video_are_named(tmp_path):
    with pytest.raises(SourceNotFoundError, match="not found"):
        open_source(str(tmp_path / "nope.mp4"))
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    with pytest.raises(NotAVideoError, match="not a readable video"):
        open_source(str(text))


def test_zero_frame_video_is_reported_empty(tmp_path):
    empty = tmp_path / "empty.avi"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"MJPG"), 10, (96, 64))
    writer.release()
    with pytest.raises((EmptySourceError, NotAVideoError)) as info:
        open_source(str(empty))
    assert "empty.avi" in str(info.value)


def test_truncated_video_raises_after_the_good_frames(tmp_path):
    path = write_mjpg_avi(tmp_path / "clip.avi", frames=40)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    source = open_source(str(path))
    decoded = []
    with pytest.raises(TruncatedVideoError, match="truncated"):
        for frame in source:
            decoded.append(frame.index)
    assert 5 < len(decoded) < 40


def test_no_camera_at_index():
    with pytest.raises(CameraUnavailableError, match="no camera at index 97"):
        open_source(97)


def test_image_folder_and_glob_sorted_by_name(tmp_path):
    for i in (2, 0, 1):
        cv2.imwrite(str(tmp_path / f"img_{i:03d}.png"), cv2.cvtColor(frame_pattern(i), cv2.COLOR_RGB2BGR))
    grey = (np.arange(64 * 96) % 256).astype(np.uint8).reshape(64, 96)
    cv2.imwrite(str(tmp_path / "img_003.png"), grey)
    folder = open_source(str(tmp_path))
    assert isinstance(folder, ImageFolderSource) and folder.frame_count == 4
    images = [f.image for f in folder]
    np.testing.assert_array_equal(images[1], frame_pattern(1))
    assert images[3].shape == (64, 96, 3)  # grey became RGB
    assert open_source(str(tmp_path / "img_00[01].png")).frame_count == 2
    assert open_source(str(tmp_path / "img_001.png")).frame_count == 1


def test_empty_folder_is_reported(tmp_path):
    with pytest.raises(EmptySourceError, match="no images"):
        open_source(str(tmp_path))
