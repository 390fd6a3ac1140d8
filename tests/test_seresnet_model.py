"""SE-ResNet backbone and integral network: SE in every block, shapes, config and checkpoints."""
from __future__ import annotations

import pytest
import torch
from safetensors.torch import save_file
from torchvision.ops import SqueezeExcitation

from pose.integral_net import IntegralPoseNet
from pose.seresnet import SEResNet
from pose.seresnet_checkpoint import CheckpointError, build_model, load_checkpoint, save_checkpoint
from pose.seresnet_config import ConfigError, load_config, make_config, parse_overrides
from pose.seresnet_pretrained import load_backbone_weights


@pytest.mark.parametrize("depth, blocks, channels", [(18, 8, 512), (34, 16, 512), (50, 16, 2048), (101, 33, 2048)])
def test_every_residual_block_has_squeeze_excitation(depth, blocks, channels):
    net = SEResNet(depth)
    assert sum(isinstance(m, SqueezeExcitation) for m in net.modules()) == blocks
    assert net.out_channels == channels


def test_bad_depth_is_refused():
    with pytest.raises(ValueError, match="depth"):
        SEResNet(42)


def test_volumetric_heatmaps_at_the_seed_resolution():
    net = IntegralPoseNet(depth=18, num_joints=17, depth_bins=64).eval()
    with torch.no_grad():
        heat = net.heatmaps(torch.zeros(1, 3, 256, 256))
        coords = net(torch.zeros(1, 3, 256, 256))
    assert heat.shape == (1, 17 * 64, 64, 64)
    assert coords.shape == (1, 17, 3) and coords.abs().max() <= 0.5


def test_default_config_is_the_seed_setting():
    cfg = make_config()
    assert (cfg.MODEL.DEPTH, cfg.MODEL.INPUT_SIZE, cfg.MODEL.DEPTH_BINS, cfg.MODEL.NUM_JOINTS) == (50, 256, 64, 17)


def test_shipped_experiment_configs_load():
    for name in ("h36m/train", "h36m/eval", "stick/train", "stick/eval"):
        load_config(f"experiments/{name}.yaml")


def test_unknown_or_mistyped_keys_name_the_key_and_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("MODEL:\n  DEPTHS: 50\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml.*MODEL\.DEPTHS"):
        load_config(bad)
    bad.write_text("TRAIN:\n  LR: fast\n")
    with pytest.raises(ConfigError, match=r"TRAIN\.LR"):
        load_config(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yaml")
    with pytest.raises(ConfigError, match="SOLVER"):
        make_config(parse_overrides(["SOLVER.LR=1"]))


def test_checkpoint_round_trip_keeps_weights_and_config(tmp_path):
    cfg = make_config({"MODEL": {"DEPTH": 18, "INPUT_SIZE": 64, "DEPTH_BINS": 8, "DECONV_FILTERS": 16}})
    model = build_model(cfg)
    path = save_checkpoint(tmp_path / "w.safetensors", model, cfg, step="3")
    loaded, loaded_cfg = load_checkpoint(path)
    assert loaded_cfg.MODEL.DEPTH_BINS == 8 and path.with_suffix(".yaml").is_file()
    for (k, a), b in zip(model.state_dict().items(), loaded.state_dict().values()):
        assert torch.equal(a, b), k


def test_missing_or_foreign_checkpoints_fail_clearly(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "none.safetensors")
    foreign = tmp_path / "foreign.safetensors"
    save_file({"x": torch.zeros(1)}, str(foreign))
    with pytest.raises(CheckpointError, match="format"):
        load_checkpoint(foreign)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a tensor file")
    with pytest.raises(CheckpointError, match="not a safetensors"):
        load_checkpoint(junk)


def test_timm_named_imagenet_weights_load_into_the_backbone(tmp_path):
    source = SEResNet(50)
    timm_named = {k.replace("stem.0.", "conv1.").replace("stem.1.", "bn1."): v for k, v in source.state_dict().items()}
    timm_named["fc.weight"] = torch.zeros(1000, 2048)  # the classifier is dropped
    path = tmp_path / "seresnet50.safetensors"
    save_file(timm_named, str(path))
    target = SEResNet(50)
    load_backbone_weights(target, path)
    assert all(torch.equal(a, b) for a, b in zip(source.state_dict().values(), target.state_dict().values()))
    with pytest.raises(CheckpointError, match="does not fit"):
        load_backbone_weights(SEResNet(18), path)
