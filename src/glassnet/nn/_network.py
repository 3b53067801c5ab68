"""Forward and backward passes over a stack of dense layers.

The whole idea, for a network with weight layers ``i = 0 .. L-1``::

    a[0] = X
    z[i+1] = a[i] @ W[i] + b[i]                  # (n_samples, units[i+1])
    a[i+1] = f(z[i+1])                           # hidden f, or the output activation

    delta[L-1] = (a[L] - Y) * w / sum(w)         # dL/dz of the output layer
    dW[i] = a[i].T @ delta[i] + alpha W[i] / sum(w)
    db[i] = sum_rows(delta[i])
    delta[i-1] = (delta[i] @ W[i].T) * f'(z[i])  # chain rule through layer i

All weights and biases live in one flat vector (weights of every layer first, then
biases, scikit-learn's packing order), and so do their gradients: the optimisers and
L-BFGS then work on the vector in a handful of array operations, and the layers'
matrices are views into it. Work arrays for a minibatch are allocated once and reused.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from glassnet.nn._activations import Activation
from glassnet.nn._losses import output_loss

Array = np.ndarray


def forward(
    X: Array,
    coefs: Sequence[Array],
    intercepts: Sequence[Array],
    hidden: Sequence[Activation],
    output: Activation,
    *,
    keep_hidden: bool = False,
) -> tuple[Array, list[Array]]:
    """Run a network on ``X`` and return its output (and, optionally, hidden outputs).

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Inputs, already validated and of the network's dtype.
    coefs, intercepts : sequences of ndarray
        Each layer's ``(fan_in, fan_out)`` weights and ``(fan_out,)`` biases.
    hidden : sequence of Activation
        One activation per hidden layer.
    output : Activation
        The output activation.
    keep_hidden : bool, default=False
        Also return a copy of every hidden layer's output.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
    hidden_outputs : list of ndarray
        Empty unless ``keep_hidden``.
    """
    a = X
    kept = []
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        z = a @ W  # (n_samples, fan_out), a new array we may overwrite
        z += b
        act = hidden[i] if i < len(hidden) else output
        act.forward(z, z)
        a = z
        if keep_hidden and i < len(hidden):
            kept.append(a.copy())
    return a, kept


class Network:
    """A dense network's parameters, gradients and minibatch work arrays.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    hidden : list of Activation
        One activation per hidden layer.
    output : Activation
        The output activation (logistic, softmax, identity or exp), paired with its
        loss (``_losses.LOSSES``).
    dtype : numpy dtype
        float64 or float32.
    dropout : list of float, optional
        Probability of zeroing each hidden layer's units during training.
    sklearn_order : bool, default=False
        Compute the gradient in scikit-learn's order of operations (bias gradients by
        ``np.sum(axis=0)``, the L2 term added before dividing by the total weight)
        rather than the faster way (BLAS products, the division folded into the
        output error). L-BFGS needs this to reproduce scikit-learn bit for bit, since
        its line search amplifies one-ulp differences; the stochastic solvers agree
        with scikit-learn to ~1e-15 either way.
    active_rules : list of callable or None, optional
        One per hidden layer (None entries allowed): ``rule(a, out)`` writes 1.0
        where a unit is active into ``out``, during every training forward pass, for
        the recorder to count. A relu layer's mask doubles as its derivative
        (``Activation.mask_derivative``).
    """

    def __init__(
        self,
        layer_units: list[int],
        hidden: list[Activation],
        output: Activation,
        dtype: np.dtype,
        dropout: list[float] | None = None,
        sklearn_order: bool = False,
        active_rules: list | None = None,
    ) -> None:
        self.layer_units = layer_units
        self.hidden = hidden
        self.output = output
        self.dtype = np.dtype(dtype)
        self.dropout = dropout if dropout and any(dropout) else None
        self.sklearn_order = sklearn_order
        shapes = list(itertools.pairwise(layer_units))
        self.n_coef = sum(i * o for i, o in shapes)
        n_params = self.n_coef + sum(layer_units[1:])
        self.params = np.zeros(n_params, dtype=self.dtype)
        self.grads = np.zeros(n_params, dtype=self.dtype)
        self.coefs, self.intercepts = _views(self.params, shapes)
        self.coef_grads, self.intercept_grads = _views(self.grads, shapes)
        # Views made once: flat weights (for the L2 term), transposes (for the
        # backward products), the weight prefix of the flat vectors.
        self._acts = [*hidden, output]
        self._coefs_flat = [c.reshape(-1) for c in self.coefs]
        self._coefs_T = [c.T for c in self.coefs]
        self._coef_params = self.params[: self.n_coef]
        self._coef_grads_flat = self.grads[: self.n_coef]
        self._l2 = np.empty(self.n_coef, dtype=self.dtype)
        self._drop_p = [*(self.dropout or [0.0] * len(hidden)), 0.0]  # none on the output
        self.active_rules = [*(active_rules or [None] * len(hidden)), None]
        self._work: list[_Work] = []
        self._plan: list[_Step] = []
        self._capacity = self._rows = 0

    @property
    def n_layers(self) -> int:
        """Number of weight layers."""
        return len(self.layer_units) - 1

    def set_parameters(self, coefs: Sequence[Array], intercepts: Sequence[Array]) -> None:
        """Copy per-layer weights and biases into the flat parameter vector."""
        pairs = zip(self.coefs + self.intercepts, [*coefs, *intercepts], strict=True)
        for dst, src in pairs:
            if dst is not src:
                dst[...] = src

    def _allocate(self, n: int) -> None:
        """Make work arrays for minibatches of up to ``n`` rows, and a plan for ``n`` rows."""
        if n > self._capacity:
            self._work = [
                _Work(n, units, act.needs_input, p > 0, rule is not None, self.dtype)
                for units, act, p, rule in zip(
                    self.layer_units[1:], self._acts, self._drop_p, self.active_rules, strict=True
                )
            ]
            self._ones_full = np.ones(n, dtype=self.dtype)
            self._capacity = n
            self._rows = 0
        if n != self._rows:
            self._ones = self._ones_full[:n]
            # Everything one minibatch touches, per layer, cut to n rows once rather
            # than looked up on every call: a small network's step is mostly overhead.
            self._plan = [
                _Step(W, b, W.T, gW, gb, act, p, rule, *work.rows(n))
                for W, b, gW, gb, act, p, rule, work in zip(
                    self.coefs,
                    self.intercepts,
                    self.coef_grads,
                    self.intercept_grads,
                    self._acts,
                    self._drop_p,
                    self.active_rules,
                    self._work,
                    strict=True,
                )
            ]
            self._rows = n

    @property
    def plan(self) -> list[_Step]:
        """Every layer of the last minibatch: outputs ``a``, active masks ``active``, ...

        A new list whenever the minibatch size changes, the same list otherwise.
        """
        return self._plan

    @property
    def ones(self) -> Array:
        """A vector of ones as long as the last minibatch (for column sums by BLAS)."""
        return self._ones

    def release(self) -> None:
        """Free the minibatch work arrays (they can be large after L-BFGS)."""
        self._work, self._plan = [], []
        self._ones_full = self._ones = None
        self._capacity = self._rows = 0

    def _forward_train(self, X: Array | sp.spmatrix, rng: np.random.Generator | None) -> list:
        """Forward pass that keeps what the backward pass needs; returns each layer's input."""
        inputs = [X]
        inp = X
        for step in self._plan:
            if type(inp) is np.ndarray:
                np.dot(inp, step.W, out=step.z)  # (n, units[i+1])
            else:  # sparse input, first layer only
                step.z[...] = inp @ step.W
            step.z += step.b
            step.act.forward(step.z, step.a)
            if step.rule is not None:
                step.rule(step.a, step.active)
            inp = step.a
            if step.p:
                inp = step.drop(rng)
            inputs.append(inp)
        return inputs

    def loss_and_gradient(
        self,
        X: Array | sp.spmatrix,
        Y: Array,
        sample_weight: Array | None,
        alpha: float,
        rng: np.random.Generator | None = None,
    ) -> float:
        """Loss on a minibatch; its gradient is left in ``self.grads``.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n, n_features)
        Y : ndarray of shape (n, n_outputs)
            Indicator targets (bool), or numeric targets in the network's dtype.
        sample_weight : ndarray of shape (n,) or None
        alpha : float
            L2 penalty, divided by the total sample weight as in scikit-learn.
        rng : numpy Generator, optional
            Source of dropout masks (needed only with dropout).

        Returns
        -------
        float
            Mean loss (``_losses.output_loss``) plus the L2 term.
        """
        n = X.shape[0]
        if n != self._rows:
            self._allocate(n)
        inputs = self._forward_train(X, rng)
        out = inputs[-1]  # (n, n_outputs)
        sw_sum = float(n) if sample_weight is None else float(sample_weight.sum())
        loss = output_loss(out, Y, sample_weight, self.output.name)
        if alpha:
            # Per layer, as scikit-learn sums it, so that losses agree to the bit.
            squares = sum([float(np.dot(c, c)) for c in self._coefs_flat])
            loss += (0.5 * alpha) * squares / sw_sum

        plan = self._plan
        delta = plan[-1].delta
        np.subtract(out, Y, out=delta)
        if not self.sklearn_order:
            delta *= 1.0 / sw_sum  # on (n, n_outputs), not on every gradient afterwards
        if sample_weight is not None:
            delta *= sample_weight[:, None]
        for i in range(len(plan) - 1, -1, -1):
            step = plan[i]
            inp = inputs[i]
            if type(inp) is np.ndarray:
                np.dot(inp.T, delta, out=step.gW)  # (units[i], units[i+1])
            else:
                step.gW[...] = inp.T @ delta
            if self.sklearn_order:
                np.add.reduce(delta, axis=0, out=step.gb)  # scikit-learn's summation order
            else:
                np.dot(self._ones, delta, out=step.gb)  # BLAS: 2-5x faster, same to rounding
            if i == 0:
                break
            below = plan[i - 1]
            np.dot(delta, step.WT, out=below.delta)  # (n, units[i])
            if below.p:
                below.delta *= below.mask
            if below.relu_mask:
                below.delta *= below.active  # relu' is the active mask, made in forward
            else:
                below.act.backward(below.a, below.z_in, below.delta)
            delta = below.delta

        if self.sklearn_order:
            if alpha:
                np.multiply(self._coef_params, alpha, out=self._l2)
                self._coef_grads_flat += self._l2
            self.grads /= sw_sum
        elif alpha:
            np.multiply(self._coef_params, alpha / sw_sum, out=self._l2)
            self._coef_grads_flat += self._l2
        return loss


