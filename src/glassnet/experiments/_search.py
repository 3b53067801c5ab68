"""The smallest network that solves a problem: a search over depth and width.

For each depth the search looks for the fewest units per layer that reach the target
score on enough seeds. It gallops over widths (1, 2, 4, 8, ...) until one solves, then
halves the gap to the last width that failed, so ``max_units=64`` costs about a dozen
architectures per depth instead of 64. That shortcut assumes success is monotone in
width (more units never hurt); the table keeps every (architecture, seed) evaluated,
so the assumption can be checked.
"""

from __future__ import annotations

import contextlib
import functools
import math
import warnings
from collections.abc import Callable, Generator, Iterator
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_X_y

from glassnet.diagnostics import TrainingHealthWarning
from glassnet.experiments._result import SmallestNetwork, n_parameters, summarize
from glassnet.experiments._runner import Run, task_runner
from glassnet.nn import MLPClassifier, TrainingDivergedError
from glassnet.nn._fit_many import DivergedInBatchWarning, batch_unsupported, fit_many

Array = np.ndarray
Architecture = tuple[int, ...]

# Adam with tanh units, a larger step than Adam's default (0.03, not 0.001), small
# minibatches (32 rows, not up to 200) and more patience (50 epochs without
# improvement, not 10), for two reasons. The search should measure what an
# architecture *can* learn, not how lucky its optimiser was: at the defaults Adam
# stops at the straight-line boundary (accuracy ~0.84 on the two moons), a plateau it
# leaves only with larger steps, enough of them per epoch on small data sets (140
# training rows are one minibatch of 200), and the epochs to do it; so set, it finds
# the curved boundary from 3 tanh units on 1000 rows, the width L-BFGS finds too. And
# Adam trains on the batched engine (``fit_many``: every seed of an architecture in
# one stacked computation), which L-BFGS cannot, its line search taking a different
# number of steps for each network. solver='lbfgs' still works, one fit at a time.
DEFAULT_MLP_PARAMS: dict[str, Any] = {
    "solver": "adam",
    "activation": "tanh",
    "learning_rate_init": 0.03,
    "batch_size": 32,
    "n_iter_no_change": 50,
    "max_iter": 1000,
}

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
    batched: bool = True,
    progress: Callable[[int], None] | None = None,
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
    architecture with the fewest parameters; ties go to fewer layers. The
    depths are searched side by side: each round fits the next width of every
    depth still searching.

    With Adam or SGD (the default trains Adam) the seeds of an architecture
    are trained together on the batched engine, one stacked NumPy computation
    (:func:`glassnet.nn._fit_many.fit_many`), which ends each network where its
    own ``fit`` would (to rounding), so the scores are those of lone fits.
    L-BFGS, early stopping, dropout and the other settings the engine does not
    stack are fitted one network at a time.

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
        not both. On the batched engine a task is one architecture (all its
        seeds), so up to ``max_layers`` tasks run at once; fitted one at a
        time, a task is one (architecture, seed).
    batched : bool, default=True
        Train the seeds of an architecture in one stacked computation when the
        training parameters allow it. False fits every network alone, for
        checking: the table is the same.
    progress : callable, optional
        Called in this process as ``progress(n)`` each time ``n`` more
        networks have been fitted, e.g. to advance a progress bar.
    **mlp_params
        Passed to :class:`glassnet.MLPClassifier`, over ``DEFAULT_MLP_PARAMS``
        (``solver='adam', activation='tanh', learning_rate_init=0.03,
        batch_size=32, n_iter_no_change=50, max_iter=1000``) and
        ``record='epochs'``. ``hidden_layer_sizes`` and
        ``random_state`` are set by the search.

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
    if "loss" in mlp_params:
        raise ValueError(
            f"loss={mlp_params['loss']!r} is MLPRegressor's; the searches train "
            "MLPClassifiers (log loss), and do not search regressors yet."
        )
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

    fits = _Fits(template, data, metric, classes, seeds, batched=batched)
    searches = {depth: width_probes(max_units) for depth in range(1, max_layers + 1)}
    asked = {depth: next(search) for depth, search in searches.items()}  # depth -> width
    by_depth: dict[int, list[dict[str, Any]]] = {depth: [] for depth in searches}
    with task_runner(n_jobs=n_jobs, scheduler=scheduler) as run:
        while asked:
            archs = [(width,) * depth for depth, width in asked.items()]
            scored = fits.run(run, archs, progress)
            for depth, width in list(asked.items()):
                arch = (width,) * depth
                by_depth[depth] += [
                    {
                        "depth": depth,
                        "units": width,
                        "hidden_layer_sizes": str(arch),
                        "n_parameters": n_parameters(X.shape[1], arch, n_outputs),
                        "seed": seed,
                        "score": score,
                        # A hair of slack so 0.97 counts as reaching 0.97 despite rounding.
                        "solved": score >= target - 1e-12,
                        "n_iter": n_iter,
                    }
                    for seed, (score, n_iter) in enumerate(scored[arch])
                ]
                solved = sum(row["solved"] for row in by_depth[depth][-seeds:]) >= needed
                try:
                    asked[depth] = searches[depth].send(solved)
                except StopIteration:
                    del asked[depth]

    # Depth by depth, each in the order its search asked: the summary's steps.
    scores = pd.DataFrame([row for depth in sorted(by_depth) for row in by_depth[depth]])
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
        training={name: template.get_params()[name] for name in DEFAULT_MLP_PARAMS},
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
    probes = width_probes(max_units)
    width = next(probes)
    while True:
        try:
            width = probes.send(solves(width))
        except StopIteration as done:
            return done.value


