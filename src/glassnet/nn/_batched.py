"""Many small networks trained at once, each exactly as it would train alone.

A search for the smallest network that solves a problem trains hundreds of tiny
networks (a few units, one to three layers, several seeds) on the same rows. Alone,
each minibatch step of such a network is a dozen NumPy calls on arrays of a few
hundred numbers: the time goes to Python and call overhead, not to arithmetic.
``fit_many`` stacks the networks instead and runs every step once for all of them::

    W[l]   (n_nets, widest fan_in, widest fan_out)   zero where a network is narrower
    b[l]   (n_nets, 1, widest fan_out)
    a[l+1] = f(a[l] @ W[l] + b[l])                   batched matmul, (n_nets, rows, units)

Networks of the same depth but different widths share the arrays by padding: a
narrower network's extra units have zero weights in and out and a zero bias, so
they add exact zeros to every sum, and their gradients are multiplied by a 0/1 mask
so that the optimiser (whose moments then stay zero) never moves them.

Networks of different activations share a stack too: the stack is ordered so that
each activation's networks are one block of rows, and every layer applies each
activation to its block (three elementwise calls instead of one, against three times
the matrix products and optimiser steps for three stacks).

Each network keeps its own ``RandomState``: its initial weights are drawn by
``MLPClassifier._initialize`` itself, and every epoch's order of rows is drawn from
it as ``Minibatches`` draws it, so network ``k`` sees exactly the minibatches it
would see alone, gathered into a stacked ``(n_nets, rows, features)`` array. Its
learning rate, L2 penalty, ``tol``, ``n_iter_no_change`` and ``max_iter`` are its
own too; a network whose stopping rule fires is taken out of the stack at the end
of that epoch, as its own ``fit`` would have stopped.

Exactness: the batched products run the same arithmetic but not always through the
same BLAS kernel (a width-1 layer alone is a matrix-vector product, padded it is a
matrix-matrix one), and kernels may associate and fuse multiply-adds differently.
Weights therefore agree with a lone ``fit`` to rounding (~1e-16 per step), not to
the bit (the widest networks of a stack, which have no padding, to the bit); over
200 epochs the largest relative difference seen was 2e-14, with the same stopping
epochs and predictions. Networks seeded with ``random_state=None`` (or one shared
``RandomState``) draw from one generator in another interleaving than one fit after
another, so only int seeds reproduce lone fits.

A group of networks is cut into stacks of similar widths whose work arrays stay in
cache (``_STACK_ELEMENTS``). On 700 rows, 200 epochs, a 2-core machine: 48 networks
(widths 1-8, depths 1-2, 3 seeds) trained in 0.9 s, against 2.6 s for a loop of
``MLPClassifier.fit`` (record='epochs') and 7.9 s for scikit-learn's.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, xlogy
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from glassnet.nn._activations import Activation
from glassnet.nn._blas import blas_threads_for, limit_blas_threads
from glassnet.nn._history import TrainingHistory
from glassnet.nn._mlp import MLPClassifier
from glassnet.nn._optimizers import SGD, Adam
from glassnet.nn._params import check_params, hidden_sizes
from glassnet.nn._recorder import SaturationThresholds

Array = np.ndarray

# Parameters whose non-default values the stacked path cannot reproduce, with what
# they would need; each is checked against MLPClassifier's default.
_UNSUPPORTED = {
    "early_stopping": "a validation split and best-weights bookkeeping per network",
    "dropout": "dropout masks drawn per network",
    "clip_grad_norm": "per-network gradient norms",
    "class_weight": "sample weights",
    "callbacks": "callbacks per network",
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
    X: Any, y: Any, configs: Sequence[Mapping[str, Any]], **params: Any
) -> list[MLPClassifier]:
    """Train many MLPClassifiers on the same data in stacked NumPy computations.

    Network ``i`` is ``MLPClassifier(**{**params, **configs[i]})`` and ends with the
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
        Class labels, or a label-indicator matrix.
    configs : sequence of dict
        Per-network MLPClassifier parameters, e.g. ``{"hidden_layer_sizes": (3,),
        "random_state": 0}``.
    **params
        MLPClassifier parameters shared by every network (a config overrides them).

    Returns
    -------
    list of MLPClassifier
        Fitted, in the order of ``configs``. ``history_`` keeps epoch-level numbers
        only (as ``record='epochs'``, without ``grad_norm``) and no health warnings
        are emitted. A network whose training diverged comes back unfitted, with
        ``history_`` up to the epoch before, and a ``DivergedInBatchWarning``.

    Raises
    ------
    ValueError
        For a solver other than 'sgd'/'adam', sparse X, or a parameter the stacked
        path does not support (early stopping, dropout, gradient clipping, class
        weights, callbacks, warm start, verbose).
    """
    if sp.issparse(X):
        raise ValueError("fit_many needs dense X; pass X.toarray() or fit the models one by one.")
    estimators = [MLPClassifier(**{**params, **dict(config)}) for config in configs]
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


def batch_unsupported(est: MLPClassifier) -> str | None:
    """Say why ``est`` cannot train in a ``fit_many`` stack, or None when it can.

    Parameters
    ----------
    est : MLPClassifier
        An unfitted estimator; only its parameters are read.

    Returns
    -------
    str or None
        A sentence naming the first parameter the stacked path does not support
        (an L-BFGS solver, early stopping, dropout, ...), or None.
    """
    if est.solver not in ("sgd", "adam"):
        return (
            f"fit_many trains with solver='sgd' or 'adam', not solver={est.solver!r}: "
            "L-BFGS's line search takes a different number of steps for each network. "
            "Fit L-BFGS networks one by one."
        )
    defaults = MLPClassifier().get_params()
    for name, needs in _UNSUPPORTED.items():
        value = getattr(est, name)
        if value != defaults[name]:
            return (
                f"fit_many does not support {name}={value!r}: it would need {needs}. "
                f"Leave {name} at its default or fit this model alone."
            )
    return None


def _group_key(est: MLPClassifier, index: int) -> tuple:
    """Check that ``est`` can train in a stack; return what its stack must share."""
    sizes, _, _ = check_params(est)
    reason = batch_unsupported(est)
    if reason is not None:
        raise ValueError(f"config {index}: {reason}")
    shared = tuple(getattr(est, name) for name in _SHARED)
    # Activations are not shared: each network's own apply to its rows of the stack.
    return (len(sizes), *shared)


# Largest (n_nets, rows, units) work array of one stack, in elements. Past ~600 KB
# a step's arrays fall out of the caches: 96 networks of width 8 took 47 us per
# network and step on 200-row minibatches, 48 of them 21 us.
_STACK_ELEMENTS = 1 << 16


def _chunks(estimators: list[MLPClassifier], n_samples: int) -> list[list[MLPClassifier]]:
    """Split one group into stacks of similar widths whose work arrays fit in cache."""
    first = estimators[0]
    rows = first._batch_rows(n_samples)
    ordered = sorted(estimators, key=lambda est: hidden_sizes(est.hidden_layer_sizes)[::-1])
    chunks: list[list[MLPClassifier]] = []
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


def _activation_names(est: MLPClassifier) -> tuple[str, ...]:
    return tuple(act.name for act in check_params(est)[1])


def _fit_group(estimators: list[MLPClassifier], X: Any, y: Any) -> None:
    """Validate, initialise and train networks of one depth and one optimiser setting."""
    first = estimators[0]
    X, Y = first._validate_input(X, y, incremental=False, reset=True)
    X = np.ascontiguousarray(X)
    fitted_input = {
        k: v for k, v in vars(first).items() if k in ("n_features_in_", "feature_names_in_")
    }
    thresholds = SaturationThresholds.from_param(first.saturation)
    units, acts = [], []
    for est in estimators:
        if est is not first:
            vars(est).update(fitted_input)
            est._label_binarizer = copy.deepcopy(first._label_binarizer)
            est.classes_ = est._label_binarizer.classes_
        sizes, own, _ = check_params(est)
        layer_units = [X.shape[1], *sizes, Y.shape[1]]
        # The same draws in the same order as MLPClassifier._fit: weights first.
        est._random_state = check_random_state(est.random_state)
        est._initialize(Y, layer_units, own, X.dtype)
        est._hidden_acts = own
        est._diverged_at = None
        est.history_ = TrainingHistory(layer_units, [a.name for a in own], thresholds)
        units.append(layer_units)
        acts.append(own)
    n_samples = X.shape[0]
    if first.batch_size != "auto" and first.batch_size > n_samples:
        warnings.warn(
            f"Got `batch_size` less than 1 or larger than sample size. It is going to "
            f"be clipped to the {n_samples} training rows.",
            stacklevel=3,
        )
    batch_rows = first._batch_rows(n_samples)
    widest = np.max(units, axis=0).tolist()
    with limit_blas_threads(blas_threads_for(widest, batch_rows)):
        _Trainer(estimators, np.array(units), acts, X, Y, batch_rows).run()


class _Stack:
    """Parameters, gradients and padding mask of ``n_nets`` networks of one depth.

    ``params`` is ``(n_nets, n_params)``: per row, every layer's padded weights
    (row-major), then every layer's padded biases, as ``Network`` packs one network.
    ``coefs[l]`` ``(n_nets, fan_in, fan_out)`` and ``intercepts[l]`` ``(n_nets, 1,
    fan_out)`` are views into it, and likewise for the gradients.
    """

    def __init__(
        self,
        units: Array,
        hidden: list[list[Activation]],
        output: str,
        dtype: np.dtype,
        rows: int = 200,
    ) -> None:
        self.units = units  # (n_nets, n_layers + 1), each network's own widths
        self.hidden = hidden  # each network's hidden activations, layer by layer
        self.n_hidden = len(hidden[0])
        self.rows = rows  # minibatch rows, to weigh elementwise work against call overhead
        self._segment()
        self.output = output
        widest = units.max(axis=0).tolist()
        self.shapes = list(itertools.pairwise(widest))
        self.n_coef = sum(i * o for i, o in self.shapes)
        n_params = self.n_coef + sum(widest[1:])
        n_nets = units.shape[0]
        self.params = np.zeros((n_nets, n_params), dtype=dtype)
        self.grads = np.zeros_like(self.params)
        self.mask = np.zeros_like(self.params)  # 1.0 where the network has a parameter
        self._work: dict[int, list[dict[str, Any]]] = {}
        self._bind()
        mask_W, mask_b = _views(self.mask, self.shapes)
        for k, row in enumerate(units):
            for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(row)):
                mask_W[layer][k, :fan_in, :fan_out] = 1.0
                mask_b[layer][k, :, :fan_out] = 1.0

    def _segment(self) -> None:
        """Cut the rows into runs of networks with the same activations, and of widths.

        ``segments`` lists ``(rows, activations)``: a slice of the stack and the
        hidden activations, layer by layer, of its networks. ``runs[i]`` lists
        ``(rows, width, activation)`` for hidden layer ``i``: each segment cut again
        into runs of networks of similar widths (``_runs``), so that elementwise work
        touches only a run's widest real units, not the stack's padding. Elementwise
        work on a slice gives each element exactly what it gives on the whole array.
        """
        self.segments: list[tuple[slice, list[Activation]]] = []
        start = 0
        for k in range(1, len(self.hidden) + 1):
            if k == len(self.hidden) or self.hidden[k] != self.hidden[start]:
                self.segments.append((slice(start, k), self.hidden[start]))
                start = k
        self.runs: list[list[tuple[slice, int, Activation]]] = []
        for i in range(self.n_hidden):
            layer = []
            for rows, acts in self.segments:
                widths = self.units[rows, i + 1].tolist()
                cost = _ELEMENT_NS.get(acts[i].name, _ELEMENT_NS["other"]) * self.rows
                # Cheap activations on strided slices cost more than their padding.
                cut = cost >= _ELEMENT_NS["logistic"] * self.rows
                full = int(self.units[:, i + 1].max())
                whole = [(slice(0, len(widths)), 0)]
                for run, width in _runs(widths, cost, full) if cut else whole:
                    start, stop = rows.start + run.start, rows.start + run.stop
                    layer.append((slice(start, stop), width, acts[i]))
            self.runs.append(layer)

    def _bind(self) -> None:
        self.coefs, self.intercepts = _views(self.params, self.shapes)
        self.coef_grads, self.intercept_grads = _views(self.grads, self.shapes)

    def embed(self, k: int, coefs: list[Array], intercepts: list[Array]) -> None:
        """Copy one network's weights into row ``k`` (padding stays zero)."""
        layers = zip(self.coefs, self.intercepts, coefs, intercepts, strict=True)
        for W, b, coef, intercept in layers:
            W[k, : coef.shape[0], : coef.shape[1]] = coef
            b[k, 0, : intercept.shape[0]] = intercept

    def extract(self, k: int, flat: Array | None = None) -> tuple[list[Array], list[Array]]:
        """Row ``k`` of ``flat`` (default: the parameters) cut to its network's shapes."""
        flat = self.params if flat is None else flat
        coefs, intercepts = _views(flat, self.shapes)
        row = self.units[k]
        pairs = list(itertools.pairwise(row))
        return (
            [W[k, :i, :o].copy() for W, (i, o) in zip(coefs, pairs, strict=True)],
            [b[k, 0, :o].copy() for b, (_, o) in zip(intercepts, pairs, strict=True)],
        )

    def flat(self, k: int, flat: Array) -> Array:
        """Row ``k`` of a stacked vector, unpadded into a lone network's flat packing."""
        coefs, intercepts = self.extract(k, flat)
        return np.concatenate([c.ravel() for c in coefs] + intercepts)

    def keep(self, rows: Array) -> None:
        """Drop every network not in ``rows`` (indices into the current stack)."""
        self.units = self.units[rows]
        self.params = self.params[rows]
        self.grads = self.grads[rows]
        self.mask = self.mask[rows]
        self.hidden = [self.hidden[k] for k in rows]
        self._segment()
        self._bind()
        # Padded units are never written by elementwise work: their work entries must
        # hold finite values (zeros) so that their zero weights multiply them to exact
        # zeros. Rows now hold other networks than before: start from zeros again.
        self._work.clear()

    def work(self, n: int) -> list[dict[str, Any]]:
        """Per layer, ``z``, ``a`` and ``delta`` arrays ``(n_nets, n, units)``, made once.

        Reused across minibatches (and made afresh when networks leave the stack):
        arrays of a few hundred kilobytes, allocated at every step, cost page faults
        and cache misses that made a step up to 3x slower. Also per layer: ``tile``,
        the biases repeated ``t`` times (see ``_add_bias``); on the output layer
        ``terms``, the log loss's work array; on the first, ``ones`` and ``l2``.
        """
        k = self.params.shape[0]
        if n not in self._work:
            dtype = self.params.dtype
            layers = []
            for i, (_, units) in enumerate(self.shapes):
                # Zeros, not empty: padded entries are never written (see keep).
                a = np.zeros((k, n, units), dtype=dtype)
                needs_input = i < self.n_hidden and any(
                    acts[i].needs_input for _, acts in self.segments
                )
                z = np.zeros_like(a) if needs_input else a
                layers.append({"z": z, "a": a, "delta": np.zeros_like(a)})
                tiles = _bias_tiles(n, units)
                if tiles > 1:
                    layers[-1]["tile"] = np.empty((k, 1, tiles * units), dtype=dtype)
            layers[0]["ones"] = np.ones((k, 1, n), dtype=dtype)
            widest = max(units for _, units in self.shapes)
            layers[0]["scratch"] = np.empty((k, n, widest), dtype=dtype)
            layers[0]["l2"] = np.empty((k, self.n_coef), dtype=dtype)
            layers[-1]["terms"] = np.empty_like(layers[-1]["a"])
            self._bind_runs(layers)
            self._work[n] = layers
        return self._work[n]

    def _bind_runs(self, layers: list[dict[str, Any]]) -> None:
        """Slice the work arrays for each run and segment once, not at every step.

        ``forward`` lists ``(function, z, a)`` per run of a hidden layer;
        ``backward`` ``(activation, a, z or None, delta, scratch)`` per segment.
        """
        scratch = layers[0]["scratch"]
        for i in range(self.n_hidden):
            layer = layers[i]
            z, a, delta = layer["z"], layer["a"], layer["delta"]
            layer["forward"] = []
            for rows, width, act in self.runs[i]:
                # Padded units keep z = 0 in a (or a's zeros): times their zero weights out.
                cols = slice(None) if width in (0, z.shape[2]) else slice(width)
                layer["forward"].append((act.forward, z[rows, :, cols], a[rows, :, cols]))
            # Over every unit: padded units have delta = 0 and finite a and z, and
            # strided slices of a few units made the derivatives 2x slower.
            own_z = z if z is not a else None
            rest = scratch[:, :, : delta.shape[2]]
            layer["backward"] = [
                (acts[i], a[rows], None if own_z is None else own_z[rows], delta[rows], rest[rows])
                for rows, acts in self.segments
            ]

    def loss_and_gradient(self, X: Array, Y: Array, alpha_over_n: Array, alpha: Array) -> Array:
        """Per-network loss on stacked minibatches; gradients are left in ``self.grads``.

        Parameters
        ----------
        X : ndarray of shape (n_nets, n, n_features)
            Each network's minibatch rows.
        Y : ndarray of bool, shape (n_nets, n, n_outputs)
        alpha_over_n : ndarray of shape (n_nets, 1)
            Each network's L2 strength divided by the minibatch size.
        alpha : ndarray of shape (n_nets,)
            Each network's L2 strength.

        Returns
        -------
        ndarray of shape (n_nets,)
            Mean log loss plus the L2 term, per network.
        """
        n = X.shape[1]
        work = self.work(n)
        inputs = self._forward(X, work)
        out = inputs[-1]  # (n_nets, n, n_outputs)
        loss = _log_loss(out, Y, self.output, work[-1]["terms"])
        # One sum over all layers' weights (padding adds zeros): the lone network sums
        # per layer, so the L2 term may differ in its last bit (the loss only).
        coefs = self.params[:, : self.n_coef]
        squares = np.einsum("kp,kp->k", coefs, coefs)
        loss += (0.5 * alpha) * squares / float(n)

        delta = work[-1]["delta"]
        np.subtract(out, Y, out=delta)
        delta *= 1.0 / float(n)  # as Network: folded into the output error
        for i in range(len(self.coefs) - 1, -1, -1):
            np.matmul(inputs[i].transpose(0, 2, 1), delta, out=self.coef_grads[i])
            np.matmul(work[0]["ones"], delta, out=self.intercept_grads[i])  # column sums
            if i == 0:
                break
            below = work[i - 1]
            # A contiguous copy of W.T: batched products with a transposed operand
            # ran 2-3x slower than the copy and a plain product together.
            WT = np.ascontiguousarray(self.coefs[i].transpose(0, 2, 1))
            if WT.shape[1] == 1:  # one output: a product per element, no sum to order
                _outer(delta, WT, below["delta"], below.get("tile"))
            else:
                np.matmul(delta, WT, out=below["delta"])
            delta = below["delta"]  # (n_nets, n, units[i])
            for act, a_rows, z_rows, delta_rows, scratch in below["backward"]:
                _backward(act, a_rows, z_rows, delta_rows, scratch)
        coef_grads = self.grads[:, : self.n_coef]
        l2 = np.multiply(coefs, alpha_over_n, out=work[0]["l2"])
        coef_grads += l2
        self.grads *= self.mask  # padded units' weights out of a logistic 0.5, and so on
        return loss

    def _forward(self, X: Array, work: list[dict[str, Any]]) -> list[Array]:
        """Every layer's output, written into ``work``; returns ``[X, a1, ..., output]``."""
        inputs = [X]
        for i, (W, b, layer) in enumerate(zip(self.coefs, self.intercepts, work, strict=True)):
            z, a = layer["z"], layer["a"]
            np.matmul(inputs[-1], W, out=z)  # (n_nets, n, units[i + 1])
            if z.shape[2] == 1:  # broadcast along the rows: NumPy's inner loop is then long
                z[:, :, 0] += b[:, :, 0]
            else:
                _add_bias(z, b, layer.get("tile"))
            if i < self.n_hidden:
                for forward, z_run, a_run in layer["forward"]:
                    forward(z_run, a_run)
            else:
                _output(z, self.output)
            inputs.append(a)
        return inputs


