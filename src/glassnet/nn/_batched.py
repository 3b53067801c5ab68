"""Many small networks trained at once, each as it would train alone.

A search for the smallest network that solves a problem trains hundreds of tiny
networks (a few units, one to three layers, several seeds) on the same rows. Alone,
each minibatch step of such a network is a dozen NumPy calls on arrays of a few
hundred numbers: the time goes to Python and call overhead, not to arithmetic.
``fit_many`` stacks the networks instead and runs every step once for all of them,
units-major (each unit's minibatch rows contiguous)::

    A[l]   (n_nets, widest fan_out, widest fan_in + 1)   [W.T | b], zero where narrower
    a[l]   (n_nets, units + 1, rows)                    the last row all ones
    z[l+1] = A[l] @ a[l]                                 batched matmul: W.T a + b

Networks of the same depth but different widths share the arrays by padding: a
narrower network's extra units have zero weights in and out and a zero bias, so
they add exact zeros to every sum, and their gradients are multiplied by a 0/1 mask
so that the optimiser (whose moments then stay zero) never moves them. A network's
real units are one contiguous block of a layer's array, so elementwise work runs
over runs of networks of similar widths and skips most of the padding.

Networks of different activations share a stack too: the stack is ordered so that
each activation's networks are one block of rows, and every layer applies each
activation to its block.

Each network keeps its own ``RandomState``: its initial weights are drawn by
``MLPClassifier._initialize`` itself, and every epoch's order of rows is drawn from
it as ``Minibatches`` draws it, so network ``k`` sees exactly the minibatches it
would see alone. Its learning rate, L2 penalty, ``tol``, ``n_iter_no_change`` and
``max_iter`` are its own too; a network whose stopping rule fires is taken out of
the stack at the end of that epoch, as its own ``fit`` would have stopped.

Exactness: every network makes the same arithmetic as alone, but not always through
the same kernels, so weights agree with a lone ``fit`` to rounding, not to the bit.
The batched products go through other BLAS kernels (a width-1 layer alone is a
matrix-vector product, stacked a matrix-matrix one, and the bias is added inside the
product), and the logistic function and the log loss use NumPy's SIMD ``exp`` and
``log``, which differ from the C library's (SciPy's ``expit`` and ``xlogy``, used by a
lone fit) in the last bit for a few percent of inputs, and are 4x faster. Over 200
epochs the weights stayed within 1.5e-12 (relative) of 160 lone fits, and those of
the issue's 48-network sweep within 7e-15 of scikit-learn's, with the same stopping
epochs and predictions. Networks seeded with
``random_state=None`` (or one shared ``RandomState``) draw from one generator in
another interleaving than one fit after another, so only int seeds reproduce lone
fits.

A group of networks is cut into stacks of similar widths whose work arrays stay in
cache (``_STACK_ELEMENTS``). ``benchmarks/sweep_vs_sklearn.py`` measures the speed.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
import numbers
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
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

    The layout is units-major: a layer's work arrays are ``(n_nets, units, rows)``,
    so that each unit's minibatch rows are contiguous, a bias broadcasts along them,
    and a network's real units are one contiguous block (elementwise work then skips
    the padding at no cost). Each layer's parameters are one ``(n_nets, fan_out,
    fan_in + 1)`` block of ``params`` (``(n_nets, n_params)``): row ``j`` holds the
    weights into unit ``j`` and, last, its bias. Every layer's input carries a last
    row of ones, so one product gives ``z = W.T a + b``, and one product gives the
    weights' and the bias's gradients together.
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
        n_params = sum((fan_in + 1) * fan_out for fan_in, fan_out in self.shapes)
        n_nets = units.shape[0]
        self.params = np.zeros((n_nets, n_params), dtype=dtype)
        self.grads = np.zeros_like(self.params)
        self.mask = np.zeros_like(self.params)  # 1.0 where the network has a parameter
        # -1.0 at the layers stored negated (those into logistic units, see _logistic).
        self.sign = np.ones_like(self.params)
        # 1.0 at every weight, 0.0 at the biases (which carry no L2 penalty).
        self.is_weight = np.ones(n_params, dtype=dtype)
        for block in _views(self.is_weight[None, :], self.shapes):
            block[0, :, -1] = 0.0
        self._work: dict[int, list[dict[str, Any]]] = {}
        self._l2: dict[int, Array] = {}
        self.set_alpha(np.zeros(n_nets))  # each network's L2 strength
        self._bind()
        for layer, block in enumerate(_views(self.mask, self.shapes)):
            for k, row in enumerate(units):
                fan_in, fan_out = row[layer], row[layer + 1]
                block[k, :fan_out, :fan_in] = 1.0
                block[k, :fan_out, -1] = 1.0
        for layer, block in enumerate(_views(self.sign, self.shapes)):
            for k, acts in enumerate(hidden):
                name = acts[layer].name if layer < self.n_hidden else output
                if name == "logistic":
                    block[k] = -1.0

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
                calls, ns = _RUN_COST.get(acts[i].name, _RUN_COST["other"])
                for run, width in _runs(widths, calls, ns * self.rows):
                    start, stop = rows.start + run.start, rows.start + run.stop
                    layer.append((slice(start, stop), width, acts[i]))
            self.runs.append(layer)

    def _bind(self) -> None:
        self.blocks = _views(self.params, self.shapes)
        self.grad_blocks = _views(self.grads, self.shapes)

    def embed(self, k: int, coefs: list[Array], intercepts: list[Array]) -> None:
        """Copy one network's weights into row ``k`` (padding stays zero)."""
        for block, coef, intercept in zip(self.blocks, coefs, intercepts, strict=True):
            fan_in, fan_out = coef.shape
            block[k, :fan_out, :fan_in] = coef.T
            block[k, :fan_out, -1] = intercept
        self.params[k] *= self.sign[k]

    def extract(
        self, k: int, flat: Array | None = None, signed: bool = True
    ) -> tuple[list[Array], list[Array]]:
        """Row ``k`` of ``flat`` (default: the parameters) cut to its network's shapes.

        ``signed``: ``flat`` is stored as the parameters are (negated where ``sign``
        is -1, as are gradients and first moments), not a square (second moments).
        """
        row = (self.params if flat is None else flat)[k]
        if signed:
            row = row * self.sign[k]
        blocks = _views(row[None, :], self.shapes)
        pairs = list(itertools.pairwise(self.units[k]))
        return (
            [B[0, :o, :i].T.copy() for B, (i, o) in zip(blocks, pairs, strict=True)],
            [B[0, :o, -1].copy() for B, (_, o) in zip(blocks, pairs, strict=True)],
        )

    def flat(self, k: int, flat: Array, signed: bool = True) -> Array:
        """Row ``k`` of a stacked vector, unpadded into a lone network's flat packing."""
        coefs, intercepts = self.extract(k, flat, signed)
        return np.concatenate([c.ravel() for c in coefs] + intercepts)

    def keep(self, rows: Array) -> None:
        """Drop every network not in ``rows`` (indices into the current stack)."""
        self.units = self.units[rows]
        self.params = self.params[rows]
        self.grads = self.grads[rows]
        self.mask = self.mask[rows]
        self.sign = self.sign[rows]
        self.set_alpha(self.alpha[rows])
        self.hidden = [self.hidden[k] for k in rows]
        self._segment()
        self._bind()
        # Padded units are never written by elementwise work: their work entries must
        # hold zeros, so that their zero weights multiply them to exact zeros. Rows
        # now hold other networks than before: start from zeros again.
        self._work.clear()
        self._l2.clear()

    def work(self, n: int) -> list[dict[str, Any]]:
        """Per layer, ``z``, ``a`` and ``delta`` arrays ``(n_nets, units, n)``, made once.

        Reused across minibatches (and made afresh when networks leave the stack):
        arrays of a few hundred kilobytes, allocated at every step, cost page faults
        and cache misses that made a step up to 3x slower. A hidden layer's ``a``
        has one more unit, a row of ones (the next layer's bias input), and ``z`` is
        a view of ``a`` unless an activation's derivative needs ``z``. The output layer
        has ``delta`` only (it writes into the epoch's probabilities); the first also
        ``scratch`` and ``l2``.
        """
        k = self.params.shape[0]
        if n not in self._work:
            dtype = self.params.dtype
            layers = []
            for i, (_, units) in enumerate(self.shapes):
                # Zeros, not empty: padded entries are never written (see keep).
                if i < self.n_hidden:
                    a = np.zeros((k, units + 1, n), dtype=dtype)
                    a[:, units, :] = 1.0
                    needs_input = any(acts[i].needs_input for _, acts in self.segments)
                    z = np.zeros((k, units, n), dtype=dtype) if needs_input else a[:, :units]
                else:  # the output layer writes into the epoch's probabilities
                    a = z = None
                delta = np.zeros((k, units, n), dtype=dtype)
                own_z = z is not None and z.base is None
                layers.append({"z": z, "a": a, "delta": delta, "own_z": own_z})
            widest = max(units for _, units in self.shapes)
            layers[0]["scratch"] = np.empty((k, widest, n), dtype=dtype)
            layers[0]["l2"] = np.empty_like(self.params)
            self._bind_runs(layers)
            self._work[n] = layers
        return self._work[n]

    def _bind_runs(self, layers: list[dict[str, Any]]) -> None:
        """Slice the work arrays for each run once, not at every step.

        ``forward`` lists ``(function, z, a)`` and ``backward`` ``(activation, a, z or
        None, delta, scratch)`` per run of a hidden layer, over the run's widest real
        units: the padding keeps ``a = 0`` and ``delta = 0``.
        """
        scratch = layers[0]["scratch"]
        for i in range(self.n_hidden):
            layer = layers[i]
            z, a, delta = layer["z"], layer["a"], layer["delta"]
            own_z = layer["own_z"]
            layer["forward"] = []
            layer["backward"] = []
            for rows, width, act in self.runs[i]:
                cut = (rows, slice(width))  # the run's networks, their widest real units
                forward = _FORWARD.get(act.name, act.forward)
                layer["forward"].append((forward, z[cut], a[cut]))
                backward = _BACKWARD.get(act.name)
                if backward is None:  # the activation's own, allocating as it goes
                    backward = functools.partial(_own_backward, act)
                layer["backward"].append(
                    (backward, a[cut], z[cut] if own_z else None, delta[cut], scratch[cut])
                )

    def set_alpha(self, alpha: Array) -> None:
        """Give each network its L2 strength."""
        self.alpha = np.asarray(alpha, dtype=self.params.dtype)
        self.half_alpha = 0.5 * self.alpha
        self._l2.clear()

    def l2(self, n: int) -> Array:
        """``alpha / n`` at each network's weights, zero at biases: ``(n_nets, n_params)``."""
        if n not in self._l2:
            self._l2[n] = (self.alpha / float(n))[:, None] * self.is_weight
        return self._l2[n]

    def gradient(self, X: Array, Y: Array, prob: Array) -> Array:
        """One forward and backward pass; gradients are left in ``self.grads``.

        Parameters
        ----------
        X : ndarray of shape (n_nets, n_features + 1, n)
            Each network's minibatch, units-major, with a last row of ones
            (``with_ones``, transposed).
        Y : ndarray of shape (n_nets, n_outputs, n)
            The 0/1 targets, units-major, in the parameters' dtype.
        prob : ndarray of shape (n_nets, n_outputs, n)
            Where the output probabilities are written (a view into the epoch's).

        Returns
        -------
        ndarray of shape (n_nets,)
            Each network's sum of squared weights, for the L2 term of its loss.
        """
        n = X.shape[2]
        work = self.work(n)
        inputs = self._forward(X, work, prob)
        # One sum over all layers' weights (biases and padding add zeros): the lone
        # network sums per layer, so the L2 term may differ in its last bit.
        squares = np.square(self.params, out=work[0]["l2"]) @ self.is_weight

        delta = work[-1]["delta"]
        if self.output == "logistic":  # dL/dz' = -(p - Y) for z' = -z (see _logistic)
            np.subtract(Y, prob, out=delta)
        else:
            np.subtract(prob, Y, out=delta)
        delta *= 1.0 / float(n)  # as Network: folded into the output error
        for i in range(len(self.blocks) - 1, -1, -1):
            # dW.T and db at once: (units, n) @ (n, fan_in + 1).
            np.matmul(delta, inputs[i].transpose(0, 2, 1), out=self.grad_blocks[i])
            if i == 0:
                break
            below = work[i - 1]
            W = self.blocks[i][:, :, :-1].transpose(0, 2, 1)  # (n_nets, fan_in, fan_out)
            if W.shape[2] == 1:  # one output: a product per element, no sum to order
                # einsum's outer product: 40% faster than broadcasting np.multiply.
                np.einsum("kuo,kon->kun", W, delta, out=below["delta"])
            else:
                np.matmul(W, delta, out=below["delta"])
            delta = below["delta"]  # (n_nets, units[i], n)
            for backward, a_run, z_run, delta_run, scratch in below["backward"]:
                backward(a_run, z_run, delta_run, scratch)
        self.grads += np.multiply(self.params, self.l2(n), out=work[0]["l2"])
        self.grads *= self.mask  # padded units' weights out of a logistic 0.5, and so on
        return squares

    def _forward(self, X: Array, work: list[dict[str, Any]], prob: Array) -> list[Array]:
        """Every layer's output, into ``work`` and ``prob``: ``[X, a1, ..., prob]``."""
        inputs = [X]
        for i, (W, layer) in enumerate(zip(self.blocks, work, strict=True)):
            if i < self.n_hidden:
                np.matmul(W, inputs[-1], out=layer["z"])  # (n_nets, units, n): W.T a + b
                for forward, z_run, a_run in layer["forward"]:
                    forward(z_run, a_run)
                inputs.append(layer["a"])
            else:
                np.matmul(W, inputs[-1], out=prob)
                _output(prob, self.output)
                inputs.append(prob)
        return inputs


