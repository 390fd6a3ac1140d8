"""Ablation of the self-supervised losses: ``python -m refiner.ablate --model {linear,gcn}``.

Short runs from the same seed and data draw: supervised only, each self-supervised loss added
alone, and all three; prints the validation P1/P2 (ground-truth and Stacked-Hourglass 2D, no flip
test, no floor scale) as a Markdown table. Short on purpose (default 2 epochs over 1/60 of the
ground-truth frames and 1/24 of the SH frames) so that the whole ablation runs in minutes on a CPU;
it ranks the losses, it does not give final accuracies.
"""
from __future__ import annotations

import argparse
import copy
from pathlib import Path

from common.paths import REPO_ROOT
from refiner.train import load_config, train

LOSSES = ("reprojection", "cycle", "symmetry")


def variants(weight: float) -> dict[str, dict[str, float]]:
    """Run name → loss weights."""
    runs = {"none (supervised only)": {k: 0.0 for k in LOSSES}}
    runs.update({f"+ {k}": {**{o: 0.0 for o in LOSSES}, k: weight} for k in LOSSES})
    runs["+ all three"] = {k: weight for k in LOSSES}
    return runs


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, choices=["linear", "gcn"])
    parser.add_argument("--cfg", default=None, help="base config (default refiner/configs/<model>.yaml)")
    parser.add_argument("--weight", type=float, default=0.1, help="weight of each self-supervised loss")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--gt-stride", type=int, default=60)
    parser.add_argument("--sh-stride", type=int, default=24)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "checkpoints" / "ablation")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="further config overrides")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    base = load_config(args.cfg or REPO_ROOT / "refiner" / "configs" / f"{args.model}.yaml", args.set)
    base["train"]["epochs"] = args.epochs
    base["data"].update(gt_stride=args.gt_stride, sh_stride=args.sh_stride)
    rows = {}
    for i, (name, weights) in enumerate(variants(args.weight).items()):
        cfg = copy.deepcopy(base)
        cfg["loss"] = weights
        rows[name] = train(args.model, cfg, args.out / f"{args.model}_{i}", threads=args.threads)
    print(f"\n{args.model}, self-supervised weight {args.weight}, {args.epochs} epochs "
          f"(1/{args.gt_stride} GT, 1/{args.sh_stride} SH frames), validation {base['data']['val_subjects']}:")
    print("| losses | GT P1 | GT P2 | SH P1 | SH P2 |\n|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {row['gt_p1']:.1f} | {row['gt_p2']:.1f} | {row.get('sh_p1', float('nan')):.1f} "
              f"| {row.get('sh_p2', float('nan')):.1f} |")
    return rows


if __name__ == "__main__":
    main()
