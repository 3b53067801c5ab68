"""Speed of glassnet.metrics' threshold functions against sklearn.metrics.roc_curve.

What it measures
----------------
On ``--n`` random scores (default 10 million, uniform in [0, 1], float64) with binary
labels (positive with probability equal to the score, so the curve is not trivial),
in this one process, it times

* ``sklearn.metrics.roc_curve(y, scores)`` -- the baseline;
* ``glassnet.metrics.roc_curve(y, scores)`` -- scikit-learn's curve plus glassnet's
  checks and the AUC (so a ratio near 1 is expected);
* ``glassnet.metrics.threshold_table(y, scores)`` -- counts and eight rates at every
  distinct score (about n rows, as many as ``roc_curve(..., drop_intermediate=False)``);
* ``glassnet.metrics.threshold_table(y, scores, thresholds)`` with ``--n-thresholds``
  (default 100) evenly spaced thresholds.

Each time is the best of ``--repeats`` calls (default 3), the functions taking turns so
that a slow spell of a shared machine does not fall on one of them. It prints the
times and the ratio sklearn roc_curve time / glassnet time (above 1: glassnet is
faster), and checks that the results agree: glassnet's curve equals scikit-learn's,
and the table's rates at scikit-learn's thresholds equal its fpr and tpr.

Why the table can be faster than the curve it contains: scikit-learn sorts all scores
with a stable argsort (timsort on floats); the table sorts the positive and the
negative scores separately with NumPy's unstable (SIMD) sort and merges the two sorted
runs with one linear pass, then counts with cumulative sums and binary search.

How to run
----------
::

    python benchmarks/metrics_vs_sklearn.py             # 10 million scores, ~1 minute
    python benchmarks/metrics_vs_sklearn.py --n 100000  # quick run, seconds
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
import sklearn
import sklearn.metrics

import glassnet.metrics


def make_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scores = rng.random(n)  # (n,) float64 in [0, 1), almost all distinct
    y = (rng.random(n) < scores).astype(np.int64)  # (n,) 0/1, positive with p = score
    return y, scores


def best_times(
    functions: dict[str, Callable[[], object]], repeats: int
) -> tuple[dict[str, float], dict[str, object]]:
    """Best wall time of each function over ``repeats`` rounds, rotating the order."""
    names = list(functions)
    times = {name: float("inf") for name in names}
    results: dict[str, object] = {}
    for rep in range(repeats):
        shift = rep % len(names)
        order = names[shift:] + names[:shift]
        for name in order:
            started = time.perf_counter()
            results[name] = functions[name]()
            times[name] = min(times[name], time.perf_counter() - started)
        line = ", ".join(f"{name} {times[name]:.3f} s" for name in names)
        print(f"  round {rep + 1}/{repeats} (first: {order[0]}): best so far {line}")
    return times, results


def check_agreement(results: dict[str, object]) -> None:
    fpr, tpr, thresholds = results["sklearn roc_curve"]
    curve = results["glassnet roc_curve"]
    same_curve = (
        np.array_equal(curve.fpr, fpr)
        and np.array_equal(curve.tpr, tpr)
        and np.array_equal(curve.thresholds, thresholds)
    )
    table = results["glassnet threshold_table (every score)"]
    # The table's rows run through every distinct score from the largest down; pick the
    # rows at scikit-learn's (kept) thresholds, skipping its leading inf.
    table_thresholds = table["threshold"].to_numpy()[::-1]  # increasing
    rows = table_thresholds.size - 1 - np.searchsorted(table_thresholds, thresholds[1:])
    same_rates = np.allclose(table["fpr"].to_numpy()[rows], fpr[1:]) and np.allclose(
        table["tpr"].to_numpy()[rows], tpr[1:]
    )
    print(f"glassnet roc_curve equals sklearn's: {same_curve}")
    print(f"threshold_table rates at sklearn's thresholds equal its fpr and tpr: {same_rates}")
    print(f"threshold_table rows: {len(table):,}; sklearn curve points: {fpr.size:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="number of scores")
    parser.add_argument("--repeats", type=int, default=3, help="calls per function")
    parser.add_argument("--n-thresholds", type=int, default=100, help="given thresholds")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs"
    )
    y, scores = make_data(args.n, args.seed)
    grid = np.linspace(0, 1, args.n_thresholds)
    print(f"{args.n:,} scores, {y.mean():.1%} positive; best of {args.repeats}\n")

    functions: dict[str, Callable[[], object]] = {
        "sklearn roc_curve": lambda: sklearn.metrics.roc_curve(y, scores),
        "glassnet roc_curve": lambda: glassnet.metrics.roc_curve(y, scores),
        "glassnet threshold_table (every score)": lambda: glassnet.metrics.threshold_table(
            y, scores
        ),
        f"glassnet threshold_table ({args.n_thresholds} thresholds)": (
            lambda: glassnet.metrics.threshold_table(y, scores, grid, zero_division=np.nan)
        ),
    }
    times, results = best_times(functions, args.repeats)

    baseline = times["sklearn roc_curve"]
    print(f"\n{'function':<46} {'seconds':>9} {'sklearn / this':>15}")
    for name, seconds in times.items():
        print(f"{name:<46} {seconds:>9.3f} {baseline / seconds:>15.2f}")
    print()
    check_agreement(results)


if __name__ == "__main__":
    main()