def minibatch_losses(
    prob: Array, Y: Array, Y_other: Array | None, squares: Array, half_alpha: Array, name: str
) -> Array:
    """Each minibatch's loss of every network, log loss plus L2 term: ``(n_batches, n_nets)``.

    ``prob``, ``Y`` and ``Y_other`` (``Y - 1``, logistic outputs only) are
    ``(n_batches, n_nets, n_outputs, rows)``, minibatches of equal size; ``squares``
    is ``(n_batches, n_nets)``, each network's sum of squared weights at each. The
    same operations as a lone network's ``log_loss`` on each minibatch, so the same
    numbers: each sum is a reduction over one minibatch's contiguous rows.
    """
    rows = float(prob.shape[3])
    terms = _log_terms(prob, Y, Y_other, name)
    per_output = np.add.reduce(terms, axis=3) / rows  # (n_batches, n_nets, n_outputs)
    loss = -(per_output[:, :, 0] if per_output.shape[2] == 1 else per_output.sum(axis=2))
    loss += half_alpha * squares / rows
    return loss


def with_ones(X: Array) -> Array:
    """Rows ``(..., n, n_features)`` with a last feature of ones, the bias's input."""
    ones = np.ones((*X.shape[:-1], 1), dtype=X.dtype)
    return np.concatenate([X, ones], axis=-1)


