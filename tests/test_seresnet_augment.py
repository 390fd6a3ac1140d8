"""Synthetic occlusion from a (tiny, hand-made) Pascal VOC tree, and augmentation draws."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from pose.augment import sample_augmentation
from pose.augment_occlusion import load_voc_occluders, occlude

VOC_XML = """<annotation><filename>2007_000001.jpg</filename><segmented>1</segmented>
<object><name>person</name><truncated>0</truncated><difficult>0</difficult>
<bndbox><xmin>0</xmin><ymin>0</ymin><xmax>40</xmax><ymax>40</ymax></bndbox></object>
<object><name>chair</name><truncated>0</truncated><difficult>0</difficult>
<bndbox><xmin>50</xmin><ymin>50</ymin><xmax>110</xmax><ymax>110</ymax></bndbox></object>
</annotation>"""


def make_voc(root):
    for sub in ("Annotations", "SegmentationObject", "JPEGImages"):
        (root / sub).mkdir(parents=True)
    (root / "Annotations" / "2007_000001.xml").write_text(VOC_XML)
    labels = np.zeros((120, 120), np.uint8)
    labels[0:40, 0:40] = 1  # the person: must not become an occluder
    labels[55:105, 55:105] = 2  # the chair
    seg = Image.fromarray(labels, mode="P")
    seg.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0] + [0] * 759)
    seg.save(root / "SegmentationObject" / "2007_000001.png")
    image = np.zeros((120, 120, 3), np.uint8)
    image[..., 2] = 255  # pure blue in RGB
    cv2.imwrite(str(root / "JPEGImages" / "2007_000001.jpg"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))


def test_voc_occluders_are_masked_non_person_objects(tmp_path):
    make_voc(tmp_path)
    occluders = load_voc_occluders(tmp_path)
    assert len(occluders) == 1
    rgba = occluders[0]
    assert rgba.shape == (30, 30, 4)  # the 60 px chair box at half resolution
    inside = rgba[..., 3] > 200
    assert inside.mean() > 0.5 and (~inside).any()
    assert rgba[inside][:, 2].mean() > 200 and rgba[inside][:, 0].mean() < 60


def test_occlusion_changes_the_crop_and_absent_voc_turns_it_off(tmp_path):
    assert load_voc_occluders(tmp_path / "absent") == [] and load_voc_occluders("") == []
    make_voc(tmp_path)
    crop = np.full((64, 64, 3), 128, np.uint8)
    out = occlude(crop, load_voc_occluders(tmp_path), np.random.default_rng(0))
    assert out.shape == crop.shape and out.dtype == np.uint8 and (out != crop).any()


def test_augmentation_draws_stay_in_the_seed_ranges():
    rng = np.random.default_rng(0)
    draws = [sample_augmentation(rng, 0.25, 30.0, 0.6, 0.5, 0.2) for _ in range(500)]
    scales = np.array([d.scale for d in draws])
    rotations = np.array([d.rotation for d in draws])
    assert scales.min() >= 0.75 and scales.max() <= 1.25
    assert np.abs(rotations).max() <= 60 and 0.3 < (rotations == 0).mean() < 0.5
    assert 0.4 < np.mean([d.flip for d in draws]) < 0.6
    assert all(0.8 <= g <= 1.2 for d in draws for g in d.colour)
