"""Temporal lifter: causality, resampling, gaps, short tracks, bad joints, frame rates, weights variants,
training/evaluation smoke runs on the synthetic dataset, and the shipped weights on real S8 data."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from common.types import Poses2D
from refiner.evaluate_temporal import main as evaluate_main
from refiner.evaluate_temporal import velocity_error
from refiner.lifter import Lifter
from refiner.models import build_model
from refiner.synthetic import CAMERA, make_dataset, random_poses
from refiner.target import TargetStats
from refiner.temporal_inference import lift_track, lift_windows
from refiner.temporal_lifter import TrackLifter
from refiner.temporal_windows import FEATURES_PER_FRAME, resample, track_windows
from refiner.train import load_config
from refiner.train_temporal import train
from refiner.weights import WeightsError, load_temporal, save_weights
from refiner.widen import widen_temporal

TINY = {"width": 16, "filter_widths": [3, 3], "dropout": 0.0}


def tiny(causal: bool, seed: int = 0) -> tuple[torch.nn.Module, TargetStats]:
    torch.manual_seed(seed)
    model = build_model("temporal", {**TINY, "causal": causal}).eval()
    return model, TargetStats(torch.zeros(17, 3), torch.full((17, 3), 100.0))


def walking_track(n: int, fps: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times, H36M-17 pixels and visibility of a person moving smoothly, seen by the synthetic camera."""
    times = np.arange(n) / fps
    poses = random_poses(1, seed, jitter_mm=30.0)[0] + np.array([1.0, 0, 0]) * 400 * times[:, None, None]
    poses = poses + 40 * np.sin(2 * np.pi * times)[:, None, None]
    joints2d = CAMERA.project(CAMERA.world_to_camera(poses.reshape(-1, 3)).reshape(n, 17, 3)).astype(np.float32)
    return times, joints2d, np.ones((n, 17), bool)


def single_lifter() -> Lifter:
    torch.manual_seed(1)
    return Lifter(build_model("linear", {"width": 32, "blocks": 1}), TargetStats(torch.zeros(17, 3), torch.ones(17, 3)),
                  "linear", torch.device("cpu"))


def track_lifter(**options) -> TrackLifter:
    return TrackLifter(tiny(True), single_lifter(), tiny(False, seed=3), **options)


def test_windows_have_the_receptive_field_and_wrong_shapes_are_refused():
    model, _ = tiny(True)
    assert model.receptive_field == 9 and model.output_index == 8
    assert model(torch.randn(4, 9, FEATURES_PER_FRAME)).shape == (4, 17, 3)
    with pytest.raises(ValueError, match="expected windows"):
        model(torch.randn(4, 8, FEATURES_PER_FRAME))
    with pytest.raises(ValueError, match="odd"):
        build_model("temporal", {"filter_widths": [2, 3]})


def test_resample_is_exact_at_observations_linear_between_and_repeats_edges():
    times = np.array([0.0, 0.1, 0.3])
    joints = np.zeros((3, 17, 2), np.float32)
    joints[:, :, 0] = np.array([0.0, 10.0, 30.0])[:, None]
    visible = np.ones((3, 17), bool)
    visible[2, 5] = False
    out, vis = resample(times, joints, visible, np.array([-1.0, 0.0, 0.05, 0.1, 0.2, 0.3, 5.0]))
    np.testing.assert_allclose(out[:, 0, 0], [0, 0, 5, 10, 20, 30, 30], atol=1e-5)
    assert vis[:4, 5].all() and not vis[4, 5] and not vis[5, 5] and not vis[6, 5]  # both neighbours needed
    with pytest.raises(ValueError, match="increasing"):
        resample(np.array([0.0, 0.0]), joints[:2], visible[:2], np.array([0.0]))


