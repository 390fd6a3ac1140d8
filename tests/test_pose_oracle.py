"""Our PyTorch ports against outputs computed by the official TF.js runtime.

tests/fixtures/*.npz are small synthetic oracle files made by tools/make_oracle_fixtures.py
(always run); shared/data/tfjs_reference holds real inputs (skipped when absent).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pose.oracle_check import check_file, load_module, main, model_name

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.npz"))
REFERENCE_MODELS = ("movenet-thunder", "movenet-lightning", "movenet-multipose", "blazepose-full")
_modules: dict = {}


def _module(model):
    if model not in _modules:
        _modules[model] = load_module(model)
    return _modules[model]


def test_every_model_has_a_committed_fixture():
    assert {model_name(p) for p in FIXTURES} == set(REFERENCE_MODELS)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_matches_tfjs(path):
    rows = check_file(path, _module(model_name(path)))
    assert rows
    for _, name, err, tol in rows:
        assert err <= tol, f"{path.name} {name}: {err} > {tol}"


@pytest.mark.parametrize("model", REFERENCE_MODELS)
def test_real_reference_matches_tfjs(shared_data, model):
    from conftest import require

    path = require(shared_data / "tfjs_reference" / f"{model}.npz")
    rows = check_file(path, _module(model))
    limit = 1e-4 if model.startswith("movenet") else 1e-3
    for _, name, err, tol in rows:
        assert err <= min(tol, limit), f"{model} {name}: {err}"


def test_cli_fails_on_a_tampered_reference(tmp_path):
    import numpy as np

    with np.load(FIXTURES[0]) as data:
        arrays = {k: data[k].copy() for k in data.files}
    key = next(k for k in arrays if k.startswith("output/"))
    arrays[key] = arrays[key] + 0.01
    bad = tmp_path / FIXTURES[0].name
    np.savez(bad, **arrays)
    assert main([str(bad)]) == 1
    assert main([str(FIXTURES[0])]) == 0
