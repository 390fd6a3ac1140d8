"""Windows of a track's 2D history for the temporal lifter: resampling to the model's frame rate and
per-frame features, identical at training, evaluation and in the pipeline.

Real tracks come at any frame rate (5–120 fps), with missed frames, so a window is not "the last T
frames" but the 2D at ``T`` instants ``MODEL_HZ`` apart, linearly interpolated between the track's
observations (a joint counts as observed at an instant when it is observed in both observations
around it). Instants before a track's first or after its last observation repeat that observation,
as VideoPose3D pads sequence edges. A causal window ends at the output instant and uses only
observations up to it.

Per frame the features are the single-frame refiner's (refiner.inputs.normalize_2d: pelvis-centred,
RMS-scaled ``(x, y, visible)``) plus three motion features: the frame's centre relative to the output
frame's, and the log of its scale relative to the output frame's (both in output-frame units), so the
network also sees how the person moves and approaches, which per-frame normalisation removes.
"""
from __future__ import annotations

import numpy as np
import torch

from refiner.augment import FLIP
from refiner.inputs import liftable, normalize_with_frame

MODEL_HZ = 25.0  # the temporal models' frame rate (H36M's 50 Hz mocap at stride 2 in training)
NUM_JOINTS = 17
MOTION_FEATURES = 3
FEATURES_PER_FRAME = NUM_JOINTS * 3 + MOTION_FEATURES
_MIRROR_2D = np.array([-1.0, 1.0], np.float32)


def window_offsets(receptive_field: int, causal: bool) -> np.ndarray:
    """Frame offsets (in model frames) of a window relative to its output frame."""
    if causal:
        return np.arange(-(receptive_field - 1), 1)
    half = receptive_field // 2
    return np.arange(-half, half + 1)


def resample(times: np.ndarray, joints2d: np.ndarray, visible: np.ndarray, query: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """2D of one track ``(N, 17, 2)`` observed at increasing ``times`` ``(N,)`` → its 2D at ``query``
    instants (any shape), linearly interpolated; outside the observed span the edge is repeated.

    Batched over tracks of equal length with a leading axis: ``times`` ``(B, N)``, ``joints2d``
    ``(B, N, 17, 2)``, ``visible`` ``(B, N, 17)``, ``query`` ``(B, ...)``."""
    times, query = np.asarray(times, np.float64), np.asarray(query, np.float64)
    if times.ndim == 1:
        out, vis = resample(times[None], np.asarray(joints2d)[None], np.asarray(visible)[None], query[None])
        return out[0], vis[0]
    if times.ndim != 2 or times.shape[1] == 0 or times.shape[:2] != np.shape(joints2d)[:2]:
        raise ValueError(f"need one time per observation, got {times.shape} times for {np.shape(joints2d)[:-2]} frames")
    if not np.all(np.diff(times, axis=1) > 0):
        raise ValueError("observation times must be strictly increasing")
    visible = np.asarray(visible, bool) & np.isfinite(joints2d).all(-1)
    joints = np.where(visible[..., None], joints2d, 0.0).astype(np.float32)
    q = query.reshape(len(times), -1)
    if len(times) == 1:
        right = np.searchsorted(times[0], q[0], side="left")[None]
    else:  # searchsorted per row, for the short histories of the live stage
        right = (times[:, None, :] < q[:, :, None]).sum(-1)
    right = np.clip(right, 0, times.shape[1] - 1)
    left = np.maximum(right - 1, 0)
    t_left, t_right = np.take_along_axis(times, left, 1), np.take_along_axis(times, right, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(t_right > t_left, (q - t_left) / (t_right - t_left), 1.0)
    w = np.clip(w, 0.0, 1.0).astype(np.float32)[..., None]
    j_left, j_right = (np.take_along_axis(joints, i[..., None, None], 1) for i in (left, right))
    v_left, v_right = (np.take_along_axis(visible, i[..., None], 1) for i in (left, right))
    out = j_left * (1 - w[..., None]) + j_right * w[..., None]
    vis = np.where(w >= 1, v_right, np.where(w <= 0, v_left, v_left & v_right))
    return out.reshape(*query.shape, *out.shape[-2:]), vis.reshape(*query.shape, vis.shape[-1])


def track_windows(times: np.ndarray, joints2d: np.ndarray, visible: np.ndarray, output_times: np.ndarray,
                  receptive_field: int, causal: bool, rate: float = MODEL_HZ, history: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Windows ``(M, T, 17, 2)`` + visibility ``(M, T, 17)`` for the ``M`` output instants of one track
    (batched like :func:`resample`: ``output_times`` ``(B, M)`` → ``(B, M, T, 17, 2)``).

    ``history`` (model frames, ≥ 1) limits how far back a window may look, as for a track that began
    ``history - 1`` model frames ago (earlier instants repeat the first one)."""
    output_times = np.asarray(output_times, np.float64)[..., None]
    query = output_times + window_offsets(receptive_field, causal) / rate
    if history is not None:
        query = np.maximum(query, output_times - (max(history, 1) - 1) / rate)
    return resample(times, joints2d, visible, query)


def mirror(joints2d: torch.Tensor, visible: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Left/right mirror image of 2D windows (x negated, left and right joints swapped)."""
    return joints2d[..., FLIP, :] * torch.as_tensor(_MIRROR_2D), visible[..., FLIP]


def window_features(joints2d: torch.Tensor, visible: torch.Tensor, output_index: int
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """``(M, T, 17, 2)`` px (input style already applied) → features ``(M, T, FEATURES_PER_FRAME)`` and
    the ``(M,)`` mask of windows whose output frame can be lifted."""
    features, centre, scale = normalize_with_frame(joints2d, visible)
    frame_ok = liftable(visible, joints2d)
    ref_centre, ref_scale = centre[:, output_index:output_index + 1], scale[:, output_index:output_index + 1]
    motion = torch.cat([(centre - ref_centre) / ref_scale[..., None], torch.log(scale / ref_scale)[..., None]], -1)
    usable = frame_ok & frame_ok[:, output_index:output_index + 1]
    motion = torch.where(usable[..., None], motion, torch.zeros_like(motion))
    return torch.cat([features.flatten(-2), motion], dim=-1), frame_ok[:, output_index]