# Rough cost of a run's elementwise work, forward and backward: NumPy calls, and ns
# per element (``_logistic_of_negated`` is three calls, ``_backward``'s derivatives two or
# three), against ~0.6 us per call on a slice.
_RUN_COST = {
    "identity": (1, 0.3),
    "relu": (3, 1.7),
    "tanh": (4, 3.0),
    "logistic": (6, 3.5),
    "other": (6, 10.0),
}
_CALL_NS = 600.0


def _runs(widths: list[int], calls: int, per_unit: float) -> list[tuple[slice, int]]:
    """Cut networks (in stack order) into runs ``(rows, widest)`` of least estimated cost.

    A run costs ``calls`` NumPy calls plus ``per_unit`` for each of its networks times
    its widest network's units: dynamic programming over where to cut (a few dozen
    networks).
    """
    n = len(widths)
    best = [0.0] + [math.inf] * n
    cut = [0] * (n + 1)
    for stop in range(1, n + 1):
        widest = 0
        for start in range(stop - 1, -1, -1):
            widest = max(widest, widths[start])
            cost = best[start] + calls * _CALL_NS + per_unit * (stop - start) * widest
            if cost < best[stop]:
                best[stop], cut[stop] = cost, start
    runs = []
    stop = n
    while stop:
        start = cut[stop]
        runs.append((slice(start, stop), max(widths[start:stop])))
        stop = start
    return runs[::-1]


