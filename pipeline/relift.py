"""The two-sided pass over a processed file: every track is lifted again from its past *and* future
frames (refiner.temporal_lifter, two-sided model) once the whole clip has been processed.

Live processing can only use the past (causal model, plus One Euro on the joints); a file has its
future too, which removes most of the jitter and the causal model's lag. The re-lifted joints are
placed in the scene like the live ones (``Pipeline.placer``) and their roots filtered with a fresh
One Euro filter of the pipeline's configuration; the joints themselves are not filtered again (the
two-sided model is smooth already, and filtering would add lag back). A pipeline whose lifter cannot
look ahead (the single-frame refiner) leaves the store as it is.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tqdm import tqdm

from common.store import ResultsStore
from common.types import Poses3D
from pipeline.pipeline import Cancelled, Pipeline
from pipeline.smoother import OneEuroSmoother
from refiner.temporal_lifter import TrackLifter


def can_relift(pipeline: Pipeline) -> bool:
    return isinstance(pipeline.lifter, TrackLifter) and pipeline.lifter.twosided is not None


def lifter_description(lifter) -> str:
    """Which lifter ran, for the CLI's summary."""
    if isinstance(lifter, TrackLifter):
        return lifter.description
    return f"single-frame ({getattr(lifter, 'architecture', type(lifter).__name__)})"


def relift_store(store: ResultsStore, pipeline: Pipeline, cancelled: Callable[[], bool] | None = None,
                 progress: bool = False, adapt_steps: int = 0) -> ResultsStore:
    """A new store with every track's 3D from the two-sided model (the store itself is not changed);
    raises :class:`~pipeline.pipeline.Cancelled` when ``cancelled()`` turns true between tracks.
    ``adapt_steps`` > 0 first adapts the model to this video's own 2D tracks (refiner.adapt, opt-in)."""
    if not can_relift(pipeline) or store.layout2d is None:
        return store
    lifter: TrackLifter = pipeline.lifter
    track_ids, twosided = store.track_ids(), None
    if adapt_steps > 0:
        tracks_2d = [(t.timestamps, t.kp2d, t.kp2d_scores) for t in map(store.track, track_ids)]
        with tqdm(total=adapt_steps, desc="adapting to this video") as bar:
            twosided = lifter.adapted_twosided(tracks_2d, store.layout2d, adapt_steps,
                                               progress=lambda step, _: bar.update(1), cancelled=cancelled)
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled while adapting to the video")
    relifted: dict[tuple[int, int], np.ndarray] = {}
    for track_id in tqdm(track_ids, desc="two-sided re-lift", disable=not progress):
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled during the two-sided re-lift")
        track = store.track(track_id)
        joints = lifter.lift_track_offline(track.timestamps, track.kp2d, track.kp2d_scores, store.layout2d, twosided)
        relifted.update({(int(f), track_id): j for f, j in zip(track.frames, joints)})
    smoother = pipeline.smoother
    root_smoother = OneEuroSmoother(smoother.config) if isinstance(smoother, OneEuroSmoother) else None
    out = ResultsStore(store.fps, store.frame_size, store.source_name, store.max_memory_rows)
    for result in store:
        if result.poses3d is not None and len(result):
            poses3d = Poses3D(np.stack([relifted[(result.index, int(t))] for t in result.track_ids]))
            if pipeline.placer is not None:
                poses3d = pipeline.placer.place(poses3d, result.poses2d, store.frame_size)
            if root_smoother is not None and poses3d.root is not None:
                poses3d.root = root_smoother.smooth(result.track_ids, result.timestamp, poses3d.root[:, None])[:, 0]
            result.poses3d = poses3d
        out.add(result)
    return out