def width_probes(max_units: int) -> Generator[int, bool, int | None]:
    """Run the width search of :func:`smallest_width` as a generator, one width at a time.

    Yields the next width to try and receives whether it solved, so that a
    caller can interleave several searches (one per depth) and fit their widths
    together. Returns (in ``StopIteration.value``) the smallest solving width,
    or None.
    """
    failed, width = 0, 1  # invariant: ``failed`` is 0 or a width that did not solve
    while not (yield width):
        if width == max_units:
            return None
        failed, width = width, min(2 * width, max_units)
    while width - failed > 1:  # ``width`` solves; the answer is in (failed, width]
        middle = (failed + width) // 2
        if (yield middle):
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


# More distinct float values than this, most of them once: numbers, not classes.
_MAX_CLASSES = 20


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
    if y.dtype.kind == "f" and len(classes) > _MAX_CLASSES and len(classes) > len(y) / 2:
        raise ValueError(
            f"y has {len(classes)} distinct numbers in {len(y)} rows: a regression target, "
            "not classes. The searches look for the smallest classifier that reaches an "
            "accuracy; they do not search regressors (MLPRegressor) yet."
        )
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
        # .tolist(): plain values (1, 'yes'), not np.int64(1) reprs.
        pairs = zip(classes.tolist(), counts.tolist(), strict=True)
        sizes = ", ".join(f"{c!r}: {n}" for c, n in pairs)
        raise ValueError(
            f"{len(y)} rows with classes {{{sizes}}} cannot be split into training and "
            f"test rows with test_size={test_size:g} keeping each class in both ({err}); "
            "give more rows of the small classes or change test_size."
        ) from err


# ------------------------------------------------------------------ fitting


class _Fits:
    """Fit and score the seeds of architectures: stacked when the engine allows it."""

    def __init__(
        self,
        template: MLPClassifier,
        data: tuple[Any, Any, Array, Array],
        metric: str,
        classes: Array,
        seeds: int,
        *,
        batched: bool,
    ) -> None:
        self.seeds = seeds
        self.batched = batched and not sp.issparse(data[0]) and batch_unsupported(template) is None
        fit = _fit_seeds if self.batched else _fit_one
        self.fit = functools.partial(fit, template, data=data, metric=metric, classes=classes)

    def run(
        self, run: Run, archs: list[Architecture], progress: Callable[[int], None] | None
    ) -> dict[Architecture, list[tuple[float, int]]]:
        """Return each architecture's (score, n_iter) per seed, in seed order."""
        by_arch: dict[Architecture, dict[int, tuple[float, int]]] = {a: {} for a in archs}
        if self.batched:
            tasks = [(arch, tuple(range(self.seeds))) for arch in archs]
        else:
            tasks = [(arch, (seed,)) for arch in archs for seed in range(self.seeds)]
        # Results come back as they finish; the table lists them by seed.
        for (arch, seeds), results in run(self.fit, tasks):
            by_arch[arch].update(zip(seeds, results, strict=True))
            if progress is not None:
                progress(len(seeds))
        return {arch: [found[seed] for seed in sorted(found)] for arch, found in by_arch.items()}


@contextlib.contextmanager
def _quietly() -> Iterator[None]:
    # A search fits hundreds of networks and expects many to fail; a warning for
    # each would bury the answer. Unfinished training shows in the n_iter column.
    with warnings.catch_warnings():
        for kind in (ConvergenceWarning, TrainingHealthWarning, DivergedInBatchWarning):
            warnings.simplefilter("ignore", kind)
        yield


def _fit_seeds(
    template: MLPClassifier,
    task: tuple[Architecture, tuple[int, ...]],
    data: tuple[Any, Any, Array, Array],
    metric: str,
    classes: Array,
) -> list[tuple[float, int]]:
    """Train one architecture on several seeds in one stack; (score, n_iter) per seed."""
    X_train, X_test, y_train, y_test = data
    arch, seeds = task
    configs = [{"hidden_layer_sizes": arch, "random_state": seed} for seed in seeds]
    with _quietly():
        models = fit_many(X_train, y_train, configs, **template.get_params())
    return [_score(model, X_test, y_test, metric, classes) for model in models]


def _fit_one(
    template: MLPClassifier,
    task: tuple[Architecture, tuple[int, ...]],
    data: tuple[Any, Any, Array, Array],
    metric: str,
    classes: Array,
) -> list[tuple[float, int]]:
    """Train one network alone and return its (score, n_iter), as a list of one."""
    X_train, X_test, y_train, y_test = data
    arch, (seed,) = task
    model = clone(template).set_params(hidden_layer_sizes=arch, random_state=seed)
    with _quietly(), contextlib.suppress(TrainingDivergedError):
        model.fit(X_train, y_train)  # diverged: scored NaN, as fit_many leaves it unfitted
    return [_score(model, X_test, y_test, metric, classes)]


def _score(
    model: MLPClassifier, X_test: Any, y_test: Array, metric: str, classes: Array
) -> tuple[float, int]:
    """Return a network's test score and iterations; NaN when its training diverged."""
    if getattr(model, "_diverged_at", None) is not None:
        return math.nan, int(getattr(model, "n_iter_", 0))
    return METRICS[metric](y_test, model.predict(X_test), classes), int(model.n_iter_)
