"""Store trained refiner weights for shipping: ``python -m refiner.ship SRC DST``.

Writes a float16 copy (half the size; evaluation unchanged to 0.1 mm) with the same metadata,
as done for ``assets/weights/refiner_fused.safetensors``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from refiner.weights import store_half


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="trained weights, e.g. checkpoints/all5_fused/last.safetensors")
    parser.add_argument("destination", type=Path, help="e.g. assets/weights/refiner_fused.safetensors")
    args = parser.parse_args(argv)
    store_half(args.source, args.destination)


if __name__ == "__main__":
    main()
