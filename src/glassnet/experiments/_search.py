"""The smallest network that solves a problem: a search over depth and width.

For each depth the search looks for the fewest units per layer that reach the target
score on enough seeds. It gallops over widths (1, 2, 4, 8, ...) until one solves, then
halves the gap to the last width that failed, so ``max_units=64`` costs about a dozen
architectures per depth instead of 64. That shortcut assumes success is monotone in
width (more units never hurt); the table keeps every (architecture, seed) evaluated,
so the assumption can be checked.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_X_y

from glassnet.diagnostics import TrainingHealthWarning
from glassnet.experiments._result import SmallestNetwork, n_parameters, summarize
from glassnet.experiments._runner import task_runner
from glassnet.nn import MLPClassifier

Array = np.ndarray
Architecture = tuple[int, ...]

# L-BFGS with tanh, because the search should measure what an architecture *can*
# learn, not how lucky its optimiser was: on the two-moons exercise, Adam at its
# default step size stalls at the straight-line boundary (accuracy ~0.84) for small
# networks whatever their width, while L-BFGS finds the curved one from 4 tanh units.
# Pass solver='adam' etc. to search with the settings of your own training instead.
DEFAULT_MLP_PARAMS: dict[str, Any] = {"solver": "lbfgs", "activation": "tanh", "max_iter": 1000}

# Fits stay cheap: only epoch-level numbers are recorded.
_SEARCH_RECORD = "epochs"

# Parameters the search sets itself, and the argument that controls each.
_SEARCH_OWNS = {"hidden_layer_sizes": "max_layers and max_units", "random_state": "seeds"}


def _f1(y_true: Array, y_pred: Array, classes: Array) -> float:
    # The positive class is the larger label, as LabelBinarizer (and so the MLP) has it.
    return float(f1_score(y_true, y_pred, pos_label=classes[-1]))


METRICS: dict[str, Callable[[Array, Array, Array], float]] = {
    "accuracy": lambda y_true, y_pred, classes: float(accuracy_score(y_true, y_pred)),
    "balanced_accuracy": lambda y_true, y_pred, classes: float(
        balanced_accuracy_score(y_true, y_pred)
    ),
    "f1": _f1,
    "f1_macro": lambda y_true, y_pred, classes: float(f1_score(y_true, y_pred, average="macro")),
}


def smallest_network(
    X: Any,
    y: Any,
    *,
    target: float = 0.97,
    metric: str = "accuracy",
    max_layers: int = 3,
    max_units: int = 64,
    seeds: int = 10,
    success_rate: float = 0.8,
    test_size: float = 0.3,
    split_seed: int = 0,
    n_jobs: int | None = None,
    scheduler: Any = None,
    **mlp_params: Any,
) -> SmallestNetwork:
    """Find the smallest network that reliably reaches a target score.

    A network *solves* the problem when its score on the test rows reaches
    ``target`` for at least ``success_rate`` of the seeds. Architectures have
    ``d`` hidden layers of ``k`` units each, ``(k,) * d``: the course's question
    is "how many layers, how many neurons per layer", and equal widths keep the
    space one number per depth. For each depth from 1 to ``max_layers`` the
    search finds the smallest solving ``k`` in 1..``max_units`` by galloping
    (1, 2, 4, 8, ... until one solves) and then bisecting between the last
    failure and the first success. This assumes that success is monotone in
    width; a width between two probes is not tried, but every (architecture,
    seed) that was fitted is in the result's table. The answer is the solving
    architecture with the fewest parameters; ties go to fewer layers.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The features, already scaled as you would for training.
    y : array-like of shape (n_samples,)
        The class labels, at least two classes.
    target : float, default=0.97
        The score on the test rows a fit must reach, in (0, 1].
    metric : {'accuracy', 'balanced_accuracy', 'f1', 'f1_macro'}, default='accuracy'
        How test rows are scored. 'f1' is the F1 score of the positive class
        (the larger label) and needs two classes; 'f1_macro' averages over classes.
    max_layers : int, default=3
        The deepest network tried.
    max_units : int, default=64
        The widest layer tried.
    seeds : int, default=10
        How many seeds (0, 1, ..., seeds - 1) each architecture is trained with.
        A seed is the network's ``random_state``: its initial weights and the
        order of its minibatches. It does not move the split.
    success_rate : float, default=0.8
        Share of the seeds that must reach ``target``, in (0, 1].
    test_size : float, default=0.3
        Share of the rows held out for scoring, strictly between 0 and 1.
    split_seed : int, default=0
        Seed of the one stratified train/test split that every fit shares, so
        that architectures are compared on the same rows.
    n_jobs : int or None, default=None
        Fit the seeds of an architecture in parallel with joblib (-1: all
        processors). None fits them one after the other. The results are the
        same either way.
    scheduler : str, dask.distributed.Client or None, default=None
        Fit the seeds on a Dask cluster instead: the scheduler's address
        (``'tcp://10.0.0.5:8786'``, connected for this search and closed after)
        or a connected ``Client`` (left open). Its workers need glassnet
        installed. The results are the same; give ``n_jobs`` or ``scheduler``,
        not both.
    **mlp_params
        Passed to :class:`glassnet.MLPClassifier`, over ``DEFAULT_MLP_PARAMS``
        (``solver='lbfgs', activation='tanh', max_iter=1000``) and
        ``record='epochs'``. ``hidden_layer_sizes`` and ``random_state`` are set
        by the search.

    Returns
    -------
    SmallestNetwork
        The answer (``hidden_layer_sizes``, ``n_parameters``, ``success_rate``),
        every score in ``scores``, per architecture in ``summary``, and ``plot()``.
        When no network in the space solves the problem, ``solved`` is False and
        ``str(result)`` names the best one reached and what to try next.

    Raises
    ------
    ValueError
        When an argument is out of range, the metric is unknown, X and y do not
        match, y has a single class, the split leaves a class out, both
        ``n_jobs`` and ``scheduler`` are given, or no Dask scheduler answers at
        the address (``SchedulerError``, after 10 s at most).

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from glassnet.experiments import smallest_network
    >>> X, y = make_moons(300, noise=0.1, random_state=0)
    >>> result = smallest_network(X, y, max_units=8, seeds=3)
    >>> result.solved, result.hidden_layer_sizes
    (True, (4,))
    """
    _check_search(target, metric, max_layers, max_units, seeds, success_rate, test_size)
    for name, controlled_by in _SEARCH_OWNS.items():
        if name in mlp_params:
            raise ValueError(
                f"{name} is chosen by the search; set {controlled_by} instead of passing "
                f"{name}={mlp_params[name]!r}."
            )
    X, y = _check_data(X, y)
    classes = np.unique(y)
    if metric == "f1" and len(classes) != 2:
        raise ValueError(
            f"metric='f1' scores one positive class, but y has {len(classes)} classes; "
            "use metric='f1_macro' (F1 averaged over classes) or 'balanced_accuracy'."
        )
    data = _split(X, y, test_size, split_seed)
    # Built now so that a misspelt MLP parameter fails before any training.
    template = MLPClassifier(**{**DEFAULT_MLP_PARAMS, "record": _SEARCH_RECORD, **mlp_params})
    needed = math.ceil(success_rate * seeds - 1e-9)  # seeds that must reach the target
    n_outputs = 1 if len(classes) == 2 else len(classes)

    rows: list[dict[str, Any]] = []
    with task_runner(n_jobs=n_jobs, scheduler=scheduler) as run:

        def solves(arch: Architecture) -> bool:
            fit = functools.partial(
                _fit_and_score, template, arch, data=data, metric=metric, classes=classes
            )
            # Results come back as they finish; the table lists them by seed.
            by_seed = dict(run(fit, range(seeds)))
            fits = [by_seed[seed] for seed in range(seeds)]
            for seed, (score, n_iter) in enumerate(fits):
                rows.append(
                    {
                        "depth": len(arch),
                        "units": arch[0],
                        "hidden_layer_sizes": str(arch),
                        "n_parameters": n_parameters(X.shape[1], arch, n_outputs),
                        "seed": seed,
                        "score": score,
                        # A hair of slack so 0.97 counts as reaching 0.97 despite rounding.
                        "solved": score >= target - 1e-12,
                        "n_iter": n_iter,
                    }
                )
            return sum(score >= target - 1e-12 for score, _ in fits) >= needed

        for depth in range(1, max_layers + 1):
            smallest_width(lambda k, depth=depth: solves((k,) * depth), max_units)

    scores = pd.DataFrame(rows)
    return SmallestNetwork.from_scores(
        scores,
        summarize(scores, needed),
        target=target,
        metric=metric,
        required_success_rate=success_rate,
        n_seeds=seeds,
        max_layers=max_layers,
        max_units=max_units,
        max_iter=template.max_iter,
    )


def smallest_width(solves: Callable[[int], bool], max_units: int) -> int | None:
    """Find the smallest width in 1..max_units that solves, assuming monotonicity.

    Gallops (1, 2, 4, ... capped at ``max_units``) until a width solves, then
    bisects between the last failure and that success. Each width is asked at
    most once, about ``2 log2(max_units)`` widths in all.

    Parameters
    ----------
    solves : callable
        ``solves(k)`` says whether ``k`` units per layer solve the problem.
    max_units : int
        The widest layer to try.

    Returns
    -------
    int or None
        The smallest solving width (exact if ``solves`` is monotone), or None
        when ``max_units`` does not solve either.
    """
    failed, width = 0, 1  # invariant: ``failed`` is 0 or a width that did not solve
    while not solves(width):
        if width == max_units:
            return None
        failed, width = width, min(2 * width, max_units)
    while width - failed > 1:  # ``width`` solves; the answer is in (failed, width]
        middle = (failed + width) // 2
        if solves(middle):
            width = middle
        else:
            failed = middle
    return width


# ------------------------------------------------------------------ checks


def _check_search(
    target: float,
    metric: str,
    max_layers: int,
    max_units: int,
    seeds: int,
    success_rate: float,
    test_size: float,
) -> None:
    """Raise ValueError for a search argument out of range."""
    if not 0 < target <= 1:
        raise ValueError(
            f"target={target!r} is not a reachable score; {metric} lies in (0, 1], e.g. "
            "target=0.97."
        )
    if metric not in METRICS:
        raise ValueError(f"metric={metric!r} is unknown; use one of {', '.join(METRICS)}.")
    if not 0 < success_rate <= 1:
        raise ValueError(
            f"success_rate={success_rate!r} is the share of seeds that must reach the "
            "target; give a value in (0, 1], e.g. 0.8 for 8 seeds out of 10."
        )
    for name, value in (("seeds", seeds), ("max_units", max_units), ("max_layers", max_layers)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name}={value!r}; it must be a whole number, at least 1.")
    if not 0 < test_size < 1:
        raise ValueError(
            f"test_size={test_size!r} is the share of rows held out for scoring; give a "
            "fraction strictly between 0 and 1, e.g. 0.3."
        )


def _check_data(X: Any, y: Any) -> tuple[Any, Array]:
    """Validate X and y; say what is wrong in words when they cannot be searched."""
    n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
    n_labels = len(y)
    if n_rows != n_labels:
        raise ValueError(
            f"X has {n_rows} rows but y has {n_labels} labels; give one label per row."
        )
    X, y = check_X_y(X, y, accept_sparse="csr")
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}), so there is nothing to classify; "
            "a search needs at least two classes."
        )
    return X, y


def _split(X: Any, y: Array, test_size: float, seed: int) -> tuple[Any, Any, Array, Array]:
    """Return ``(X_train, X_test, y_train, y_test)``, stratified on y."""
    try:
        return tuple(train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed))
    except ValueError as err:
        classes, counts = np.unique(y, return_counts=True)
        sizes = ", ".join(f"{c!r}: {n}" for c, n in zip(classes, counts, strict=True))
        raise ValueError(
            f"{len(y)} rows with classes {{{sizes}}} cannot be split into training and "
            f"test rows with test_size={test_size:g} keeping each class in both ({err}); "
            "give more rows of the small classes or change test_size."
        ) from err


# ------------------------------------------------------------------ fitting


def _fit_and_score(
    template: MLPClassifier,
    arch: Architecture,
    seed: int,
    data: tuple[Any, Any, Array, Array],
    metric: str,
    classes: Array,
) -> tuple[float, int]:
    """Train one network and return its test score and iterations."""
    X_train, X_test, y_train, y_test = data
    model = clone(template).set_params(hidden_layer_sizes=arch, random_state=seed)
    # A search fits hundreds of networks and expects many to fail; a warning for
    # each would bury the answer. Unfinished training shows in the n_iter column.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", TrainingHealthWarning)
        model.fit(X_train, y_train)
    return METRICS[metric](y_test, model.predict(X_test), classes), int(model.n_iter_)
