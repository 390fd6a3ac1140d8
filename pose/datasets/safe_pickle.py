"""Reading pickled *annotation* files without executing code from them.

The seed ships its Human3.6M annotations as ``.pkl`` and VideoPose3D stores its dicts as pickled
object arrays inside ``.npz``. Plain ``pickle.load`` would run any callable the file names, so this
unpickler only rebuilds numpy arrays and builtin containers; any other class (e.g. the seed's
camera objects) becomes an inert :class:`OpaqueObject` holding its state, which loaders ignore.
"""
from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("collections", "OrderedDict"),
    ("_codecs", "encode"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"),
}


class OpaqueObject:
    """Stand-in for a pickled object of a class we refuse to import; keeps its arguments/state."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs

    def __setstate__(self, state: Any) -> None:
        self.state = state


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        return type(name, (OpaqueObject,), {"pickled_module": module})


def load_pickle(path: Path) -> Any:
    """Unpickle an annotation file with the restricted unpickler (latin1 for Python 2 pickles)."""
    with open(path, "rb") as handle:
        return loads(handle.read(), str(path))


def loads(data: bytes, source: str) -> Any:
    try:
        return _RestrictedUnpickler(io.BytesIO(data), encoding="latin1").load()
    except Exception as err:  # pickle raises many unrelated types on corrupt input
        raise ValueError(f"{source}: cannot read as a pickle ({type(err).__name__}: {err})") from err


def load_npz_object(path: Path, key: str) -> Any:
    """The Python object stored under ``key`` of an ``.npz`` written with object arrays.

    Parses the ``.npy`` header with numpy's own format reader, then restricted-unpickles the body
    (what ``np.load(allow_pickle=True)`` would do unrestricted). Plain arrays load as usual.
    """
    with zipfile.ZipFile(path) as archive:
        member = f"{key}.npy"
        if member not in archive.namelist():
            names = sorted(n.removesuffix(".npy") for n in archive.namelist())
            raise KeyError(f"{path}: no array named {key!r} (has {names})")
        with archive.open(member) as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            _, _, dtype = read_header(handle)
            if not dtype.hasobject:
                return np.load(path)[key]
            array = loads(handle.read(), f"{path}:{key}")
    return array.item() if isinstance(array, np.ndarray) and array.shape == () else array
