"""Synthetic occlusion (Sárándi et al. 2018): paste Pascal VOC object cut-outs over training crops.

Occluders are the segmented, non-person, non-truncated, non-difficult objects of VOC 2012
(``Annotations/*.xml`` + ``SegmentationObject/*.png`` + ``JPEGImages/*.jpg``), cut with their masks
and stored as RGBA at half resolution, as in the reference implementation.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm


def load_voc_occluders(voc_root: str | Path, limit: int | None = None) -> list[np.ndarray]:
    """RGBA occluders cut from a VOC 2012 root; empty when ``voc_root`` is empty or absent."""
    voc_root = Path(voc_root) if voc_root else None
    if voc_root is None or not (voc_root / "Annotations").is_dir():
        return []
    occluders: list[np.ndarray] = []
    segmented = sorted((voc_root / "SegmentationObject").glob("*.png"))
    for seg_path in tqdm(segmented[:limit], desc="VOC occluders", leave=False):
        tree = ET.parse(voc_root / "Annotations" / f"{seg_path.stem}.xml")
        labels = np.asarray(Image.open(seg_path))  # palette indices: object k has value k
        image = None
        for k, obj in enumerate(tree.findall("object"), start=1):
            if obj.findtext("name") == "person" or obj.findtext("truncated") == "1" or obj.findtext("difficult") == "1":
                continue
            box = obj.find("bndbox")
            x0, y0, x1, y1 = (int(float(box.findtext(t))) for t in ("xmin", "ymin", "xmax", "ymax"))
            mask = (labels[y0:y1, x0:x1] == k).astype(np.uint8) * 255
            if mask.sum() < 500 * 255:
                continue
            if image is None:
                image = cv2.cvtColor(cv2.imread(str(voc_root / "JPEGImages" / f"{seg_path.stem}.jpg")), cv2.COLOR_BGR2RGB)
            rgba = np.dstack([image[y0:y1, x0:x1], mask])
            occluders.append(cv2.resize(rgba, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    return occluders


def occlude(image: np.ndarray, occluders: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Alpha-blend 1–7 random occluders at random places and sizes onto an RGB crop."""
    out = image.astype(np.float32)
    height, width = image.shape[:2]
    image_scale = min(width, height) / 256.0
    for _ in range(rng.integers(1, 8)):
        occ = occluders[rng.integers(len(occluders))]
        factor = rng.uniform(0.2, 1.0) * image_scale
        occ = cv2.resize(occ, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)
        oh, ow = occ.shape[:2]
        if oh < 1 or ow < 1:
            continue
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        x0, y0 = int(cx - ow / 2), int(cy - oh / 2)
        ix0, iy0, ix1, iy1 = max(x0, 0), max(y0, 0), min(x0 + ow, width), min(y0 + oh, height)
        if ix1 <= ix0 or iy1 <= iy0:
            continue
        patch = occ[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0].astype(np.float32)
        alpha = patch[..., 3:] / 255.0
        out[iy0:iy1, ix0:ix1] = alpha * patch[..., :3] + (1 - alpha) * out[iy0:iy1, ix0:ix1]
    return out.astype(np.uint8)
