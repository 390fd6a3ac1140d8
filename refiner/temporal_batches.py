"""Batches of augmented training windows for the temporal lifter, shared by training
(refiner.train_temporal) and test-time adaptation (refiner.adapt).

Windows are drawn "one output per window": random output frames, a random temporal stride (speed /
frame-rate augmentation around the model's 25 Hz), sometimes cut short as at a track's start or
end, then the single-frame refiner's augmentations per window (mirror, input style, masked joints).
"""
from __future__ import annotations

import torch

from refiner.augment import FLIP, MIRROR_X, apply_styles, drop_joints, style_rows
from refiner.temporal_training_data import TrackSet
from refiner.temporal_windows import NUM_JOINTS, mirror, window_features

FRAME_FEATURES = NUM_JOINTS * 3  # a window frame's (x, y, visible) features; the motion features follow


def draw_frames(tracks: TrackSet, n: int, generator: torch.Generator) -> torch.Tensor:
    return torch.randint(0, len(tracks), (n,), generator=generator)


def batch_windows(tracks: TrackSet, frames: torch.Tensor, model: torch.nn.Module, aug: dict,
                  generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
    """Augmented window features ``(B, T, F)``, viewing-frame targets ``(B, 17, 3)`` mm and each
    window's input style (``{style: (B,) mask}``)."""
    b, rf = len(frames), model.receptive_field
    choices = torch.tensor([int(k) for k in aug["strides"]])
    probs = torch.tensor([float(p) for p in aug["strides"].values()])
    strides = choices[torch.multinomial(probs, b, replacement=True, generator=generator)]
    cut = torch.rand(b, generator=generator) < aug.get("truncate", 0.0)
    keep_before = torch.where(cut, torch.randint(0, rf, (b,), generator=generator), torch.full((b,), rf))
    keep_after = None
    if not model.causal:
        cut_after = torch.rand(b, generator=generator) < aug.get("truncate", 0.0)
        keep_after = torch.where(cut_after, torch.randint(0, rf, (b,), generator=generator), torch.full((b,), rf))
    j2, vis = tracks.windows(frames, strides, rf, model.causal, keep_before, keep_after)
    target = tracks.target[frames]
    flipped = torch.rand(b, generator=generator) < aug.get("flip", 0.0)
    mj, mv = mirror(j2, vis)
    j2 = torch.where(flipped[:, None, None, None], mj, j2)
    vis = torch.where(flipped[:, None, None], mv, vis)
    target = torch.where(flipped[:, None, None], target[:, FLIP] * MIRROR_X, target)
    detected = tracks.detected[frames]
    rows = {s: m & ~detected for s, m in style_rows(b, aug["style_probs"], generator).items()}
    rows["sh"] = rows.get("sh", torch.zeros_like(detected)) | detected
    flat = {s: m.repeat_interleave(rf) for s, m in rows.items()}
    j2, vis = apply_styles(j2.reshape(-1, 17, 2), vis.reshape(-1, 17), flat)
    vis = drop_joints(vis, aug.get("joint_dropout", 0.0), generator)
    features, _ = window_features(j2.view(b, rf, 17, 2), vis.view(b, rf, 17), model.output_index)
    return features, target, rows


Source = tuple[TrackSet, float, dict]  # tracks, share of the batch, augmentation


def mixed_batch(sources: list[Source], n: int, model: torch.nn.Module, generator: torch.Generator
                ) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
    """``n`` windows drawn from several track sets by their shares (the last takes the rounding)."""
    parts, left = [], n
    for i, (tracks, share, aug) in enumerate(sources):
        k = left if i == len(sources) - 1 else min(left, int(round(n * share)))
        left -= k
        if k:
            parts.append(batch_windows(tracks, draw_frames(tracks, k, generator), model, aug, generator))
    features, target = torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])
    styles = {s for p in parts for s in p[2]}
    rows = {s: torch.cat([p[2].get(s, torch.zeros(len(p[0]), dtype=torch.bool)) for p in parts]) for s in styles}
    return features, target, rows