# Rough cost of an activation per element (ns), against ~1.5 us per NumPy call on a
# slice: SciPy's expit is 3-5x dearer than tanh, so it pays to skip its padding. On
# a slice of fewer units than the array has (strided), each element costs ~1.4x more.
_ELEMENT_NS = {"identity": 0.3, "relu": 0.6, "tanh": 1.2, "logistic": 5.0, "other": 10.0}
_CALL_NS = 1500.0
_STRIDED = 1.4


def _runs(widths: list[int], per_unit: float, full: int) -> list[tuple[slice, int]]:
    """Cut networks (in stack order) into runs ``(rows, widest)`` of least estimated cost.

    A run costs one call plus ``per_unit`` for each of its rows times its widest
    network's units (``_STRIDED`` times more when that is fewer than ``full``, the
    array's units): dynamic programming over where to cut (a few dozen networks).
    """
    n = len(widths)
    best = [0.0] + [math.inf] * n
    cut = [0] * (n + 1)
    for stop in range(1, n + 1):
        widest = 0
        for start in range(stop - 1, -1, -1):
            widest = max(widest, widths[start])
            unit = per_unit if widest == full else per_unit * _STRIDED
            cost = best[start] + _CALL_NS + unit * (stop - start) * widest
            if cost < best[stop]:
                best[stop], cut[stop] = cost, start
    runs = []
    stop = n
    while stop:
        start = cut[stop]
        runs.append((slice(start, stop), max(widths[start:stop])))
        stop = start
    return runs[::-1]