def _views(flat: Array, shapes: list[tuple[int, int]]) -> list[Array]:
    """Per-layer ``(n, fan_out, fan_in + 1)`` views of ``(n, P)`` rows."""
    n = flat.shape[0]
    blocks = []
    start = 0
    for fan_in, fan_out in shapes:
        stop = start + (fan_in + 1) * fan_out
        blocks.append(flat[:, start:stop].reshape(n, fan_out, fan_in + 1, copy=False))
        start = stop
    return blocks


# The derivatives of the usual activations, with their temporaries in a scratch
# array: the same operations in the same order as ``_activations`` (so the same
# numbers), without allocating a temporary the size of the layer at every step.
# Each is ``backward(a, z, delta, scratch)`` and multiplies ``delta`` in place.


def _relu_backward(a: Array, z: Array | None, delta: Array, scratch: Array) -> None:
    mask = np.greater(a, 0, out=scratch)  # 1.0 / 0.0: delta * (a > 0) as relu's grad
    np.multiply(delta, mask, out=delta)


def _tanh_backward(a: Array, z: Array | None, delta: Array, scratch: Array) -> None:
    np.multiply(a, a, out=scratch)  # a**2
    np.subtract(1, scratch, out=scratch)
    np.multiply(delta, scratch, out=delta)


