"""The runtime door (nets.open_network) on a small network: parity, cache keys, rebuilds, fallback.

One small network with the real building blocks (a TF-style stride-2 conv, dict outputs, dynamic
batch and frame size) is exported once per test session into a temporary cache folder.
"""
from __future__ import annotations

import logging
import sys

import numpy as np
import pytest
import torch
from torch import nn

from nets import open_network
from nets.layers import TfConv2d, pointwise
from nets.onnx_cache import onnx_path, tool_versions
from nets.onnx_export import BATCH, MULTIPLE_OF_32, export_onnx
from nets.runtime import OrtNetwork, TorchNetwork, resolve_runtime

SPEC = (BATCH, 3, MULTIPLE_OF_32, MULTIPLE_OF_32)


class SmallNet(nn.Module):
    """Stride-2 TF conv (the kernel-widening path) and a 1x1 head, returning a dict like our detectors."""

    def __init__(self, seed: int = 0):
        super().__init__()
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            self.conv = TfConv2d(3, 8, 3, stride=2, act="relu6")
            self.head = pointwise(8, 2)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        features = self.conv(x / 255.0)
        return {"features": features, "head": self.head(features)}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(cache folder, module, path, log messages) after one export on first use."""
    folder = tmp_path_factory.mktemp("onnx")
    module = SmallNet().eval()
    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logging.getLogger("nets.onnx_cache").addHandler(handler)
    try:
        network = open_network(module, "small", SPEC, "cpu", "onnxruntime", threads=1, cache=folder)
    finally:
        logging.getLogger("nets.onnx_cache").removeHandler(handler)
    return folder, module, network, messages


def test_first_use_exports_once_and_logs_it(built):
    folder, module, network, messages = built
    assert isinstance(network, OrtNetwork)
    path = onnx_path(module, "small", SPEC, folder)
    assert path.is_file() and [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left
    assert any("exporting to ONNX (no cached file)" in m for m in messages)


@pytest.mark.parametrize("shape", [(1, 3, 32, 32), (3, 3, 64, 96), (1, 3, 576, 768)])
def test_onnxruntime_matches_torch_on_any_batch_and_frame_size(built, shape):
    _, module, network, _ = built
    x = torch.rand(shape, generator=torch.Generator().manual_seed(1)) * 255
    with torch.inference_mode():
        ours, ref = network(x), module(x)
    assert set(ours) == set(ref)
    for key in ref:
        assert ours[key].dtype == torch.float32 and ours[key].shape == ref[key].shape
        assert float((ours[key] - ref[key]).abs().max()) < 1e-5
    np_out = network(x.numpy())  # numpy in works too
    assert torch.equal(np_out["head"], ours["head"])


def test_wrong_input_shape_is_a_clear_error(built):
    network = built[2]
    with pytest.raises(ValueError, match="small: input of shape"):
        network(torch.zeros(1, 4, 32, 32))


def test_cache_key_follows_weights_spec_and_tool_versions(built, monkeypatch):
    folder, module, _, _ = built
    path = onnx_path(module, "small", SPEC, folder)
    assert onnx_path(SmallNet(), "small", SPEC, folder) == path  # same weights, same file
    assert onnx_path(SmallNet(seed=1), "small", SPEC, folder) != path
    changed = SmallNet()
    with torch.no_grad():
        changed.head.bias[0] += 1e-3
    assert onnx_path(changed, "small", SPEC, folder) != path
    assert onnx_path(module, "small", (1, 3, MULTIPLE_OF_32, MULTIPLE_OF_32), folder) != path
    versions = {**tool_versions(), "onnxruntime": "0.0.0"}
    monkeypatch.setattr("nets.onnx_cache.tool_versions", lambda: versions)
    assert onnx_path(module, "small", SPEC, folder) != path


def test_corrupt_cached_file_is_rebuilt_with_a_message(built, tmp_path, caplog):
    folder, module, _, _ = built
    good = onnx_path(module, "small", SPEC, folder)
    copy = onnx_path(module, "small", SPEC, tmp_path)
    copy.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])  # truncated, as after a full disk
    stale, other = tmp_path / f"small-{'0' * 20}.onnx", tmp_path / f"small-net-{'0' * 20}.onnx"
    stale.write_bytes(b"an export of older weights")
    other.write_bytes(b"another network's export")
    with caplog.at_level(logging.WARNING, logger="nets.onnx_cache"):
        network = open_network(module, "small", SPEC, "cpu", "onnxruntime", cache=tmp_path)
    assert isinstance(network, OrtNetwork)
    assert "could not be loaded" in caplog.text
    assert not stale.exists() and other.exists()  # a build replaces only its own network's older files
    assert copy.read_bytes() != good.read_bytes()[: len(good.read_bytes()) // 2]
    x = torch.rand(1, 3, 64, 64) * 255
    with torch.inference_mode():
        assert float((network(x)["head"] - module(x)["head"]).abs().max()) < 1e-5


def test_failed_export_leaves_no_file_and_falls_back_to_torch(tmp_path, monkeypatch):
    def broken_export(*args, **kwargs):
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr("nets.onnx_export.torch.onnx.export", broken_export)
    module = SmallNet(seed=2).eval()
    with pytest.warns(RuntimeWarning, match="exporter exploded.*running it in torch instead"):
        network = open_network(module, "small", SPEC, "cpu", "onnxruntime", cache=tmp_path)
    assert isinstance(network, TorchNetwork) and list(tmp_path.iterdir()) == []
    x = torch.rand(2, 3, 32, 64) * 255
    with torch.inference_mode():
        assert torch.allclose(network(x)["head"], module(x)["head"], atol=1e-5)


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    class HalfWritten:
        model = type("Model", (), {"metadata_props": {}})()

        def save(self, path, external_data):
            path.write_bytes(b"\x08\x07partial")
            raise OSError("disk full")

    monkeypatch.setattr("nets.onnx_export.torch.onnx.export", lambda *a, **k: HalfWritten())
    monkeypatch.setattr("onnxscript.optimizer.optimize", lambda model, **kwargs: model)
    with pytest.raises(OSError, match="disk full"):
        export_onnx(SmallNet().eval(), SPEC, tmp_path / "small.onnx")
    assert list(tmp_path.iterdir()) == []


def test_missing_onnxruntime_falls_back_to_torch(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    with pytest.warns(RuntimeWarning, match="onnxruntime is not installed"):
        network = open_network(SmallNet().eval(), "small", SPEC, "cpu", "auto", cache=tmp_path)
    assert network.runtime == "torch"


def test_runtime_choice():
    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    assert resolve_runtime("auto", cpu) == "onnxruntime"
    assert resolve_runtime("auto", cuda) == "torch"
    assert resolve_runtime("torch", cpu) == "torch"
    with pytest.raises(ValueError, match="CPU only"):
        resolve_runtime("onnxruntime", cuda)
    with pytest.raises(ValueError, match="unknown runtime 'tensorrt'"):
        resolve_runtime("tensorrt", cpu)


def test_pipeline_option_rejects_an_unknown_runtime():
    from pipeline.factory import PipelineOptions

    assert PipelineOptions().runtime == "auto"
    with pytest.raises(ValueError, match="unknown runtime"):
        PipelineOptions(runtime="openvino")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_runs_torch_in_float16_channels_last():
    module = SmallNet().eval()
    x = torch.rand(2, 3, 64, 96) * 255
    with torch.inference_mode():
        ref = module(x)["head"]
        network = open_network(SmallNet().eval(), "small", SPEC, "cuda")
        out = network(x)["head"]
    assert isinstance(network, TorchNetwork) and out.dtype == torch.float16 and out.is_cuda
    assert network.module.conv.weight.is_contiguous(memory_format=torch.channels_last)
    assert torch.allclose(out.float().cpu(), ref, atol=2e-2)
