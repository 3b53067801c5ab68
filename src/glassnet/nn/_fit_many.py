"""``fit_many``: many small networks trained at once, each as it would train alone.

Classifiers and regressors alike (``estimator=MLPRegressor``): networks that share
their depth, the optimiser's settings and (regressors) the loss are trained as one
``Stack`` (``_stack.py``), the stack's rows running the epochs of ``fit``: each
network's epoch is the same minibatches in the same order, and the same optimiser
(``_optimizers.py``, on the stack's rows) and stopping rule (``_stopping.py``) as alone.

Each network keeps its own ``RandomState``: its initial weights are drawn by the
estimator itself (``MLPClassifier._start_training``, the fit protocol), and every
epoch's order of rows is drawn from it as ``Minibatches`` draws it, so network ``k``
sees exactly the minibatches it would see alone. Its learning rate, L2 penalty,
``tol``, ``n_iter_no_change`` and ``max_iter`` are its own too; a network whose
stopping rule fires is taken out of the stack at the end of that epoch, as its own
``fit`` would have stopped, and handed back (``MLPClassifier._finish_training``).
Networks seeded with ``random_state=None`` (or one shared ``RandomState``) draw from
one generator in another interleaving than one fit after another, so only int seeds
reproduce lone fits (to rounding: see ``_stack.py``).

A group of networks is cut into stacks of similar widths whose work arrays stay in
cache (``_STACK_ELEMENTS``). ``benchmarks/sweep_vs_sklearn.py`` measures the speed.
"""

from __future__ import annotations

import numbers
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from glassnet.nn._blas import blas_threads_for, limit_blas_threads
from glassnet.nn._callbacks import has_hooks
from glassnet.nn._history import EPOCH_KEYS
from glassnet.nn._mlp import MLPClassifier, TrainingStart, _BaseMLP
from glassnet.nn._optimizers import OPTIMIZERS, get_optimizer
from glassnet.nn._params import batch_rows, check_params, hidden_sizes
from glassnet.nn._stack import Stack, by_batch, minibatch_losses, with_ones
from glassnet.nn._stopping import no_improvement, warn_max_iter

Array = np.ndarray

# Parameters whose non-default values the stacked path cannot reproduce, with what
# they would need; each is checked against MLPClassifier's default.
_UNSUPPORTED = {
    "early_stopping": "a validation split and best-weights bookkeeping per network",
    "dropout": "dropout masks drawn per network",
    "clip_grad_norm": "per-network gradient norms",
    "class_weight": "sample weights",
    "warm_start": "existing weights",
    "verbose": "printing per network",
}

# Hyperparameters every network of one stack must share (the rest are per network:
# hidden_layer_sizes, random_state, learning_rate_init, alpha, tol,
# n_iter_no_change, max_iter, init).
_SHARED = (
    "solver",
    "batch_size",
    "shuffle",
    "beta_1",
    "beta_2",
    "epsilon",
    "learning_rate",
    "momentum",
    "nesterovs_momentum",
    "power_t",
    "dtype",
)


class DivergedInBatchWarning(UserWarning):
    """Some networks of a ``fit_many`` batch diverged and were left unfitted."""