def test_causal_outputs_do_not_depend_on_future_frames_but_two_sided_ones_do():
    times, joints, visible = walking_track(60, 25.0)
    changed = joints.copy()
    changed[40:] += np.random.default_rng(0).normal(0, 50, changed[40:].shape).astype(np.float32)
    for causal in (True, False):
        model, stats = tiny(causal)
        a = lift_track(model, stats, times, joints, visible, "coco")
        b = lift_track(model, stats, times, changed, visible, "coco")
        if causal:
            np.testing.assert_array_equal(a[:40], b[:40])
        else:
            assert np.abs(a[36:40] - b[36:40]).max() > 1e-3  # the window reaches frame 40 from frame 36 on
        assert np.abs(a[40:] - b[40:]).max() > 1e-3


def test_live_causal_lifting_equals_the_offline_causal_pass():
    times, joints, visible = walking_track(30, 30.0)
    lifter = track_lifter(min_history=1)
    live = np.stack([lifter.lift(Poses2D(joints[i:i + 1], np.ones((1, 17)), "h36m17"), np.array([7]), t).joints[0]
                     for i, t in enumerate(times)])
    offline = lift_track(*lifter.causal, times, joints, visible, "h36m")
    np.testing.assert_allclose(live, offline, atol=1e-4)


def test_first_frames_fall_back_to_the_single_frame_refiner_and_people_are_independent():
    times, joints, _ = walking_track(3, 25.0)
    lifter = track_lifter(min_history=2)
    first = lifter.lift(Poses2D(joints[:1], np.ones((1, 17)), "h36m17"), np.array([1]), times[0]).joints
    np.testing.assert_allclose(first, lifter.single.lift(Poses2D(joints[:1], np.ones((1, 17)), "h36m17")).joints, atol=1e-5)
    # second frame: track 1 uses the temporal model, newcomer 2 the single-frame one
    both = Poses2D(np.concatenate([joints[1:2], joints[1:2]]), np.ones((2, 17)), "h36m17")
    out = lifter.lift(both, np.array([1, 2]), times[1]).joints
    assert np.isfinite(out).all() and np.abs(out[0] - out[1]).max() > 1e-3


def test_gaps_longer_than_max_gap_start_a_new_history():
    times, joints, _ = walking_track(40, 25.0)
    after_gap = slice(30, 40)
    gapped, fresh = track_lifter(min_history=1, max_gap_s=0.5), track_lifter(min_history=1, max_gap_s=0.5)
    for i in range(10):
        gapped.lift(Poses2D(joints[i:i + 1], np.ones((1, 17)), "h36m17"), np.array([4]), times[i])
    for i in range(after_gap.start, after_gap.stop):  # 0.8 s later: more than max_gap_s
        a = gapped.lift(Poses2D(joints[i:i + 1], np.ones((1, 17)), "h36m17"), np.array([4]), times[i]).joints
        b = fresh.lift(Poses2D(joints[i:i + 1], np.ones((1, 17)), "h36m17"), np.array([4]), times[i]).joints
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_nan_and_low_score_joints_are_masked_and_too_few_joints_give_nan():
    times, joints, _ = walking_track(5, 25.0)
    lifter = track_lifter(min_history=1)
    scores = np.ones((2, 17), np.float32)
    for i, t in enumerate(times):
        kp = np.stack([joints[i], joints[i]])
        kp[0, 3] = np.nan  # one NaN joint: still liftable
        scores[1, 4:] = 0.0  # four joints only above threshold ... then none
        scores[1, :] = 0.0 if i >= 3 else scores[1, :]
        out = lifter.lift(Poses2D(kp, scores, "h36m17"), np.array([1, 2]), t).joints
        assert np.isfinite(out[0]).all()
        assert np.isfinite(out[1]).all() == (i < 3)