def _logistic_backward(a: Array, z: Array | None, delta: Array, scratch: Array) -> None:
    # Stored negated (see _logistic_of_negated): da/dz' = -a (1 - a) = a (a - 1).
    np.multiply(delta, a, out=delta)
    np.subtract(a, 1, out=scratch)
    np.multiply(delta, scratch, out=delta)


def _own_backward(act: Activation, a: Array, z: Array | None, delta: Array, scratch: Array) -> None:
    act.backward(a, z, delta)


def _relu(z: Array, out: Array) -> None:
    # Against the scalar 0 on these slices: no zeros view to make (10% faster).
    np.maximum(z, 0.0, out=out)


def _logistic_of_negated(z: Array, out: Array) -> None:
    """Write the logistic function of ``-z``, ``1 / (1 + exp(z))``, into ``out``.

    SciPy's ``expit`` formula, ``1 / (1 + exp(-x))``, with NumPy's SIMD ``exp`` (4x
    faster than ``expit`` on the stack's arrays; it differs from the C library's in
    the last bit for a few percent of inputs, so weights agree with a lone fit to
    rounding, as they do through the BLAS kernels). The layers into logistic units
    are stored negated (``_Stack.sign``), so that the product gives ``-z`` exactly
    (rounding is symmetric) and the negation costs no pass: their gradients and
    first moments are then negated too, and every formula of the backward pass holds
    as it is, but the logistic's derivative with respect to ``-z``, ``a (a - 1)``.
    """
    np.exp(z, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)


_FORWARD = {"relu": _relu, "logistic": _logistic_of_negated}
_BACKWARD = {"relu": _relu_backward, "tanh": _tanh_backward, "logistic": _logistic_backward}