def fit_many(
    X: Any,
    y: Any,
    configs: Sequence[Mapping[str, Any]],
    *,
    estimator: type[_BaseMLP] = MLPClassifier,
    **params: Any,
) -> list[_BaseMLP]:
    """Train many MLPClassifiers (or MLPRegressors) on the same data at once.

    Network ``i`` is ``estimator(**{**params, **configs[i]})`` and ends with the
    weights, ``loss_curve_`` and ``n_iter_`` that its own ``fit(X, y)`` would give
    (to rounding, see the module docstring), including its stopping rule
    (``tol``/``n_iter_no_change``) and ``max_iter``. Networks that share depth
    and the optimiser's settings (see ``_SHARED``) are trained as one stack,
    however their widths, activations, seeds, learning rates and penalties differ
    (each activation is applied to the block of rows of its networks).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training inputs (dense).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Class labels, or a label-indicator matrix; target values for a regressor.
    configs : sequence of dict
        Per-network parameters, e.g. ``{"hidden_layer_sizes": (3,),
        "random_state": 0}``.
    estimator : {MLPClassifier, MLPRegressor}, default=MLPClassifier
        The class of every network. Regressors of different ``loss`` train in
        different stacks.
    **params
        Parameters shared by every network (a config overrides them).

    Returns
    -------
    list of MLPClassifier or MLPRegressor
        Fitted, in the order of ``configs``. ``history_`` keeps epoch-level numbers
        only (as ``record='epochs'``, without ``grad_norm``) and no health warnings
        are emitted. ``callbacks`` may be plain functions of the epoch's record,
        called after each of the network's epochs with that record (returning True
        stops that network); a function shared by several networks sees each one's
        records. Callback objects, which reach the model, are refused: the
        network's weights live in the stack until it finishes. A network whose
        training diverged comes back unfitted, with ``history_`` up to the epoch
        before, and a ``DivergedInBatchWarning``.

    Raises
    ------
    ValueError
        For a solver other than 'sgd'/'adam', sparse X, or a parameter the stacked
        path does not support (early stopping, dropout, gradient clipping, class
        weights, callback objects, warm start, verbose).
    """
    if sp.issparse(X):
        raise ValueError("fit_many needs dense X; pass X.toarray() or fit the models one by one.")
    estimators = [estimator(**{**params, **dict(config)}) for config in configs]
    groups: dict[tuple, list[int]] = {}
    for i, est in enumerate(estimators):
        groups.setdefault(_group_key(est, i), []).append(i)
    for members in groups.values():
        for chunk in _chunks([estimators[i] for i in members], X.shape[0]):
            _fit_group(chunk, X, y)
    diverged = [i for i, est in enumerate(estimators) if not hasattr(est, "coefs_")]
    if diverged:
        warnings.warn(
            f"{len(diverged)} of {len(estimators)} networks diverged (configs {diverged[:10]}"
            f"{', ...' if len(diverged) > 10 else ''}) and are left unfitted; lower their "
            "learning_rate_init or scale the inputs (StandardScaler).",
            DivergedInBatchWarning,
            stacklevel=2,
        )
    return estimators


def batch_unsupported(est: _BaseMLP) -> str | None:
    """Say why ``est`` cannot train in a ``fit_many`` stack, or None when it can.

    Parameters
    ----------
    est : MLPClassifier or MLPRegressor
        An unfitted estimator; only its parameters are read.

    Returns
    -------
    str or None
        A sentence naming the first parameter the stacked path does not support
        (an L-BFGS solver, early stopping, dropout, ...), or None.
    """
    if est.solver not in OPTIMIZERS:
        return (
            f"fit_many trains with solver='sgd' or 'adam', not solver={est.solver!r}: "
            "L-BFGS's line search takes a different number of steps for each network. "
            "Fit L-BFGS networks one by one."
        )
    objects = [type(c).__name__ for c in est.callbacks or () if has_hooks(c)]
    if objects:
        return (
            f"fit_many calls plain functions of the epoch's record in callbacks, not "
            f"callback objects ({', '.join(objects)}): those reach the model, whose weights "
            "live in the stack until it finishes. Fit this model alone, or pass a function."
        )
    defaults = type(est)().get_params()
    for name, needs in _UNSUPPORTED.items():
        if name not in defaults:
            continue  # class_weight: a classifier's only
        value = getattr(est, name)
        if value != defaults[name]:
            return (
                f"fit_many does not support {name}={value!r}: it would need {needs}. "
                f"Leave {name} at its default or fit this model alone."
            )
    return None


def _group_key(est: _BaseMLP, index: int) -> tuple:
    """Check that ``est`` can train in a stack; return what its stack must share."""
    sizes, _, _ = check_params(est)
    reason = batch_unsupported(est)
    if reason is not None:
        raise ValueError(f"config {index}: {reason}")
    # A regressor's loss picks its output layer, which a whole stack shares.
    shared = tuple(getattr(est, name, None) for name in (*_SHARED, "loss"))
    # Activations are not shared: each network's own apply to its rows of the stack.
    return (len(sizes), *shared)


# Largest (n_nets, rows, units) work array of one stack, in elements. Past ~600 KB
# a step's arrays fall out of the caches: 96 networks of width 8 took 47 us per
# network and step on 200-row minibatches, 48 of them 21 us.
_STACK_ELEMENTS = 1 << 16