@pytest.mark.parametrize("fps", [5.0, 120.0])
def test_any_frame_rate_is_resampled_to_the_same_25_hz_window(fps):
    """Linear motion sampled at 5 or 120 fps gives the same window as at 25 fps (exact interpolation)."""
    def linear(t):
        return np.broadcast_to(np.arange(34, dtype=np.float32).reshape(17, 2), (len(t), 17, 2)) + 100 * t[:, None, None]
    t_ref = np.arange(0, 2.0, 1 / 25)
    t_fps = np.arange(0, 2.0 + 1e-9, 1 / fps)
    ref = track_windows(t_ref, linear(t_ref), np.ones((len(t_ref), 17), bool), np.array([1.6]), 9, True)
    got = track_windows(t_fps, linear(t_fps), np.ones((len(t_fps), 17), bool), np.array([1.6]), 9, True)
    np.testing.assert_allclose(got[0], ref[0], atol=1e-3)
    lifter = track_lifter()
    outs = [lifter.lift(Poses2D(linear(np.array([t]))[:], np.ones((1, 17)), "h36m17"), np.array([1]), t).joints
            for t in t_fps[:12]]
    assert np.isfinite(np.concatenate(outs)).all()


def test_one_frame_tracks_and_gaps_offline():
    times, joints, _ = walking_track(30, 25.0)
    lifter = track_lifter()
    one = lifter.lift_track_offline(times[:1], joints[:1], np.ones((1, 17)), "h36m17")
    assert one.shape == (1, 17, 3) and np.isfinite(one).all()
    keep = np.r_[0:10, 25:30]  # a 0.6 s gap: two segments, lifted separately
    both = lifter.lift_track_offline(times[keep], joints[keep], np.ones((len(keep), 17)), "h36m17")
    second = lifter.lift_track_offline(times[25:30], joints[25:30], np.ones((5, 17)), "h36m17")
    np.testing.assert_allclose(both[10:], second, atol=1e-5)
    with pytest.raises(ValueError, match="track id"):
        lifter.lift(Poses2D(joints[:1], np.ones((1, 17)), "h36m17"))


def test_weights_of_the_wrong_variant_are_refused_with_a_clear_error(tmp_path):
    model, stats = tiny(True)
    path = tmp_path / "causal.safetensors"
    save_weights(path, model, "temporal", {**TINY, "causal": True}, stats)
    assert load_temporal(path, "causal")[0].causal
    with pytest.raises(WeightsError, match="holds the causal temporal lifter, but the twosided one"):
        load_temporal(path, "twosided")
    save_weights(tmp_path / "linear.safetensors", build_model("linear", {"width": 8}), "linear", {"width": 8}, stats)
    with pytest.raises(WeightsError, match="'linear' model"):
        load_temporal(tmp_path / "linear.safetensors", "causal")


def test_velocity_error_vanishes_for_a_shifted_copy_and_measures_jitter():
    target = np.cumsum(np.random.default_rng(0).normal(0, 5, (20, 17, 3)), axis=0)
    assert velocity_error(target + 30.0, target).max() < 1e-9
    jitter = target.copy()
    jitter[::2, 1:] += 10.0  # every other frame, non-root joints 10 mm off along each axis
    assert velocity_error(jitter, target).mean() == pytest.approx(np.sqrt(300) * 16 / 17, rel=1e-6)


def test_one_euro_option_filters_each_view_before_its_errors_are_measured():
    from pipeline.smoother import OneEuroConfig
    from refiner.evaluate_temporal import view_errors
    from refiner.h36m_data import ViewSequence

    rng = np.random.default_rng(0)
    n = 200
    t = np.arange(n)[:, None, None] / 10.0
    gt = (np.sin(t + np.arange(17)[None, :, None]) * 300.0 + np.arange(3) * 50.0).astype(np.float32)
    gt -= gt[:, :1]
    view = ViewSequence("S8/Walking 1", CAMERA, gt, np.zeros((n, 17, 2), np.float32), np.ones((n, 17), bool),
                        np.arange(n) * 5, np.tile(np.float32([0, 0, 1]), (n, 1)))
    noisy = gt + rng.normal(0, 20.0, gt.shape).astype(np.float32)
    raw, smoothed = view_errors(noisy, view, "none"), view_errors(noisy, view, "none", OneEuroConfig())
    assert raw["accel"].mean() > 40.0 and smoothed["accel"].mean() < 0.7 * raw["accel"].mean()
    assert smoothed["p1"].mean() < raw["p1"].mean()


