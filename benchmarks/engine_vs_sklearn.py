"""Training speed of glassnet.MLPClassifier against scikit-learn's, side by side.

What it measures
----------------
Both libraries are trained in this one process, on the same data, with the same
hyperparameters and the same ``random_state``, for exactly the same number of epochs
(``tol=0`` and ``n_iter_no_change=max_iter``, so neither stops early; ``n_iter_`` is
checked). For each workload it prints

* seconds per epoch of each library: the wall time of ``fit`` divided by ``n_iter_``,
  the best of ``--repeats`` fits, the two libraries taking turns at going first;
* the ratio sklearn time / glassnet time (above 1: glassnet is faster);
* the test accuracy of each (in float64 the two should learn the same weights, so the
  accuracies should agree; the largest weight difference is printed too).

Workloads (``--quick`` shrinks every one to a smoke run of a few seconds):

W1  the course's Titanic shape: 400 training rows x 2 features, hidden (32,), adam,
    batch_size 200, 1000 epochs. Uses the course file
    ``../shared/data/titanic_train_500_age_passengerclass.csv`` when it is there
    (X = [Pclass, Age], Age filled with the training mean, rows 1-400 train, 401-500
    test), else a synthetic stand-in of the same shape; standard-scaled either way.
W2  two moons: 1000 training rows (noise 0.2), hidden (16, 8), adam, batch 'auto',
    500 epochs.
W3  large tabular: 200,000 training rows x 50 features, hidden (256, 128), adam,
    batch_size 256, 5 epochs x repeats, trained one epoch at a time (partial_fit)
    with the libraries taking turns, each library's time its fastest epoch; in
    float64 (both) and float32 (glassnet dtype='float32'; scikit-learn given
    float32 input, which it trains in float32), with glassnet
    float32 also compared to scikit-learn float64. For float32 it also prints the
    floor: the epoch's floating-point operations divided by the float32 matrix-product
    rate measured here with ``np.dot`` at the minibatch shapes (and, for reference, at
    2048 x 2048).
W4  L-BFGS: 20,000 training rows x 50 features, hidden (256, 128), 20 iterations
    (tol=0), float64; per "epoch" here means per L-BFGS iteration.

Recording overhead (after the table above, or alone with ``--overhead``): what
glassnet's per-layer training record costs. On W1, W2 and W3 (same data,
hyperparameters and epochs) glassnet with ``record='layers'`` (the default: dead units,
saturation, gradient norms... per layer and epoch) is timed against glassnet with
``record='epochs'`` (epoch-level numbers only). W1 and W2: the best of ``--repeats``
fits of each (default 9), the two taking turns at going first, plus
``record='full'`` (histograms too) for information, always timed after the other
two. W3: float64, one epoch at a time (partial_fit), the two models taking turns,
each one's fastest epoch. Overhead = layers s/epoch / epochs s/epoch - 1 (the median
of the per-turn ratios is printed too); the target is at most 10 % on W1-W3.

The BLAS libraries and thread counts (threadpoolctl) are printed first: the numbers
only mean something next to them. Run on a quiet machine. On the shared 2-core
machine we develop on, the speed of both libraries switches between two states a
few seconds apart (per-epoch times up to 2x apart, pure BLAS unaffected); taking the
best of several alternating repeats (3 for every workload, 9 for the W1/W2 overhead)
keeps the ratios steady.

How to run
----------
``make bench`` runs ``python benchmarks/engine_vs_sklearn.py`` (all workloads, a few
minutes), then the recording overhead of the workloads among W1-W3. Options::

    python benchmarks/engine_vs_sklearn.py --quick                # smoke run, seconds
    python benchmarks/engine_vs_sklearn.py --workloads W1 W2      # pick workloads
    python benchmarks/engine_vs_sklearn.py --repeats 5            # fits per library
    python benchmarks/engine_vs_sklearn.py --overhead --workloads W1 W2 W3
                                        # only the recording overhead (a few minutes)
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLP
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

from glassnet import MLPClassifier as GnMLP

# The course's mini Titanic file, next to the repository (../shared/data).
TITANIC_CSV = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "titanic_train_500_age_passengerclass.csv"
)


@dataclass
class Data:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str


@dataclass
class Fit:
    seconds_per_epoch: float
    n_iter: int
    accuracy: float
    coefs: list[np.ndarray]


@dataclass
class Row:
    workload: str
    dtype: str
    sklearn: Fit
    glassnet: Fit


@dataclass
class Workload:
    """One workload's data and hyperparameters, shared by the comparison and the overhead."""

    name: str  # as printed in the tables
    data: Data
    params: dict
    quick: bool