def _views(flat: Array, shapes: list[tuple[int, int]]) -> tuple[list[Array], list[Array]]:
    """Per-layer ``(n, fan_in, fan_out)`` and ``(n, 1, fan_out)`` views of ``(n, P)`` rows."""
    n = flat.shape[0]
    coefs, intercepts = [], []
    start = 0
    for fan_in, fan_out in shapes:
        stop = start + fan_in * fan_out
        coefs.append(flat[:, start:stop].reshape(n, fan_in, fan_out, copy=False))
        start = stop
    for _, fan_out in shapes:
        stop = start + fan_out
        intercepts.append(flat[:, start:stop].reshape(n, 1, fan_out, copy=False))
        start = stop
    return coefs, intercepts


def _backward(act: Activation, a: Array, z: Array | None, delta: Array, scratch: Array) -> None:
    """``act.backward(a, z, delta)``, the usual activations' temporaries in ``scratch``.

    The same operations in the same order as ``_activations`` (so the same numbers),
    without allocating a temporary the size of the layer at every step.
    """
    if act.name == "relu":
        mask = np.greater(a, 0, out=scratch)  # 1.0 / 0.0: delta * (a > 0) as relu's grad
        np.multiply(delta, mask, out=delta)
    elif act.name == "tanh":
        np.multiply(a, a, out=scratch)  # a**2
        np.subtract(1, scratch, out=scratch)
        np.multiply(delta, scratch, out=delta)
    elif act.name == "logistic":
        np.multiply(delta, a, out=delta)
        np.subtract(1, a, out=scratch)
        np.multiply(delta, scratch, out=delta)
    else:
        act.backward(a, z, delta)


