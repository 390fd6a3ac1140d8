"""CLEAR-MOT and identity scores of MOT text files, computed by motmetrics.

Ground-truth rows whose 7th field is 0 mark ignored or occluded people; like the MOTChallenge
devkit they are dropped (``min_confidence=1``). A hypothesis matches a ground-truth box at IoU ≥ 0.5.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from tracking.motmetrics_compat import mm

METRICS = {"mota": "MOTA", "idf1": "IDF1", "num_switches": "IDsw",
           "num_false_positives": "FP", "num_misses": "FN"}


def accumulate(gt_path: str | Path, hyp_path: str | Path):
    """motmetrics accumulator comparing one sequence's tracker output with its ground truth."""
    with warnings.catch_warnings():  # motmetrics 1.4.0 uses a pandas idiom pandas 3 deprecates
        warnings.filterwarnings("ignore", message="Operation with tuple is deprecated")
        gt = mm.io.loadtxt(str(gt_path), fmt="mot15-2D", min_confidence=1)
        hyp = mm.io.loadtxt(str(hyp_path), fmt="mot15-2D")
    return mm.utils.compare_to_groundtruth(gt, hyp, "iou", distth=0.5)


def score(pairs: dict[str, tuple[Path, Path]]) -> pd.DataFrame:
    """One row per sequence (``name → (gt, hypothesis)``) plus ``OVERALL``; MOTA and IDF1 in %."""
    names = list(pairs)
    accs = [accumulate(gt, hyp) for gt, hyp in pairs.values()]
    table = mm.metrics.create().compute_many(accs, names=names, metrics=list(METRICS),
                                             generate_overall=len(names) > 1)
    table = table.rename(columns=METRICS)
    table[["MOTA", "IDF1"]] *= 100.0
    return table