def _chunks(estimators: list[_BaseMLP], n_samples: int) -> list[list[_BaseMLP]]:
    """Split one group into stacks of similar widths whose work arrays fit in cache."""
    first = estimators[0]
    rows = batch_rows(first.batch_size, n_samples)
    ordered = sorted(estimators, key=lambda est: hidden_sizes(est.hidden_layer_sizes)[::-1])
    chunks: list[list[_BaseMLP]] = []
    widest = 0
    for est in ordered:
        widest_here = max([widest, *hidden_sizes(est.hidden_layer_sizes)])
        if chunks and (len(chunks[-1]) + 1) * rows * widest_here <= _STACK_ELEMENTS:
            chunks[-1].append(est)
            widest = widest_here
        else:
            chunks.append([est])
            widest = max(hidden_sizes(est.hidden_layer_sizes), default=1)
    # Within a stack, networks of the same activations sit side by side, so that each
    # activation is applied once per layer, to one contiguous block of rows.
    return [sorted(chunk, key=_activation_names) for chunk in chunks]


def _activation_names(est: _BaseMLP) -> tuple[str, ...]:
    return tuple(act.name for act in check_params(est)[1])


def _fit_group(estimators: list[_BaseMLP], X: Any, y: Any) -> None:
    """Validate, initialise and train networks of one depth and one optimiser setting."""
    first = estimators[0]
    # The first validates the data (and warns, pointing at fit_many's caller); the
    # others reuse its checked arrays and classes.
    starts = [first._start_training(X, y, stacklevel=4)]
    X, Y = starts[0].X, starts[0].Y
    starts += [est._start_training(X, Y, like=first) for est in estimators[1:]]
    units = np.array([start.layer_units for start in starts])
    batch_rows = starts[0].batch_rows
    with limit_blas_threads(blas_threads_for(units.max(axis=0).tolist(), batch_rows)):
        _Trainer(estimators, starts).run()


def _shared_draws(estimators: list[_BaseMLP], starts: list[TrainingStart]) -> Array:
    """Label networks whose generators will draw the same orders of rows, one per group.

    Networks seeded with the same int that made the same number of draws for their
    initial weights (the same layers: an activation or learning-rate grid) hold
    generators in the same state, so every epoch they would shuffle alike: their
    group shuffles once (10 us per network and epoch on 1000 rows) and copies the
    order, and its networks share one generator so that it advances once an epoch.
    Networks seeded otherwise (None, a RandomState) keep their own draws.
    """
    labels = np.arange(len(estimators))
    first: dict[tuple, int] = {}
    for k, (est, start) in enumerate(zip(estimators, starts, strict=True)):
        if not isinstance(est.random_state, numbers.Integral):
            continue
        _, keys, pos, has_gauss, gauss = start.random_state.get_state()
        state = (keys.tobytes(), pos, has_gauss, gauss)
        if state in first:
            labels[k] = first[state]
            start.random_state = starts[first[state]].random_state
        else:
            first[state] = k
    return labels