def test_training_and_evaluation_run_on_the_synthetic_dataset(tmp_path):
    data = make_dataset(tmp_path / "h36m", subjects=("S1", "S8"), frames=30)
    cfg = load_config("refiner/configs/temporal_causal.yaml",
                      [f"data.dir={data}", "data.train_subjects=[S1]", "data.samples_per_epoch=64",
                       "data.val_stride=5", "train.epochs=1", "train.batch_size=32",
                       "model_config={width: 16, filter_widths: [3, 3], dropout: 0.0, causal: true, in_features: 54}"])
    row = train(cfg, tmp_path / "ckpt")
    assert np.isfinite(row["train_supervised"]) and np.isfinite(row["gt_p1"])
    cfg["train"]["epochs"] = 2
    assert train(cfg, tmp_path / "ckpt", resume=True)["epoch"] == 2
    cfg["train"]["epochs"] = 1
    assert np.isfinite(train(cfg, tmp_path / "ft", init=tmp_path / "ckpt" / "last.safetensors")["gt_p1"])
    cfg["model_config"]["causal"] = False
    with pytest.raises(WeightsError, match="causal temporal lifter"):  # fine-tuning keeps the variant
        train(cfg, tmp_path / "ft2", init=tmp_path / "ckpt" / "last.safetensors")
    out = tmp_path / "eval.json"
    evaluate_main(["--data", str(data), "--subjects", "S8", "--models", "causal", "--causal",
                   str(tmp_path / "ckpt" / "last.safetensors"), "--json", str(out)])
    table = json.loads(out.read_text())["tables"]["causal"]
    assert set(table) == {"Eating", "Walking", "mean"}
    assert all(np.isfinite(table["mean"][m]) for m in ("p1", "p2", "mpjve", "accel"))


@pytest.mark.parametrize("causal", [True, False])
def test_widening_keeps_the_outputs_and_training_continues_from_narrower_weights(tmp_path, causal):
    narrow = build_model("temporal", {"width": 16, "filter_widths": [3, 3], "dropout": 0.0, "causal": causal})
    narrow.train()
    narrow(torch.randn(64, 9, 54))  # running statistics away from their initial values
    narrow.eval()
    wide = widen_temporal(narrow, 40, noise=0.0, generator=torch.Generator().manual_seed(0)).eval()
    assert wide.head.in_channels == 40 and wide.causal == causal
    x = torch.randn(8, 9, 54)
    torch.testing.assert_close(wide(x), narrow(x), atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="can only widen"):
        widen_temporal(wide, 16)

    data = make_dataset(tmp_path / "h36m", subjects=("S1", "S8"), frames=30)
    overrides = [f"data.dir={data}", "data.train_subjects=[S1]", "data.samples_per_epoch=64", "data.val_stride=5",
                 "train.epochs=1", "train.batch_size=32"]
    config = "{width: %d, filter_widths: [3, 3], dropout: 0.0, causal: %s, in_features: 54}"
    cfg = load_config("refiner/configs/temporal_causal.yaml", overrides + ["model_config=" + config % (16, causal)])
    train(cfg, tmp_path / "narrow")
    cfg["model_config"]["width"] = 40
    train(cfg, tmp_path / "wide", init=tmp_path / "narrow" / "last.safetensors")
    model, _, _ = load_temporal(tmp_path / "wide" / "last.safetensors", "causal" if causal else "twosided")
    assert model.head.in_channels == 40


