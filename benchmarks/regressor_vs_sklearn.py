"""Training speed of glassnet.MLPRegressor against scikit-learn's, side by side.

Both libraries train in this one process on the same data, with the same
hyperparameters and ``random_state``, for exactly the same number of epochs
(``tol=0`` and ``n_iter_no_change=max_iter``: neither stops early; ``n_iter_`` is
checked). For each workload it prints each library's seconds per epoch (the wall time
of ``fit`` over ``n_iter_``, the best of ``--repeats`` fits, the libraries taking
turns at going first), the ratio sklearn / glassnet (above 1: glassnet is faster),
each one's test R² and the largest difference between their weights (float64: the
same weights, to rounding).

Workloads (``--quick`` shrinks each to a smoke run):

R1  diabetes: 331 training rows x 10 features, hidden (32,), adam, 500 epochs.
R2  Friedman #1: 5000 rows x 10 features, hidden (64, 32), adam, 50 epochs.
R3  Poisson counts: 5000 rows x 10 features, hidden (64, 32), ``loss='poisson'``,
    sgd, 50 epochs.
R4  L-BFGS on Friedman #1: 5000 rows, hidden (64, 32), 100 iterations.

Run: ``python benchmarks/regressor_vs_sklearn.py [--quick] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

from glassnet import MLPRegressor


@dataclass
class Workload:
    name: str
    data: str
    params: dict


WORKLOADS = [
    Workload("R1 diabetes (32,) adam", "diabetes", dict(hidden_layer_sizes=(32,), max_iter=500)),
    Workload(
        "R2 friedman (64, 32) adam", "friedman", dict(hidden_layer_sizes=(64, 32), max_iter=50)
    ),
    Workload(
        "R3 poisson (64, 32) sgd",
        "counts",
        dict(hidden_layer_sizes=(64, 32), loss="poisson", solver="sgd", max_iter=50),
    ),
    Workload(
        "R4 friedman (64, 32) lbfgs",
        "friedman",
        dict(hidden_layer_sizes=(64, 32), solver="lbfgs", max_iter=100),
    ),
]


def load(name: str, n_rows: int) -> tuple:
    """Standard-scaled train and test splits of one of the workloads' data."""
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    elif name == "friedman":
        X, y = make_friedman1(n_rows, noise=0.5, random_state=0)
    else:  # counts whose log-mean is linear in the features
        rng = np.random.RandomState(0)
        X = rng.normal(size=(n_rows, 10))
        y = rng.poisson(np.exp(1.0 + X @ rng.uniform(-0.3, 0.3, 10))).astype(float)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def timed_fit(model: object, X: np.ndarray, y: np.ndarray) -> float:
    """Seconds per epoch (per iteration for L-BFGS) of one fit."""
    started = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - started) / model.n_iter_


def run(workload: Workload, repeats: int, quick: bool) -> None:
    params = dict(workload.params, random_state=0, tol=0.0)
    if quick:
        params["max_iter"] = min(params["max_iter"], 5)
    params["n_iter_no_change"] = params["max_iter"]
    if params.get("solver") == "lbfgs":
        params.pop("n_iter_no_change")
    X_train, X_test, y_train, y_test = load(workload.data, 500 if quick else 5000)
    times: dict[str, list[float]] = {"glassnet": [], "sklearn": []}
    models = {}
    for turn in range(repeats):
        order = [("glassnet", MLPRegressor), ("sklearn", SkMLPRegressor)]
        for name, cls in order if turn % 2 == 0 else order[::-1]:
            model = cls(**params)
            times[name].append(timed_fit(model, X_train, y_train))
            models[name] = model
    ours, theirs = models["glassnet"], models["sklearn"]
    assert ours.n_iter_ == theirs.n_iter_, (ours.n_iter_, theirs.n_iter_)
    diff = max(
        float(np.abs(a - b).max())
        for a, b in zip(
            ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
        )
    )
    g, s = min(times["glassnet"]), min(times["sklearn"])
    print(
        f"{workload.name:<28} {ours.n_iter_:>5} {g * 1e3:>10.3f} {s * 1e3:>10.3f} {s / g:>7.2f}x"
        f" {ours.score(X_test, y_test):>8.3f} {theirs.score(X_test, y_test):>8.3f} {diff:>9.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--repeats", type=int, default=3, help="fits per library (best kept)")
    args = parser.parse_args()
    for pool in threadpool_info():
        print(f"# {pool['internal_api']} {pool.get('version')}: {pool['num_threads']} threads")
    print(
        f"{'workload':<28} {'epochs':>5} {'glassnet':>10} {'sklearn':>10} {'ratio':>8}"
        f" {'R2 ours':>8} {'R2 skl':>8} {'max |dW|':>9}"
    )
    print(f"{'':<28} {'':>5} {'ms/epoch':>10} {'ms/epoch':>10}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached: on purpose, tol=0
        for workload in WORKLOADS:
            run(workload, args.repeats, args.quick)


if __name__ == "__main__":
    main()