class _Trainer:
    """The epoch loop of ``MLPClassifier._fit_stochastic``, for a stack of networks."""

    def __init__(self, estimators: list[_BaseMLP], starts: list[TrainingStart]) -> None:
        first = estimators[0]
        X, Y, batch_rows = starts[0].X, starts[0].Y, starts[0].batch_rows
        self.estimators = list(estimators)  # every network, in the order given
        self.starts = starts  # what each network's _start_training gave
        self.ids = np.arange(len(estimators))  # each stack row's index into estimators
        self.n_rows, self.batch_rows = X.shape[0], batch_rows
        self.shuffle = first.shuffle
        units = np.array([start.layer_units for start in starts])
        acts = [start.activations for start in starts]
        self.stack = Stack(units, acts, first.out_activation_, X.dtype, batch_rows)
        for k, est in enumerate(estimators):
            self.stack.embed(k, est.coefs_, est.intercepts_)
        dtype = X.dtype
        self.stack.set_alpha([est.alpha for est in estimators])
        # Rows with a last feature of ones (the first layer's bias input), and 0/1
        # targets in the parameters' dtype; each epoch gathers whole rows of both.
        self.X_rows = with_ones(X)
        self.Y_rows = np.ascontiguousarray(Y, dtype=dtype)
        firsts = range(0, X.shape[0], batch_rows)
        self.sizes = np.array([min(batch_rows, X.shape[0] - i) for i in firsts], dtype=float)
        lr_init = np.array([[est.learning_rate_init] for est in estimators], dtype=dtype)
        # The lone network's optimiser, on the stack's rows: one rate per network.
        optimizer = get_optimizer(first.solver)
        self.optimizer = optimizer.from_params(first, self.stack.params.shape, dtype, lr_init)
        n = X.shape[0]
        self.orders = np.tile(np.arange(n), (len(estimators), 1))  # each network's row order
        self.draws = _shared_draws(estimators, starts)
        # The stopping rule's state, one entry per row, as MLPClassifier keeps it per
        # network; estimators get it back when they leave.
        self.n_iter = np.zeros(len(estimators), dtype=np.intp)
        self.best = np.array([est.best_loss_ for est in estimators], dtype=float)
        self.count = np.array([start.no_improvement_count for start in starts])
        self.tol = np.array([est.tol for est in estimators], dtype=float)
        self.patience = np.array([est.n_iter_no_change for est in estimators])
        self.max_iter = np.array([est.max_iter for est in estimators])
        self.t = first.t_  # rows seen by every network so far
        # Per epoch: every network's loss, learning rate and weight norm (NaN once it
        # has left), and the epoch's seconds per network.
        self.log: dict[str, list[Array]] = {"loss": [], "learning_rate": [], "weight_norm": []}
        self.seconds: list[float] = []
        self.callbacks = [est.callbacks or [] for est in estimators]

    def run(self) -> None:
        while self.ids.size:
            started = time.perf_counter()
            if self.shuffle:
                # order[permutation(n)] as Minibatches draws it, without the arange and
                # the copy: shuffling the row in place makes the same swaps.
                drawn: dict[int, int] = {}  # group -> the row that drew its order
                rows = zip(self.ids.tolist(), self.draws.tolist(), strict=True)
                for k, (i, group) in enumerate(rows):
                    if group in drawn:
                        self.orders[k] = self.orders[drawn[group]]
                    else:
                        self.starts[i].random_state.shuffle(self.orders[k])
                        drawn[group] = k
            losses = self._epoch()
            self._end_epoch(losses, time.perf_counter() - started)

    def _epoch(self) -> Array:
        """One pass over each network's minibatches; returns each network's mean loss."""
        stack, optimizer = self.stack, self.optimizer
        # Each network's rows in its own order, seen units-major as the stack computes:
        # (n_nets, features + 1, n) and (n_nets, outputs, n) views. Gathering whole
        # rows and viewing them transposed is 2x faster than gathering columns (and
        # BLAS takes the transposed operand as it is).
        X = np.take(self.X_rows, self.orders, axis=0).transpose(0, 2, 1)
        Y = np.take(self.Y_rows, self.orders, axis=0).transpose(0, 2, 1)
        Y_other = Y - 1.0 if stack.output == "logistic" else None
        n = X.shape[2]
        k, n_outputs, _ = Y.shape
        rows = self.batch_rows
        full, rest = divmod(n, rows)
        # The epoch's outputs, minibatch after minibatch (each one contiguous).
        probs = [np.empty((full, k, n_outputs, rows), dtype=stack.params.dtype)]
        if rest:
            probs.append(np.empty((1, k, n_outputs, rest), dtype=stack.params.dtype))
        squares = np.empty((full + (rest > 0), k))
        for b, start in enumerate(range(0, n, rows)):
            batch = slice(start, min(start + rows, n))
            prob = probs[0][b] if b < full else probs[1][0]
            squares[b] = stack.gradient(X[:, :, batch], Y[:, :, batch], prob)
            optimizer.step(stack.params, stack.grads)
        # The losses once for the whole epoch: the same numbers, in ~10 NumPy calls
        # where every minibatch took ~10.
        losses, first = [], 0  # first: the part's first minibatch
        for prob in probs:  # the full minibatches, then the shorter last one
            m, size = prob.shape[0], prob.shape[3]
            cols = slice(first * rows, first * rows + m * size)
            targets = [None if a is None else by_batch(a[:, :, cols], m) for a in (Y, Y_other)]
            part = squares[first : first + m]
            losses.append(minibatch_losses(prob, *targets, part, stack.half_alpha, stack.output))
            first += m
        losses = np.concatenate(losses)
        # Loss times rows, summed minibatch after minibatch as the lone loop adds them
        # up: cumsum is sequential (a reduction may sum pairwise).
        return np.cumsum(losses * self.sizes[:, None], axis=0)[-1] / n

    def _end_epoch(self, losses: Array, seconds: float) -> None:
        """``MLPClassifier._end_epoch`` for every row at once; networks that stop leave."""
        stack, optimizer = self.stack, self.optimizer
        finite = np.isfinite(stack.params).all(axis=1) & np.isfinite(losses)
        self.t += self.n_rows
        optimizer.iteration_ends(self.t)
        for key, values in (
            ("loss", losses),
            ("learning_rate", optimizer.learning_rate[:, 0]),
            ("weight_norm", np.sqrt(np.einsum("kp,kp->k", stack.params, stack.params))),
        ):
            column = np.full(len(self.estimators), np.nan)
            column[self.ids] = values
            self.log[key].append(column)
        self.seconds.append(seconds / self.ids.size)
        # A diverged network's epoch does not count: it stops with the epochs before.
        self.n_iter += finite
        best, count = no_improvement(losses, self.best, self.count, self.tol)
        self.count = np.where(finite, count, self.count)
        self.best = np.where(finite, best, self.best)
        asked = self._run_callbacks(finite)  # before the adaptive rate divides, as alone
        stop = finite & (self.count > self.patience)
        for k in np.flatnonzero(stop).tolist():
            if not optimizer.trigger_stopping(k):  # SGD's adaptive rate: divide, go on
                stop[k] = False
                self.count[k] = 0
        stop |= asked
        at_max = finite & ~stop & (self.n_iter == self.max_iter)
        for k in np.flatnonzero(at_max).tolist():
            warn_max_iter(self.max_iter[k], stacklevel=5)
        leave = (stop | at_max | ~finite).nonzero()[0]
        if leave.size == 0:
            return
        for k in leave.tolist():
            self._finish(k, diverged=not finite[k])
        rows = np.flatnonzero(~(stop | at_max | ~finite))
        stack.keep(rows)
        optimizer.keep(rows)
        self.orders = self.orders[rows]
        for name in ("ids", "draws", "n_iter", "best", "count", "tol", "patience", "max_iter"):
            setattr(self, name, getattr(self, name)[rows])

    def _run_callbacks(self, finite: Array) -> Array:
        """Call each network's callbacks with its epoch's record; True where one asks to stop.

        The record is the one its ``history_`` will hold (no ``grad_norm``: the stack
        does not measure it); the epoch just logged is the last entry of ``log``.
        """
        asked = np.zeros(self.ids.size, dtype=bool)
        for k, i in enumerate(self.ids.tolist()):
            if not self.callbacks[i] or not finite[k]:
                continue
            logged = {key: float(values[-1][i]) for key, values in self.log.items()}
            record = {key: logged.get(key) for key in EPOCH_KEYS}
            record["epoch"], record["seconds"] = int(self.n_iter[k]), self.seconds[-1]
            answers = [bool(callback(record)) for callback in self.callbacks[i]]  # all run
            asked[k] = any(answers)
        return asked

    def _finish(self, k: int, diverged: bool) -> None:
        """Hand row ``k``'s weights, optimiser state and record to its estimator."""
        est = self.estimators[self.ids[k]]
        epochs = int(self.n_iter[k])
        columns = {
            key: np.array([values[self.ids[k]] for values in log[:epochs]], dtype=float)
            for key, log in self.log.items()
        }
        columns["seconds"] = np.array(self.seconds[:epochs])
        for key in ("validation_loss", "validation_score", "grad_norm"):
            columns[key] = np.full(epochs, np.nan)  # not measured
        params = None
        if not diverged:
            coefs, intercepts = self.stack.extract(k)
            optimizer = self.optimizer.row(
                k,
                est.learning_rate_init,
                lambda stacked, linear: self.stack.flat(k, stacked, linear),
            )
            params = (coefs, intercepts, optimizer)
        est._finish_training(columns, self.n_rows, self.best[k], self.count[k], params)
