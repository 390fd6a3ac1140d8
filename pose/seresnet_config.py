"""YAML configuration of the SE-ResNet integral estimator, in the seed's ``experiments/*.yaml`` style.

Defaults reproduce the seed's setting (SE-ResNet-50, 256×256 crops, 64 depth bins, Adam 1e-3 for
140 epochs with steps at 90/120). A YAML file overrides any subset; an unknown key or a value of
the wrong type is an error naming the key and the file, because a typo silently falling back to a
default would train the wrong model.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

DEFAULTS: dict[str, Any] = {
    "DEVICE": "auto",  # 'auto', 'cpu', 'cuda', 'cuda:1'
    "SEED": 0,
    "OUTPUT_DIR": "runs/seresnet",
    "MODEL": {
        "DEPTH": 50,  # SE-ResNet depth: 18, 34, 50, 101
        "INPUT_SIZE": 256,  # square crop side in px
        "NUM_JOINTS": 17,  # H36M-17
        "DEPTH_BINS": 64,  # D of the volumetric heatmaps
        "DECONV_FILTERS": 256,
        "DECONV_LAYERS": 3,
        "PRETRAINED": "",  # optional backbone state dict (.safetensors) to start from
        "RESUME": "",  # full checkpoint (.safetensors) to evaluate or to continue from
    },
    "DATASET": {
        "LAYOUT": "seed",  # 'seed' (annot/<set>.pkl|npz|json + images), 'videopose3d' or 'mmpose'
        "ROOT": "data/h36m",
        "TRAIN_SET": "train_5hz",
        "TEST_SET": "valid_5hz",
        "CAMERAS": "",  # videopose3d layout: h36m_cameras.json (see docs/seresnet.md)
        "TRAIN_SUBJECTS": ["S1", "S5", "S6", "S7", "S8"],  # videopose3d layout only
        "TEST_SUBJECTS": ["S9", "S11"],  # videopose3d layout only
        "FRAME_STRIDE": 10,  # videopose3d layout: 50 Hz → 5 Hz, as the seed's *_5hz sets
        "MPII_ROOT": "",  # data/mpii to mix in 2D-only samples; '' = H36M only
        "RECT_3D_SIZE": 2000.0,  # mm spanned by a crop at the root's depth (seed: 2000)
        "Z_WEIGHT": 1.0,  # weight of the depth term in the loss
        "VOC": "",  # Pascal VOC 2012 root for synthetic occlusion; '' or absent = off
    },
    "AUG": {
        "SCALE": 0.25,  # crop scale 1 ± SCALE (clipped normal)
        "ROT": 30.0,  # degrees, clipped normal ×2
        "ROT_RATE": 0.6,
        "FLIP_RATE": 0.5,
        "COLOR": 0.2,  # per-channel gain 1 ± COLOR
        "OCCLUSION_RATE": 0.5,
    },
    "TRAIN": {
        "BATCH_SIZE": 32,
        "EPOCHS": 140,
        "MAX_STEPS": 0,  # stop after this many steps (0 = run all epochs); for smoke runs
        "LR": 1e-3,
        "LR_STEPS": [90, 120],
        "LR_FACTOR": 0.1,
        "WEIGHT_DECAY": 0.0,
        "WORKERS": 4,
        "PRINT_FREQ": 100,
        "CHECKPOINT_EVERY": 1,  # epochs between latest.safetensors snapshots
    },
    "TEST": {
        "BATCH_SIZE": 32,
        "FLIP_TEST": True,
        "WORKERS": 4,
        "BOX_PADDING": 1.2,  # pipeline: detector box side × this ≈ the 2000 mm training crop
    },
}


class ConfigError(ValueError):
    """A configuration file that cannot be used as written."""


class Config(dict):
    """Nested dict with attribute access (``cfg.MODEL.DEPTH``), as yacs/EasyDict configs read."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    @staticmethod
    def wrap(tree: dict) -> "Config":
        return Config({k: Config.wrap(v) if isinstance(v, dict) else v for k, v in tree.items()})

    def to_plain(self) -> dict:
        return {k: v.to_plain() if isinstance(v, Config) else copy.deepcopy(v) for k, v in self.items()}


def _same_kind(default: Any, value: Any) -> bool:
    """Whether ``value`` may replace ``default`` (ints may become floats, never the reverse)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def _merge(base: dict, override: dict, source: str, prefix: str = "") -> None:
    for key, value in override.items():
        name = f"{prefix}{key}"
        if key not in base:
            raise ConfigError(f"{source}: unknown config key {name!r} (known here: {', '.join(base)})")
        default = base[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {name} must be a mapping, got {value!r}")
            _merge(default, value, source, name + ".")
            continue
        if not _same_kind(default, value):
            raise ConfigError(f"{source}: {name} must be {type(default).__name__}, got {value!r}")
        base[key] = float(value) if isinstance(default, float) else value


def make_config(overrides: dict | None = None, source: str = "<overrides>") -> Config:
    """Defaults merged with a nested ``overrides`` mapping (validated like a file)."""
    tree = copy.deepcopy(DEFAULTS)
    _merge(tree, overrides or {}, source)
    return Config.wrap(tree)


def load_config(path: str | Path, overrides: dict | None = None) -> Config:
    """Read a YAML config; relative data/output paths stay relative to the working directory."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        tree = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err})") from err
    if not isinstance(tree, dict):
        raise ConfigError(f"{path}: top level must be a mapping of sections")
    cfg = make_config(tree, str(path)).to_plain()
    _merge(cfg, overrides or {}, "<overrides>")
    return Config.wrap(cfg)


def parse_overrides(pairs: list[str]) -> dict:
    """``["TRAIN.EPOCHS=2", "MODEL.DEPTH=18"]`` → nested dict, values parsed as YAML scalars."""
    tree: dict = {}
    for pair in pairs:
        if "=" not in pair:
            raise ConfigError(f"override {pair!r} must look like SECTION.KEY=value")
        dotted, raw = pair.split("=", 1)
        node = tree
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(raw)
    return tree