@dataclass
class Overhead:
    workload: str
    seconds: dict[str, float]  # record level -> best seconds per epoch
    median_ratio: float  # median over the turns of layers time / epochs time


# The budget for record='layers' over record='epochs' on W1-W3.
RECORD_TARGET = 0.10


# ---------------------------------------------------------------------- data


def titanic_data() -> Data:
    """The course file: X = [Pclass, Age], first 400 rows train, last 100 test."""
    table = np.genfromtxt(TITANIC_CSV, delimiter=",", names=True)  # empty Age -> nan
    X = np.column_stack([table["Pclass"], table["Age"]])  # (500, 2)
    y = table["Survived"].astype(int)
    X_train, X_test, y_train, y_test = X[:400], X[400:], y[:400], y[400:]
    age_mean = np.nanmean(X_train[:, 1])
    for part in (X_train, X_test):
        part[np.isnan(part[:, 1]), 1] = age_mean
    return scaled(Data(X_train, y_train, X_test, y_test, f"course file {TITANIC_CSV.name}"))


def w1_data() -> Data:
    if TITANIC_CSV.exists():
        return titanic_data()
    X, y = make_classification(500, 2, n_informative=2, n_redundant=0, random_state=0)
    source = "synthetic make_classification(500, 2) stand-in"
    return scaled(Data(X[:400], y[:400], X[400:], y[400:], source))


def w2_data(n_train: int) -> Data:
    n_test = n_train // 4
    X, y = make_moons(n_train + n_test, noise=0.2, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=n_train, random_state=0)
    return Data(X_train, y_train, X_test, y_test, f"make_moons({n_train + n_test}, noise=0.2)")


def w3_data(n_train: int, n_features: int) -> Data:
    n_test = n_train // 4
    X, y = make_classification(n_train + n_test, n_features, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=n_train, random_state=0)
    source = f"make_classification({n_train + n_test}, {n_features})"
    return scaled(Data(X_train, y_train, X_test, y_test, source))


def scaled(data: Data) -> Data:
    scaler = StandardScaler().fit(data.X_train)
    data.X_train = scaler.transform(data.X_train)
    data.X_test = scaler.transform(data.X_test)
    return data


# ---------------------------------------------------------------------- timing