def test_fit_check_reports_a_training_and_a_held_out_subject(tmp_path, capsys):
    from tools.temporal_fit import main as fit_main

    data = make_dataset(tmp_path / "h36m", subjects=("S1", "S8"), frames=30)
    model, stats = tiny(False)
    save_weights(tmp_path / "w.safetensors", model, "temporal", {**TINY, "causal": False}, stats)
    fit_main([str(tmp_path / "w.safetensors"), "--data", str(data), "--stride", "5"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["S1", "S8"]
    assert all(float(line.split("P1 ")[1].split(" mm")[0]) > 0 for line in lines)


def test_shipped_temporal_weights_on_real_s8(shared_data):
    """Both shipped variants lift a real S8 sequence (GT 2D, the app's COCO style, 25 Hz) to under 60 mm P1
    (measured 47.9 causal, 47.0 two-sided at width 512; 51.3 / 49.6 at width 256; the first landing's weights
    60.4 causal; untrained weights give well over 150)."""
    from common.metrics import mpjpe
    from refiner.h36m_data import load_views
    from refiner.temporal_lifter import DEFAULT_WEIGHTS
    from refiner.viewing_frame import to_viewing_frame

    for path in DEFAULT_WEIGHTS.values():
        if not path.exists():
            pytest.skip(f"{path} not shipped")
    view = next(v for v in load_views(shared_data / "h36m", ["S8"], "gt", ["54138969"]) if v.sequence == "S8/Walking 1")
    keep = slice(0, 1000, 2)
    target = to_viewing_frame(view.joints3d[keep], view.rays[keep])
    for variant, path in DEFAULT_WEIGHTS.items():
        model, stats, _ = load_temporal(path, variant)
        pred = lift_track(model, stats, view.frames[keep] / 50.0, view.joints2d[keep], view.visible[keep], "coco")
        assert mpjpe(pred, target).mean() < 60.0, variant


def test_lift_windows_marks_unliftable_output_frames_nan():
    model, stats = tiny(False)
    j2 = np.random.default_rng(0).uniform(0, 500, (2, 9, 17, 2)).astype(np.float32)
    vis = np.ones((2, 9, 17), bool)
    vis[1, 4, 3:] = False  # the centre frame of window 1 has 3 joints
    out = lift_windows(model, stats, j2, vis, "h36m")
    assert np.isfinite(out[0]).all() and np.isnan(out[1]).all()


def test_two_sided_relift_of_a_store_replaces_every_tracks_3d():
    from common.store import ResultsStore
    from common.types import FrameResult, Poses3D
    from pipeline.pipeline import Pipeline
    from pipeline.placement import RootPlacer
    from pipeline.relift import relift_store
    from pipeline.smoother import OneEuroSmoother

    times, joints, _ = walking_track(20, 25.0)
    store = ResultsStore(25.0, (1000, 1000))
    for i, t in enumerate(times):
        kp = np.stack([joints[i], joints[i] + 200])
        store.add(FrameResult(i, t, np.array([1, 2]), np.zeros((2, 4)), np.ones(2), Poses2D(kp, np.ones((2, 17)), "h36m17"),
                              Poses3D(np.zeros((2, 17, 3)), np.zeros((2, 3))), frame_size=(1000, 1000)))
    lifter = track_lifter()
    pipeline = Pipeline(object(), object(), lifter=lifter, placer=RootPlacer(), smoother=OneEuroSmoother())
    out = relift_store(store, pipeline)
    expected = lifter.lift_track_offline(times, joints + 200, np.ones((20, 17)), "h36m17")
    placed = RootPlacer().place(Poses3D(expected[7:8]), Poses2D(joints[7:8] + 200, np.ones((1, 17)), "h36m17"), (1000, 1000))
    np.testing.assert_allclose(out.frame(7).poses3d.joints[1], placed.joints[0], atol=1e-3)
    assert np.isfinite(out.frame(19).poses3d.root).all() and len(out) == 20
    single = Pipeline(object(), object(), lifter=lifter.single)
    assert relift_store(store, single) is store  # a single-frame lifter cannot look ahead


def test_pipeline_option_chooses_the_lifter_and_refuses_unknown_ones():
    from pipeline.factory import PipelineOptions
    from pipeline.relift import lifter_description

    assert PipelineOptions().lifter == "temporal" and PipelineOptions(lifter="single").lifter == "single"
    with pytest.raises(ValueError, match="unknown lifter 'x'"):
        PipelineOptions(lifter="x")
    assert lifter_description(track_lifter()).startswith("temporal (9 frames at 25 Hz, causal live")
    assert lifter_description(single_lifter()) == "single-frame (linear)"


def test_adaptation_fits_the_videos_own_2d_without_changing_the_shipped_model():
    from refiner.adapt import adapt
    from refiner.losses import label_free_terms
    from refiner.temporal_batches import FRAME_FEATURES
    from refiner.temporal_windows import window_features

    model, stats = tiny(False)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    tracks = [walking_track(60, 30.0, seed=s) for s in range(3)]

    def reprojection_error(m: torch.nn.Module) -> float:
        j2, vis = track_windows(*tracks[0], tracks[0][0], m.receptive_field, m.causal)
        features, _ = window_features(torch.from_numpy(j2), torch.from_numpy(vis), m.output_index)
        with torch.no_grad():
            pred = stats.denormalize(m(features))
        frame = features[:, m.output_index, :FRAME_FEATURES].reshape(-1, 17, 3)
        return float(label_free_terms(pred, frame, {}, {"reprojection": 1.0})["reprojection"])

    steps_seen = []
    adapted = adapt(model, stats, tracks, "h36m", steps=60, batch_size=64, lr=1e-3,
                    progress=lambda step, total: steps_seen.append(step))
    assert steps_seen == list(range(1, 61))
    assert reprojection_error(adapted) < 0.5 * reprojection_error(model)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # the caller's model is untouched
    stopped = adapt(model, stats, tracks, "h36m", steps=60, cancelled=lambda: len(steps_seen) >= 63,
                    progress=lambda step, total: steps_seen.append(step))
    assert len(steps_seen) == 63 and stopped is not model
    one_frame = [(np.zeros(1), tracks[0][1][:1], tracks[0][2][:1])]  # nothing to form a window from
    same = adapt(model, stats, one_frame, "h36m", steps=5)
    assert all(torch.equal(before[k], v) for k, v in same.state_dict().items())


def test_relift_with_adaptation_uses_the_adapted_model_and_can_be_cancelled():
    from common.store import ResultsStore
    from common.types import FrameResult, Poses3D
    from pipeline.pipeline import Cancelled, Pipeline
    from pipeline.relift import relift_store

    times, joints, _ = walking_track(30, 25.0)
    store = ResultsStore(25.0, (1000, 1000))
    for i, t in enumerate(times):
        store.add(FrameResult(i, t, np.array([1]), np.zeros((1, 4)), np.ones(1), Poses2D(joints[i:i + 1], np.ones((1, 17)), "h36m17"),
                              Poses3D(np.zeros((1, 17, 3))), frame_size=(1000, 1000)))
    pipeline = Pipeline(object(), object(), lifter=track_lifter())
    plain = relift_store(store, pipeline).frame(10).poses3d.joints
    adapted = relift_store(store, pipeline, adapt_steps=20).frame(10).poses3d.joints
    assert np.isfinite(adapted).all() and not np.allclose(plain, adapted, atol=1e-3)
    np.testing.assert_allclose(relift_store(store, pipeline).frame(10).poses3d.joints, plain)  # lifter unchanged
    with pytest.raises(Cancelled, match="adapting"):
        relift_store(store, pipeline, cancelled=lambda: True, adapt_steps=5)
