"""Many networks of one depth as one stack of arrays: forward, backward, losses.

A search for the smallest network that solves a problem trains hundreds of tiny
networks on the same rows. Alone, each minibatch step of such a network is a dozen
NumPy calls on arrays of a few hundred numbers: the time goes to Python and call
overhead, not to arithmetic. The stack runs every step once for all of them,
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
activation to its block (what an activation computes, and what it costs, it says
itself: ``Activation``).

Exactness: every network makes the same arithmetic as alone, but not always through
the same kernels, so weights agree with a lone ``fit`` to rounding, not to the bit.
The batched products go through other BLAS kernels (a width-1 layer alone is a
matrix-vector product, stacked a matrix-matrix one, and the bias is added inside the
product), and the logistic function and the log loss use NumPy's SIMD ``exp`` and
``log``, which differ from the C library's (SciPy's ``expit`` and ``xlogy``, used by a
lone fit) in the last bit for a few percent of inputs, and are 4x faster. Over 200
epochs the weights stayed within 1.5e-12 (relative) of 160 lone fits, and those of
the issue's 48-network sweep within 7e-15 of scikit-learn's, with the same stopping
epochs and predictions. Training them is ``_fit_many``'s job.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import Any

import numpy as np
from scipy.special import xlogy

from glassnet.nn._activations import OUTPUT_ACTIVATIONS, Activation

Array = np.ndarray


class Stack:
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
        self.output_act = OUTPUT_ACTIVATIONS[output]
        widest = units.max(axis=0).tolist()
        self.shapes = list(itertools.pairwise(widest))
        n_params = sum((fan_in + 1) * fan_out for fan_in, fan_out in self.shapes)
        n_nets = units.shape[0]
        self.params = np.zeros((n_nets, n_params), dtype=dtype)
        self.grads = np.zeros_like(self.params)
        self.mask = np.zeros_like(self.params)  # 1.0 where the network has a parameter
        # -1.0 at the layers stored negated: those into units whose activation has a
        # faster form for -z (Activation.negated: logistic). The product then gives -z
        # exactly (rounding is symmetric) and the negation costs no pass; gradients and
        # first moments are negated too, and every formula of the backward pass holds.
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
                act = acts[layer] if layer < self.n_hidden else self.output_act
                if act.negated is not None:  # its faster form takes -z (logistic)
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
                calls, ns = acts[i].elementwise_cost
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
                # Layers into units with a negated form are stored negated (see sign).
                own = act if act.negated is None else act.negated
                layer["forward"].append((own.forward, z[cut], a[cut]))
                backward = own.backward  # temporaries in the scratch array
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
        if self.output_act.negated is not None:  # dL/dz' = -(p - Y) for z' = -z (sign)
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
                np.matmul(W, inputs[-1], out=prob)  # (n_nets, n_outputs, n)
                out = self.output_act
                (out.forward if out.negated is None else out.negated.forward)(prob, prob)
                inputs.append(prob)
        return inputs


def minibatch_losses(
    prob: Array, Y: Array, Y_other: Array | None, squares: Array, half_alpha: Array, name: str
) -> Array:
    """Each minibatch's loss of every network, plus its L2 term: ``(n_batches, n_nets)``.

    ``prob`` (the outputs), ``Y`` and ``Y_other`` (``Y - 1``, logistic outputs only)
    are ``(n_batches, n_nets, n_outputs, rows)``, minibatches of equal size;
    ``squares`` is ``(n_batches, n_nets)``, each network's sum of squared weights at
    each; ``name`` the output activation, which picks the loss (``_losses.LOSSES``).
    The same operations as a lone network's loss on each minibatch, so the same
    numbers: each sum is a reduction over one minibatch's contiguous rows.
    """
    rows = float(prob.shape[3])
    if name == "identity":  # half the squared error, averaged over outputs
        terms = np.subtract(Y, prob)
        np.square(terms, out=terms)
        loss = 0.5 * (np.add.reduce(terms, axis=3) / rows).mean(axis=2)
    elif name == "exp":  # half the Poisson deviance, summed over outputs
        terms = xlogy(Y, Y / prob)
        terms -= Y
        terms += prob
        loss = (np.add.reduce(terms, axis=3) / rows).sum(axis=2)
    else:
        terms = _log_terms(prob, Y, Y_other, name)
        per_output = np.add.reduce(terms, axis=3) / rows  # (n_batches, n_nets, n_outputs)
        loss = -(per_output[:, :, 0] if per_output.shape[2] == 1 else per_output.sum(axis=2))
    loss += half_alpha * squares / rows
    return loss


def with_ones(X: Array) -> Array:
    """Rows ``(..., n, n_features)`` with a last feature of ones, the bias's input."""
    ones = np.ones((*X.shape[:-1], 1), dtype=X.dtype)
    return np.concatenate([X, ones], axis=-1)


# A NumPy call on a slice costs ~0.6 us; an activation's own cost per element is its
# ``elementwise_cost``.
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


# np.clip's ufunc itself, without np.clip's argument handling: one pass that computes
# minimum(maximum(x, lo), hi) as the two calls would.
_clip = np._core.umath.clip


@functools.cache
def _eps(dtype: np.dtype) -> float:
    return float(np.finfo(dtype).eps)


def by_batch(a: Array, n_batches: int) -> Array:
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