def _bias_tiles(n: int, units: int) -> int:
    """How many rows' worth of biases to tile: the most, up to ~128 numbers, dividing n."""
    for tiles in range(max(128 // units, 1), 0, -1):
        if n % tiles == 0:
            return tiles
    return 1


def _add_bias(z: Array, b: Array, tile: Array | None) -> None:
    """``z += b`` for ``z`` ``(n_nets, n, units)``, ``b`` ``(n_nets, 1, units)``.

    Broadcast over the rows, NumPy's inner loop is ``units`` long (a few numbers):
    adding ``b`` repeated ``t`` times to ``z`` seen as ``(n_nets, n / t, t * units)``
    does the same additions, element for element, in loops ``t`` times longer
    (40% less time on 24 networks of 8 units).
    """
    if tile is None:
        z += b
        return
    k, n, units = z.shape
    tiles = tile.shape[2] // units
    np.copyto(tile.reshape(k, tiles, units), b)
    rows = z.reshape(k, n // tiles, tile.shape[2])
    rows += tile


def _outer(delta: Array, WT: Array, out: Array, tile: Array | None) -> None:
    """``out = delta * WT`` for ``delta`` ``(n_nets, n, 1)``, ``WT`` ``(n_nets, 1, units)``.

    Broadcast both ways, NumPy's inner loop is ``units`` long. Copying ``delta``
    across the units (a copy, exact) and multiplying by ``WT`` tiled as in
    ``_add_bias`` makes the same products in loops ``t`` times longer (25-30% less
    time on 9-15 networks of 5-8 units).
    """
    if tile is None:
        np.multiply(delta, WT, out=out)
        return
    k, n, units = out.shape
    tiles = tile.shape[2] // units
    np.copyto(tile.reshape(k, tiles, units), WT)
    np.copyto(out, delta)
    rows = out.reshape(k, n // tiles, tile.shape[2])
    rows *= tile


def _output(z: Array, name: str) -> Array:
    """Apply the output activation over the last axis, in place (as ``OUTPUT_ACTIVATIONS``)."""
    if name == "logistic":
        expit(z, out=z)
        return z
    tmp = z - z.max(axis=-1, keepdims=True)
    np.exp(tmp, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


@functools.cache
def _eps(dtype: np.dtype) -> float:
    return float(np.finfo(dtype).eps)


def _log_loss(prob: Array, Y: Array, name: str, terms: Array) -> Array:
    """``log_loss`` of every network at once: ``(n_nets, n, n_outputs)`` -> ``(n_nets,)``.

    ``terms`` is a work array shaped like ``prob``.
    """
    eps = _eps(prob.dtype)
    if name == "softmax":
        np.maximum(prob, eps, out=terms)
        np.minimum(terms, 1 - eps, out=terms)
        xlogy(Y, terms, out=terms)
    else:
        np.subtract(1, prob, out=terms)
        # np.where(Y, prob, 1 - prob): 2x faster than np.copyto(..., where=Y) in place.
        np.maximum(np.where(Y, prob, terms), eps, out=terms)
        np.minimum(terms, 1 - eps, out=terms)
        xlogy(1.0, terms, out=terms)
    per_output = np.add.reduce(terms, axis=1) / terms.shape[1]  # (n_nets, n_outputs)
    return -(per_output[:, 0] if per_output.shape[1] == 1 else per_output.sum(axis=1))


class _StackedAdam:
    """``Adam`` on ``(n_nets, n_params)`` rows, each with its own learning rate."""

    def __init__(self, shape: tuple[int, int], dtype: np.dtype, lr_init: Array, est: Any) -> None:
        self.lr_init = lr_init  # (n_nets, 1)
        self.learning_rate = lr_init.copy()
        self.beta_1, self.beta_2, self.epsilon = est.beta_1, est.beta_2, est.epsilon
        self.t = 0
        self.m = np.zeros(shape, dtype=dtype)
        self.v = np.zeros(shape, dtype=dtype)

    def step(self, params: Array, grads: Array) -> None:
        # Operation for operation as Adam.step: a zero gradient keeps m, v and the
        # step exactly zero, which is what keeps padding at zero.
        m, v = self.m, self.v
        self.t += 1
        m *= self.beta_1
        tmp = grads * (1 - self.beta_1)
        m += tmp
        v *= self.beta_2
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - self.beta_2
        v += tmp
        self.learning_rate = (
            self.lr_init * math.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        )
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= self.learning_rate
        params -= tmp

    def keep(self, rows: Array) -> None:
        self.lr_init, self.learning_rate = self.lr_init[rows], self.learning_rate[rows]
        self.m, self.v = self.m[rows], self.v[rows]

    def export(self, stack: _Stack, k: int, est: MLPClassifier) -> Adam:
        """Row ``k``'s state as the ``Adam`` its estimator would hold after ``fit``."""
        n = stack.flat(k, stack.params).size
        opt = Adam(n, stack.params.dtype, est.learning_rate_init, *self._betas())
        opt.t, opt.learning_rate = self.t, float(self.learning_rate[k, 0])
        opt.m, opt.v = stack.flat(k, self.m), stack.flat(k, self.v)
        return opt

    def _betas(self) -> tuple[float, float, float]:
        return self.beta_1, self.beta_2, self.epsilon

    def iteration_ends(self, time_step: int) -> None:
        """Adam keeps its step size across epochs."""

    def trigger_stopping(self, k: int) -> bool:
        return True


class _StackedSGD:
    """``SGD`` on ``(n_nets, n_params)`` rows, each with its own learning rate."""

    def __init__(self, shape: tuple[int, int], dtype: np.dtype, lr_init: Array, est: Any) -> None:
        self.lr_init = lr_init  # (n_nets, 1)
        self.learning_rate = lr_init.copy()
        self.schedule, self.power_t = est.learning_rate, est.power_t
        self.momentum, self.nesterov = est.momentum, est.nesterovs_momentum
        self.velocity = np.zeros(shape, dtype=dtype)

    def step(self, params: Array, grads: Array) -> None:
        v = self.velocity
        tmp = grads * self.learning_rate  # lr * g
        v *= self.momentum
        v -= tmp
        if self.nesterov:
            params -= tmp
            np.multiply(v, self.momentum, out=tmp)
            params += tmp
        else:
            params += v

    def keep(self, rows: Array) -> None:
        self.lr_init, self.learning_rate = self.lr_init[rows], self.learning_rate[rows]
        self.velocity = self.velocity[rows]

    def export(self, stack: _Stack, k: int, est: MLPClassifier) -> SGD:
        n = stack.flat(k, stack.params).size
        opt = SGD(
            n,
            stack.params.dtype,
            est.learning_rate_init,
            self.schedule,
            self.momentum,
            self.nesterov,
            self.power_t,
        )
        opt.learning_rate = float(self.learning_rate[k, 0])
        opt.velocity = stack.flat(k, self.velocity)
        return opt

    def iteration_ends(self, time_step: int) -> None:
        if self.schedule == "invscaling":
            self.learning_rate = self.lr_init / (time_step + 1) ** self.power_t

    def trigger_stopping(self, k: int) -> bool:
        if self.schedule != "adaptive" or self.learning_rate[k, 0] <= 1e-6:
            return True
        self.learning_rate[k, 0] /= 5.0
        return False


class _Trainer:
    """The epoch loop of ``MLPClassifier._fit_stochastic``, for a stack of networks."""

    def __init__(
        self,
        estimators: list[MLPClassifier],
        units: Array,
        acts: list[list[Activation]],
        X: Array,
        Y: Array,
        batch_rows: int,
    ) -> None:
        first = estimators[0]
        self.estimators = list(estimators)  # the networks still training, row by row
        self.X, self.Y, self.batch_rows = X, Y, batch_rows
        self.shuffle = first.shuffle
        self.stack = _Stack(units, acts, first.out_activation_, X.dtype, batch_rows)
        for k, est in enumerate(estimators):
            self.stack.embed(k, est.coefs_, est.intercepts_)
        dtype = X.dtype
        self.alpha = np.array([est.alpha for est in estimators], dtype=dtype)
        lr_init = np.array([[est.learning_rate_init] for est in estimators], dtype=dtype)
        optimizer = _StackedAdam if first.solver == "adam" else _StackedSGD
        self.optimizer = optimizer(self.stack.params.shape, dtype, lr_init, first)
        n = X.shape[0]
        self.orders = np.tile(np.arange(n), (len(estimators), 1))  # each network's row order

    def run(self) -> None:
        while self.estimators:
            started = time.perf_counter()
            if self.shuffle:
                # order[permutation(n)] as Minibatches draws it, without the arange and
                # the copy: shuffling the row in place makes the same swaps.
                for k, est in enumerate(self.estimators):
                    est._random_state.shuffle(self.orders[k])
            losses = self._epoch()
            self._end_epoch(losses, time.perf_counter() - started)

    def _epoch(self) -> Array:
        """One pass over each network's minibatches; returns each network's mean loss."""
        X, Y, stack, optimizer = self.X, self.Y, self.stack, self.optimizer
        X_epoch = np.take(X, self.orders, axis=0)  # (n_nets, n, features)
        Y_epoch = np.take(Y, self.orders, axis=0)  # (n_nets, n, outputs)
        alpha = self.alpha
        total = np.zeros(alpha.shape[0])
        n = X.shape[0]
        alpha_over = {}  # the same division for every full minibatch: done once
        for start in range(0, n, self.batch_rows):
            stop = min(start + self.batch_rows, n)
            if stop - start not in alpha_over:
                alpha_over[stop - start] = (alpha / float(stop - start))[:, None]
            alpha_over_n = alpha_over[stop - start]
            loss = stack.loss_and_gradient(
                X_epoch[:, start:stop], Y_epoch[:, start:stop], alpha_over_n, alpha
            )
            total += loss * (stop - start)
            optimizer.step(stack.params, stack.grads)
        return total / n

    def _end_epoch(self, losses: Array, seconds: float) -> None:
        """``MLPClassifier._end_epoch`` per network; networks that stop leave the stack."""
        stack, optimizer = self.stack, self.optimizer
        n = self.X.shape[0]
        finite = np.isfinite(stack.params).all(axis=1) & np.isfinite(losses)
        weight_norms = np.sqrt(np.einsum("kp,kp->k", stack.params, stack.params))
        t = self.estimators[0].t_ + n  # every network in the stack has seen as many rows
        optimizer.iteration_ends(t)
        keep = []
        # Python floats once for all networks, not one NumPy scalar at a time.
        losses_, rates, norms = (
            losses.tolist(),
            optimizer.learning_rate[:, 0].tolist(),
            weight_norms.tolist(),
        )
        for k, est in enumerate(self.estimators):
            loss = losses_[k]
            if not finite[k]:
                self._diverged(est)
                continue
            est.n_iter_ += 1
            est.loss_ = loss
            est.t_ += n
            est.loss_curve_.append(loss)
            est._update_no_improvement_count(None, loss, None)
            est.history_.append(
                {
                    "loss": loss,
                    "validation_loss": None,
                    "validation_score": None,
                    "learning_rate": rates[k],
                    "seconds": seconds / len(self.estimators),
                    "grad_norm": math.nan,
                    "weight_norm": norms[k],
                }
            )
            stop = False
            if est._no_improvement_count > est.n_iter_no_change:
                stop = optimizer.trigger_stopping(k)
                if not stop:
                    est._no_improvement_count = 0
            if not stop and est.n_iter_ == est.max_iter:
                stop = True
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) reached "
                    "and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=5,
                )
            if stop:
                self._finish(k, est)
            else:
                keep.append(k)
        if len(keep) < len(self.estimators):
            rows = np.array(keep, dtype=np.intp)
            stack.keep(rows)
            optimizer.keep(rows)
            self.alpha = self.alpha[rows]
            self.orders = self.orders[rows]
            self.estimators = [self.estimators[k] for k in keep]

    def _finish(self, k: int, est: MLPClassifier) -> None:
        """Hand row ``k``'s weights and optimiser state to its estimator."""
        est.coefs_, est.intercepts_ = self.stack.extract(k)
        est._optimizer = self.optimizer.export(self.stack, k, est)

    def _diverged(self, est: MLPClassifier) -> None:
        for name in ("coefs_", "intercepts_"):
            est.__dict__.pop(name, None)
        est._diverged_at = est.n_iter_ + 1