def _output(z: Array, name: str) -> Array:
    """Apply the output activation over the units axis (1), in place."""
    if name == "logistic":  # z is -z, as the layer is stored negated
        _logistic_of_negated(z, z)
        return z
    tmp = z - z.max(axis=1, keepdims=True)
    np.exp(tmp, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


# np.clip's ufunc itself, without np.clip's argument handling: one pass that computes
# minimum(maximum(x, lo), hi) as the two calls would.
_clip = np._core.umath.clip


@functools.cache
def _eps(dtype: np.dtype) -> float:
    return float(np.finfo(dtype).eps)


def _by_batch(a: Array, n_batches: int) -> Array:
    """``(n_nets, n_outputs, n_batches * rows)`` as ``(n_batches, n_nets, n_outputs, rows)``."""
    k, n_outputs, n = a.shape
    return a.reshape(k, n_outputs, n_batches, n // n_batches).transpose(2, 0, 1, 3)


def _log_terms(prob: Array, Y: Array, Y_other: Array | None, name: str) -> Array:
    """Each row's log-likelihood terms, ``(n_nets, n_outputs, n)``, as ``log_loss`` has them.

    ``Y_other`` is ``Y - 1`` (logistic outputs only).
    """
    eps = _eps(prob.dtype)
    terms = np.empty_like(prob)
    if name == "softmax":
        _clip(prob, eps, 1 - eps, out=terms)
        np.log(terms, out=terms)
        terms *= Y  # log p for each sample's true class, else 0
    else:
        # |p + (Y - 1)| is p where Y = 1 and 1 - p where Y = 0, exactly (rounding to
        # nearest is symmetric): np.where(Y, p, 1 - p) without its allocation.
        np.add(prob, Y_other, out=terms)
        np.absolute(terms, out=terms)
        _clip(terms, eps, 1 - eps, out=terms)
        np.log(terms, out=terms)
    return terms


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
        opt.m, opt.v = stack.flat(k, self.m), stack.flat(k, self.v, signed=False)
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


def _shared_draws(estimators: list[MLPClassifier]) -> Array:
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
    for k, est in enumerate(estimators):
        if not isinstance(est.random_state, numbers.Integral):
            continue
        _, keys, pos, has_gauss, gauss = est._random_state.get_state()
        state = (keys.tobytes(), pos, has_gauss, gauss)
        if state in first:
            labels[k] = first[state]
            est._random_state = estimators[first[state]]._random_state
        else:
            first[state] = k
    return labels


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
        self.estimators = list(estimators)  # every network, in the order given
        self.ids = np.arange(len(estimators))  # each stack row's index into estimators
        self.n_rows, self.batch_rows = X.shape[0], batch_rows
        self.shuffle = first.shuffle
        self.stack = _Stack(units, acts, first.out_activation_, X.dtype, batch_rows)
        for k, est in enumerate(estimators):
            self.stack.embed(k, est.coefs_, est.intercepts_)
        dtype = X.dtype
        self.stack.set_alpha([est.alpha for est in estimators])
        # Rows with a last feature of ones (the first layer's bias input), and 0/1
        # targets in the parameters' dtype; each epoch gathers whole rows of both.
        self.X_rows = with_ones(X)
        self.Y_rows = np.ascontiguousarray(Y, dtype=dtype)
        starts = range(0, X.shape[0], batch_rows)
        self.sizes = np.array([min(batch_rows, X.shape[0] - i) for i in starts], dtype=float)
        lr_init = np.array([[est.learning_rate_init] for est in estimators], dtype=dtype)
        optimizer = _StackedAdam if first.solver == "adam" else _StackedSGD
        self.optimizer = optimizer(self.stack.params.shape, dtype, lr_init, first)
        n = X.shape[0]
        self.orders = np.tile(np.arange(n), (len(estimators), 1))  # each network's row order
        self.draws = _shared_draws(estimators)
        # The stopping rule's state, one entry per row, as MLPClassifier keeps it per
        # network (_update_no_improvement_count); estimators get it when they leave.
        self.n_iter = np.zeros(len(estimators), dtype=np.intp)
        self.best = np.array([est.best_loss_ for est in estimators], dtype=float)
        self.count = np.array([est._no_improvement_count for est in estimators])
        self.tol = np.array([est.tol for est in estimators], dtype=float)
        self.patience = np.array([est.n_iter_no_change for est in estimators])
        self.max_iter = np.array([est.max_iter for est in estimators])
        self.t = first.t_  # rows seen by every network so far
        # Per epoch: every network's loss, learning rate and weight norm (NaN once it
        # has left), and the epoch's seconds per network.
        self.log: dict[str, list[Array]] = {"loss": [], "learning_rate": [], "weight_norm": []}
        self.seconds: list[float] = []

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
                        self.estimators[i]._random_state.shuffle(self.orders[k])
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
        Y_other = Y - 1.0 if stack.output != "softmax" else None
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
            targets = [None if a is None else _by_batch(a[:, :, cols], m) for a in (Y, Y_other)]
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
        # As _update_no_improvement_count: no improvement of tol on the best loss.
        worse = losses > self.best - self.tol
        self.count = np.where(finite, np.where(worse, self.count + 1, 0), self.count)
        self.best = np.where(finite, np.minimum(self.best, losses), self.best)
        stop = finite & (self.count > self.patience)
        for k in np.flatnonzero(stop).tolist():
            if not optimizer.trigger_stopping(k):  # SGD's adaptive rate: divide, go on
                stop[k] = False
                self.count[k] = 0
        at_max = finite & ~stop & (self.n_iter == self.max_iter)
        for k in np.flatnonzero(at_max).tolist():
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter[k]}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=5,
            )
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
        est.history_.load_epochs(columns)
        est.loss_curve_ = columns["loss"].tolist()
        est.n_iter_ = epochs
        est.t_ += epochs * self.n_rows
        if epochs:
            est.loss_ = est.loss_curve_[-1]
        est.best_loss_ = float(self.best[k])
        est._no_improvement_count = int(self.count[k])
        # Every fit draws a fresh RandomState (MLPClassifier._fit): the spent one only
        # weighed on copies to and from worker processes (5 KB, 0.2 ms to load).
        del est._random_state
        if diverged:
            for name in ("coefs_", "intercepts_"):
                est.__dict__.pop(name, None)
            est._diverged_at = epochs + 1
            return
        est.coefs_, est.intercepts_ = self.stack.extract(k)
        est._optimizer = self.optimizer.export(self.stack, k, est)