class _Work:
    """One layer's minibatch work arrays, ``(capacity, units)`` each."""

    def __init__(
        self, n: int, units: int, needs_input: bool, dropout: bool, active: bool, dtype: np.dtype
    ) -> None:
        self.a = np.empty((n, units), dtype=dtype)  # the layer's output f(z)
        self.z = np.empty_like(self.a) if needs_input else self.a  # else f is applied in place
        self.delta = np.empty_like(self.a)  # dL/dz
        self.mask = np.empty_like(self.a) if dropout else None
        self.dropped = np.empty_like(self.a) if dropout else None
        self.active = np.empty_like(self.a) if active else None  # 1.0 where active

    def rows(self, n: int) -> tuple:
        """Cut views of the first ``n`` rows: z, a, delta, mask, dropped, active, z_in."""
        cut = [
            None if x is None else x[:n]
            for x in (self.z, self.a, self.delta, self.mask, self.dropped, self.active)
        ]
        return (*cut, cut[0] if self.z is not self.a else None)


class _Step:
    """One layer as a minibatch sees it: parameters, gradients and work views."""

    __slots__ = (
        "W",
        "WT",
        "a",
        "act",
        "active",
        "b",
        "delta",
        "dropped",
        "gW",
        "gb",
        "mask",
        "p",
        "relu_mask",
        "rule",
        "z",
        "z_in",
    )

    def __init__(
        self,
        W: Array,
        b: Array,
        WT: Array,
        gW: Array,
        gb: Array,
        act: Activation,
        p: float,
        rule: object,
        z: Array,
        a: Array,
        delta: Array,
        mask: Array | None,
        dropped: Array | None,
        active: Array | None,
        z_in: Array | None,
    ) -> None:
        self.W, self.b, self.WT, self.gW, self.gb = W, b, WT, gW, gb
        self.act, self.p, self.rule = act, p, rule
        self.z, self.a, self.delta, self.mask, self.dropped = z, a, delta, mask, dropped
        self.active, self.z_in = active, z_in
        self.relu_mask = active is not None and act.mask_derivative

    def drop(self, rng: np.random.Generator) -> Array:
        """Inverted dropout of this layer's output; returns the dropped copy."""
        # Zero units with probability p and scale survivors by 1/(1-p), so that the
        # expected activation matches prediction time, when nothing is dropped.
        rng.random(dtype=self.mask.dtype, out=self.mask)
        np.multiply(self.mask >= self.p, 1.0 / (1.0 - self.p), out=self.mask)
        np.multiply(self.a, self.mask, out=self.dropped)
        return self.dropped


def _views(flat: Array, shapes: list[tuple[int, int]]) -> tuple[list[Array], list[Array]]:
    """Split a flat vector into per-layer weight matrices then bias vectors (views)."""
    coefs, intercepts, start = [], [], 0
    for fan_in, fan_out in shapes:
        coefs.append(flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out))
        start += fan_in * fan_out
    for _, fan_out in shapes:
        intercepts.append(flat[start : start + fan_out])
        start += fan_out
    return coefs, intercepts