def time_fit(model: SkMLP | GnMLP, X: np.ndarray, data: Data) -> Fit:
    """Fit once; seconds per epoch = fit wall time / n_iter_."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(X, data.y_train)
        seconds = time.perf_counter() - started
    accuracy = model.score(data.X_test.astype(X.dtype), data.y_test)
    coefs = [c.copy() for c in model.coefs_]
    return Fit(seconds / model.n_iter_, model.n_iter_, accuracy, coefs)


def best_of(fits: list[Fit]) -> Fit:
    return min(fits, key=lambda f: f.seconds_per_epoch)


def compare(
    name: str,
    data: Data,
    params: dict,
    repeats: int,
    sk_dtype: type,
    gn_dtype: str | None,
    label: str,
    first: int = 0,
) -> tuple[Fit, Fit]:
    """Best-of-``repeats`` fits of each library, taking turns at going first."""
    models = {
        "sklearn": lambda: (SkMLP(**params), data.X_train.astype(sk_dtype)),
        "glassnet": lambda: (GnMLP(**params, dtype=gn_dtype), data.X_train),
    }
    for lib in models:  # untimed: first calls at these shapes (BLAS buffers, threads)
        model, X = models[lib]()
        model.set_params(max_iter=1, n_iter_no_change=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X[:2000], data.y_train[:2000])
    fits: dict[str, list[Fit]] = {"sklearn": [], "glassnet": []}
    for rep in range(repeats):
        order = ["sklearn", "glassnet"] if (rep + first) % 2 == 0 else ["glassnet", "sklearn"]
        for lib in order:
            model, X = models[lib]()
            fits[lib].append(time_fit(model, X, data))
        sk, gn = fits["sklearn"][-1], fits["glassnet"][-1]
        print(
            f"  {name} {label:<8} rep {rep + 1}/{repeats} ({order[0]} first): "
            f"sklearn {sk.seconds_per_epoch:.4g} s/epoch ({sk.n_iter} epochs), "
            f"glassnet {gn.seconds_per_epoch:.4g} s/epoch ({gn.n_iter} epochs)",
            flush=True,
        )
        check_epochs(name, label, params["max_iter"], sk, gn)
    return best_of(fits["sklearn"]), best_of(fits["glassnet"])


def compare_by_epoch(
    name: str,
    data: Data,
    params: dict,
    epochs: int,
    sk_dtype: type,
    gn_dtype: str | None,
    label: str,
) -> tuple[Fit, Fit]:
    """Train both libraries one epoch at a time (partial_fit), taking turns.

    For the large workload: adjacent epochs of the two libraries run within seconds
    of each other, so they see the machine in the same state; each library's time
    is its fastest epoch, and the median of the per-epoch ratios is printed too.
    """
    models = {
        "sklearn": (SkMLP(**params), data.X_train.astype(sk_dtype)),
        "glassnet": (GnMLP(**params, dtype=gn_dtype), data.X_train),
    }
    times = alternate_epochs(models, data.y_train, epochs)
    ratios = [sk / gn for sk, gn in zip(times["sklearn"], times["glassnet"], strict=True)]
    print(
        f"  {name} {label:<8} {epochs} alternating epochs: sklearn best "
        f"{min(times['sklearn']):.4g} s, glassnet best {min(times['glassnet']):.4g} s, "
        f"median per-epoch ratio {np.median(ratios):.2f}",
        flush=True,
    )
    fits = []
    for lib in ("sklearn", "glassnet"):
        model, X = models[lib]
        accuracy = model.score(data.X_test.astype(X.dtype), data.y_test)
        fits.append(Fit(min(times[lib]), epochs, accuracy, [c.copy() for c in model.coefs_]))
    return fits[0], fits[1]


def alternate_epochs(
    models: dict[str, tuple[SkMLP | GnMLP, np.ndarray]], y: np.ndarray, epochs: int
) -> dict[str, list[float]]:
    """``epochs`` partial_fit calls of each of two models, taking turns at going first."""
    first, second = models
    classes = np.unique(y)
    times: dict[str, list[float]] = {first: [], second: []}
    for epoch in range(epochs):
        for name in (first, second) if epoch % 2 == 0 else (second, first):
            model, X = models[name]
            started = time.perf_counter()
            model.partial_fit(X, y, classes=classes)
            times[name].append(time.perf_counter() - started)
    return times


def check_epochs(name: str, label: str, max_iter: int, sk: Fit, gn: Fit) -> None:
    if sk.n_iter != max_iter or gn.n_iter != max_iter:
        print(
            f"  WARNING {name} {label}: expected {max_iter} epochs each, sklearn ran "
            f"{sk.n_iter} and glassnet {gn.n_iter}; per-epoch times still compare."
        )


def adam_params(hidden: tuple[int, ...], batch_size: int | str, epochs: int) -> dict:
    return {
        "hidden_layer_sizes": hidden,
        "solver": "adam",
        "batch_size": batch_size,
        "max_iter": epochs,
        "tol": 0.0,
        "n_iter_no_change": epochs,  # never stop early: every fit runs max_iter epochs
        "random_state": 0,
    }


# ---------------------------------------------------------------------- overhead


def record_overhead(work: Workload, repeats: int, full: bool) -> Overhead:
    """glassnet record='layers' against record='epochs': best of ``repeats`` fits each.

    The two take turns at going first; record='full' (with ``full``) runs after them.
    """
    data, params = work.data, work.params
    levels = ["epochs", "layers", *(["full"] if full else [])]
    for level in levels:  # untimed: first calls at these shapes
        model = GnMLP(**params, record=level).set_params(max_iter=1, n_iter_no_change=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(data.X_train[:2000], data.y_train[:2000])
    fits: dict[str, list[Fit]] = {level: [] for level in levels}
    for rep in range(repeats):
        order = ["epochs", "layers"] if rep % 2 == 0 else ["layers", "epochs"]
        for level in order + levels[2:]:
            model = GnMLP(**params, record=level)
            fits[level].append(time_fit(model, data.X_train, data))
            if fits[level][-1].n_iter != params["max_iter"]:
                print(
                    f"  WARNING {work.name} record={level}: expected {params['max_iter']} "
                    f"epochs, ran {fits[level][-1].n_iter}; per-epoch times still compare."
                )
        last = {level: fits[level][-1].seconds_per_epoch for level in levels}
        print(
            f"  {work.name.split()[0]} overhead rep {rep + 1}/{repeats} ({order[0]} first): "
            + ", ".join(f"{level} {t:.4g}" for level, t in last.items())
            + f" s/epoch; layers/epochs {last['layers'] / last['epochs']:.3f}",
            flush=True,
        )
    ratios = [
        a.seconds_per_epoch / b.seconds_per_epoch
        for a, b in zip(fits["layers"], fits["epochs"], strict=True)
    ]
    seconds = {level: best_of(fits[level]).seconds_per_epoch for level in levels}
    return Overhead(work.name, seconds, float(np.median(ratios)))


def record_overhead_by_epoch(work: Workload, epochs: int) -> Overhead:
    """W3: record='layers' against record='epochs', float64, one epoch at a time.

    Each model's time is its fastest epoch, as in :func:`compare_by_epoch`.
    """
    data, params = work.data, work.params
    models = {
        level: (GnMLP(**params, dtype="float64", record=level), data.X_train)
        for level in ("epochs", "layers")
    }
    times = alternate_epochs(models, data.y_train, epochs)
    ratios = [a / b for a, b in zip(times["layers"], times["epochs"], strict=True)]
    seconds = {level: min(t) for level, t in times.items()}
    for level, t in times.items():
        print(
            f"  {work.name.split()[0]} record={level:<6} epochs (s): "
            + " ".join(f"{x:.3g}" for x in t)
        )
    print(
        f"  {work.name.split()[0]} overhead {epochs} alternating epochs (float64): "
        f"epochs best {seconds['epochs']:.4g} s, layers best {seconds['layers']:.4g} s, "
        f"median per-epoch ratio {np.median(ratios):.3f}",
        flush=True,
    )
    return Overhead(work.name, seconds, float(np.median(ratios)))


def run_overhead(works: list[Workload], repeats: int | None) -> list[Overhead]:
    print("Recording overhead: glassnet record='layers' (default) vs record='epochs'")
    print_load("before")
    results = []
    for work in works:
        print(f"{work.name}: {work.params['max_iter']} epochs, {len(work.data.y_train)} train rows")
        if work.name.startswith("W3"):
            epochs = work.params["max_iter"] * (repeats or 3)
            results.append(record_overhead_by_epoch(work, epochs))
        else:
            results.append(record_overhead(work, repeats or 9, full=True))
    print_load("after")
    return results


def print_load(when: str) -> None:
    """The 1-minute load average: above the core count, other work shared the CPU."""
    print(f"  load average {when}: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def print_overhead(results: list[Overhead]) -> None:
    header = (
        f"{'workload':<28} {'epochs s/ep':>11} {'layers s/ep':>11} {'overhead':>9} "
        f"{'median':>7} {'full s/ep':>10} {'full ovh':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        epochs, layers, full = r.seconds["epochs"], r.seconds["layers"], r.seconds.get("full")
        extra = f"{full:>10.4g} {full / epochs - 1:>+9.1%}" if full else f"{'-':>10} {'-':>9}"
        print(
            f"{r.workload:<28} {epochs:>11.4g} {layers:>11.4g} {layers / epochs - 1:>+9.1%} "
            f"{r.median_ratio - 1:>+7.1%} {extra}"
        )
    print("overhead = layers s/epoch / epochs s/epoch - 1, best of each; median = the median")
    print("of the per-turn ratios - 1; full = record='full', for information only.")
    over = [
        r.workload.split()[0]
        for r in results
        if r.seconds["layers"] / r.seconds["epochs"] - 1 > RECORD_TARGET
    ]
    verdict = "met" if not over else f"NOT met on {', '.join(over)}"
    print(f"Target: overhead <= {RECORD_TARGET * 100:.0f} % on W1-W3: {verdict}.")


# ---------------------------------------------------------------------- workloads


def run_w4(quick: bool, repeats: int) -> list[Row]:
    """L-BFGS: its own data and hyperparameters (no recording overhead measured)."""
    n_train = 2_000 if quick else 20_000
    data = w3_data(n_train, 50)
    iterations = 5 if quick else 20
    print(f"W4: {data.source}, {len(data.y_train)} train rows, L-BFGS")
    params = {
        "hidden_layer_sizes": (256, 128),
        "solver": "lbfgs",
        "max_iter": iterations,
        "tol": 0.0,  # never converged: every fit runs max_iter iterations
        "random_state": 0,
    }
    sk, gn = compare("W4", data, params, repeats, np.float64, None, "float64")
    return [Row(f"W4 {n_train // 1000}k x 50 (256, 128) lbfgs", "float64", sk, gn)]


def w1_workload(quick: bool) -> Workload:
    data = w1_data()
    epochs = 50 if quick else 1000
    return Workload("W1 400 x 2 (32,)", data, adam_params((32,), 200, epochs), quick)


def w2_workload(quick: bool) -> Workload:
    data = w2_data(1000)
    epochs = 50 if quick else 500
    return Workload("W2 moons (16, 8)", data, adam_params((16, 8), "auto", epochs), quick)


def w3_workload(quick: bool) -> Workload:
    n_train, n_features, hidden, batch = (4_000, 50, (256, 128), 256)
    if not quick:
        n_train = 200_000
    epochs = 2 if quick else 5
    data = w3_data(n_train, n_features)
    name = f"W3 {n_train // 1000}k x {n_features} {hidden}"
    return Workload(name, data, adam_params(hidden, batch, epochs), quick)


def print_workload(work: Workload) -> None:
    data = work.data
    rows = f"{len(data.y_train)} train / {len(data.y_test)} test rows"
    print(f"{work.name.split()[0]}: {data.source}, {rows}")


def run_w1(work: Workload, repeats: int) -> list[Row]:
    print_workload(work)
    sk, gn = compare("W1", work.data, work.params, repeats, np.float64, None, "float64")
    return [Row(work.name, "float64", sk, gn)]


def run_w2(work: Workload, repeats: int) -> list[Row]:
    print_workload(work)
    sk, gn = compare("W2", work.data, work.params, repeats, np.float64, None, "float64")
    return [Row(work.name, "float64", sk, gn)]


def run_w3(work: Workload, repeats: int) -> list[Row]:
    print_workload(work)
    data, params, name = work.data, work.params, work.name
    n_train, n_features = data.X_train.shape
    hidden, batch = params["hidden_layer_sizes"], params["batch_size"]
    # One epoch per call, alternating libraries, epochs x repeats epochs each.
    total = params["max_iter"] * repeats
    sk64, gn64 = compare_by_epoch("W3", data, params, total, np.float64, None, "float64")
    sk32, gn32 = compare_by_epoch("W3", data, params, total, np.float32, "float32", "float32")
    print_floor(gn32, [n_features, *hidden, 1], n_train, batch, work.quick)
    return [
        Row(name, "float64", sk64, gn64),
        Row(name, "gn32/sk64", sk64, gn32),
        Row(name, "float32", sk32, gn32),
    ]


# ---------------------------------------------------------------------- floor


def layer_macs(units: list[int]) -> int:
    """Multiply-adds of one row through the network: Σ fan_in·fan_out."""
    return sum(i * o for i, o in pairwise(units))


def minibatch_products(units: list[int], n: int) -> list[tuple[int, int, int]]:
    """The (m, k, p) matrix products of one minibatch of n rows, forward and backward."""
    pairs = list(pairwise(units))
    forward = [(n, i, o) for i, o in pairs]  # a @ W
    weight_grads = [(i, n, o) for i, o in pairs]  # a.T @ delta
    deltas = [(n, o, i) for i, o in pairs[1:]]  # delta @ W.T (none for the input layer)
    return forward + weight_grads + deltas


def gflops_rate(products: list[tuple[int, int, int]], seconds: float) -> float:
    """Best float32 GFLOP/s of running ``products`` back to back with np.dot.

    The best of 8 windows of ``seconds`` each: this machine's speed drifts between
    states a few seconds long, and the floor should use the fast one.
    """
    rng = np.random.default_rng(0)
    operands = [
        (
            rng.standard_normal((m, k), dtype=np.float32),
            rng.standard_normal((k, p), dtype=np.float32),
            np.empty((m, p), dtype=np.float32),
        )
        for m, k, p in products
    ]
    flops = sum(2 * m * k * p for m, k, p in products)
    for a, b, out in operands:  # warm up threads and caches
        np.dot(a, b, out=out)
    best = np.inf
    for _ in range(8):
        rounds = 0
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds or rounds == 0:
            for a, b, out in operands:
                np.dot(a, b, out=out)
            rounds += 1
        best = min(best, elapsed / rounds)
    return flops / best / 1e9


def print_floor(gn32: Fit, units: list[int], n_train: int, batch: int, quick: bool) -> None:
    macs = layer_macs(units)
    forward = 2 * n_train * macs
    nominal = 3 * forward  # backward is about twice the forward
    minimal = 2 * forward + 2 * n_train * layer_macs(units[1:])  # no gradient for X
    budget = 0.05 if quick else 0.4
    rate = gflops_rate(minibatch_products(units, batch), budget)
    peak = gflops_rate([(2048, 2048, 2048)], budget)
    floor = nominal / (rate * 1e9)
    print(
        f"  W3 float32 floor: {nominal / 1e9:.1f} GFLOP per epoch (forward "
        f"{forward / 1e9:.1f} = 2·n·Σ fan_in·fan_out, backward about twice that; "
        f"{minimal / 1e9:.1f} without the unneeded input gradient)"
    )
    print(
        f"  float32 np.dot rate: {rate:.1f} GFLOP/s at the minibatch shapes "
        f"({batch} rows), {peak:.1f} GFLOP/s at 2048x2048"
    )
    print(
        f"  floor {floor:.3g} s/epoch at the minibatch rate ({nominal / (peak * 1e9):.3g} at "
        f"the 2048² rate); glassnet float32 {gn32.seconds_per_epoch:.3g} s/epoch = "
        f"{gn32.seconds_per_epoch / floor:.2f}x the floor"
    )


# ---------------------------------------------------------------------- report


def print_blas() -> None:
    print("BLAS / OpenMP (threadpoolctl):")
    for lib in threadpool_info():
        print(
            f"  {lib.get('internal_api')} {lib.get('version')}: "
            f"{lib.get('num_threads')} threads, architecture {lib.get('architecture', '-')}, "
            f"{Path(lib.get('filepath', '')).name}"
        )


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'workload':<28} {'dtype':<10} {'sklearn s/ep':>12} {'glassnet s/ep':>13} "
        f"{'ratio':>7} {'sk acc':>7} {'gn acc':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        sk, gn = r.sklearn, r.glassnet
        print(
            f"{r.workload:<28} {r.dtype:<10} {sk.seconds_per_epoch:>12.4g} "
            f"{gn.seconds_per_epoch:>13.4g} {sk.seconds_per_epoch / gn.seconds_per_epoch:>7.2f} "
            f"{sk.accuracy:>7.3f} {gn.accuracy:>7.3f}"
        )
    print("ratio = sklearn s/epoch / glassnet s/epoch: above 1 means glassnet is faster.")
    if any(r.dtype == "gn32/sk64" for r in rows):
        print("gn32/sk64 = glassnet float32 against scikit-learn float64.")
    print("Largest |weight difference| after training (same data, same random_state):")
    for r in rows:
        diff = max(
            float(np.max(np.abs(a.astype(np.float64) - b)))
            for a, b in zip(r.sklearn.coefs, r.glassnet.coefs, strict=True)
        )
        print(f"  {r.workload:<28} {r.dtype:<10} {diff:.2e}")


def warm_up() -> None:
    """One tiny fit of each library, so first-call costs are not timed."""
    X, y = make_moons(64, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        SkMLP((8,), max_iter=2, random_state=0).fit(X, y)
        GnMLP((8,), max_iter=2, random_state=0).fit(X, y)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="much smaller sizes and epochs (a few seconds)"
    )
    parser.add_argument(
        "--workloads",
        nargs="+",
        choices=["W1", "W2", "W3", "W4"],
        default=["W1", "W2", "W3", "W4"],
        help="workloads to run (default: all)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="fits per library, best kept (default: 3; W3 runs 5 x this many epochs); "
        "for the recording overhead: fits per record level on W1/W2 (default: 9)",
    )
    parser.add_argument(
        "--overhead",
        action="store_true",
        help="only measure the recording overhead (record='layers' vs 'epochs') on the "
        "selected workloads among W1-W3",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.repeats is not None and args.repeats < 1:
        raise SystemExit(f"--repeats must be at least 1, got {args.repeats}.")
    warm_up()
    print_blas()
    print(f"mode: {'quick (smoke run)' if args.quick else 'full'}")
    builders = {"W1": w1_workload, "W2": w2_workload, "W3": w3_workload}
    works = {name: builders[name](args.quick) for name in args.workloads if name in builders}
    if not args.overhead:
        runners = {"W1": run_w1, "W2": run_w2, "W3": run_w3}
        rows = []
        for name in args.workloads:
            if name == "W4":
                rows += run_w4(args.quick, args.repeats or 3)
            else:
                rows += runners[name](works[name], args.repeats or 3)
        print()
        print_table(rows)
    elif not works:
        raise SystemExit("--overhead measures W1-W3: select at least one of them.")
    elif "W4" in args.workloads:
        print("--overhead: W4 skipped (the recording overhead is measured on W1-W3).")
    if works:
        if not args.overhead:
            print()
        results = run_overhead(list(works.values()), args.repeats)
        print()
        print_overhead(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
