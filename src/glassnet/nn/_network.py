"""Forward and backward passes over a stack of dense layers.

The whole idea, for a network with weight layers ``i = 0 .. L-1``::

    a[0] = X
    z[i+1] = a[i] @ W[i] + b[i]                  # (n_samples, units[i+1])
    a[i+1] = f(z[i+1])                           # hidden f, or the output activation

    delta[L-1] = (a[L] - Y) * sample_weight      # dL/dz of the output layer
    dW[i] = (a[i].T @ delta[i] + alpha W[i]) / sum(w)
    db[i] = sum_rows(delta[i]) / sum(w)
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
from glassnet.nn._losses import log_loss

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
        The output activation (logistic or softmax), paired with its log loss.
    dtype : numpy dtype
        float64 or float32.
    dropout : list of float, optional
        Probability of zeroing each hidden layer's units during training.
    """

    def __init__(
        self,
        layer_units: list[int],
        hidden: list[Activation],
        output: Activation,
        dtype: np.dtype,
        dropout: list[float] | None = None,
    ) -> None:
        self.layer_units = layer_units
        self.hidden = hidden
        self.output = output
        self.dtype = np.dtype(dtype)
        self.dropout = dropout if dropout and any(dropout) else None
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
        """Make work arrays for minibatches of up to ``n`` rows, and views for ``n`` rows."""
        if n > self._capacity:
            acts = [*self.hidden, self.output]
            self._a = [np.empty((n, u), dtype=self.dtype) for u in self.layer_units[1:]]
            self._z = [
                np.empty_like(a) if act.needs_input else a
                for act, a in zip(acts, self._a, strict=True)
            ]
            self._deltas = [np.empty_like(a) for a in self._a]
            if self.dropout:
                self._masks = [np.empty_like(a) for a in self._a[:-1]]
                self._dropped = [np.empty_like(a) for a in self._a[:-1]]
            self._capacity = n
            self._rows = 0
        if n != self._rows:
            # Views of the first n rows, made once per minibatch size rather than per call.
            cut = [a[:n] for a in self._a], [z[:n] for z in self._z], [d[:n] for d in self._deltas]
            self._a_n, self._z_n, self._deltas_n = cut
            if self.dropout:
                self._masks_n = [m[:n] for m in self._masks]
                self._dropped_n = [d[:n] for d in self._dropped]
            self._rows = n

    def release(self) -> None:
        """Free the minibatch work arrays (they can be large after L-BFGS)."""
        for name in ("_a", "_z", "_deltas", "_masks", "_dropped"):
            for suffix in ("", "_n"):
                self.__dict__.pop(name + suffix, None)
        self._capacity = self._rows = 0

    def _forward_train(self, X: Array | sp.spmatrix, rng: np.random.Generator | None) -> list:
        """Forward pass that keeps what the backward pass needs; returns each layer's input."""
        inputs = [X]
        layers = zip(self.coefs, self.intercepts, self._acts, self._z_n, self._a_n, strict=True)
        for i, (W, b, act, z, a) in enumerate(layers):
            if i == 0 and sp.issparse(X):
                z[...] = X @ W
            else:
                np.dot(inputs[i], W, out=z)  # (n, units[i+1])
            z += b
            act.forward(z, a)
            if self.dropout and i < len(self.hidden) and self.dropout[i] > 0:
                a = self._drop(i, a, rng)
            inputs.append(a)
        return inputs

    def _drop(self, i: int, a: Array, rng: np.random.Generator | None) -> Array:
        # Inverted dropout: zero units with probability p, scale survivors by 1/(1-p)
        # so that the expected activation matches prediction time, when nothing drops.
        p = self.dropout[i]
        mask = self._masks_n[i]
        rng.random(dtype=self.dtype, out=mask)
        np.multiply(mask >= p, 1.0 / (1.0 - p), out=mask)
        out = self._dropped_n[i]
        np.multiply(a, mask, out=out)
        return out

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
        Y : ndarray of bool, shape (n, n_outputs)
            Indicator targets.
        sample_weight : ndarray of shape (n,) or None
        alpha : float
            L2 penalty, divided by the total sample weight as in scikit-learn.
        rng : numpy Generator, optional
            Source of dropout masks (needed only with dropout).

        Returns
        -------
        float
            Mean log loss plus the L2 term.
        """
        n = X.shape[0]
        self._allocate(n)
        inputs = self._forward_train(X, rng)
        out = inputs[-1]  # (n, n_outputs)
        sw_sum = float(n) if sample_weight is None else float(sample_weight.sum())
        loss = log_loss(out, Y, sample_weight, self.output.name)
        if alpha:
            # Per layer, as scikit-learn sums it, so that losses agree to the bit.
            squares = sum(float(np.dot(c, c)) for c in self._coefs_flat)
            loss += (0.5 * alpha) * squares / sw_sum

        delta = self._deltas_n[-1]
        np.subtract(out, Y, out=delta)
        if sample_weight is not None:
            delta *= sample_weight[:, None]
        for i in range(self.n_layers - 1, -1, -1):
            inp = inputs[i]
            if i == 0 and sp.issparse(inp):
                self.coef_grads[i][...] = inp.T @ delta
            else:
                np.dot(inp.T, delta, out=self.coef_grads[i])  # (units[i], units[i+1])
            np.add.reduce(delta, axis=0, out=self.intercept_grads[i])
            if i == 0:
                break
            prev = self._deltas_n[i - 1]  # (n, units[i])
            np.dot(delta, self._coefs_T[i], out=prev)
            if self.dropout and self.dropout[i - 1] > 0:
                prev *= self._masks_n[i - 1]
            act = self.hidden[i - 1]
            act.backward(self._a_n[i - 1], self._z_n[i - 1] if act.needs_input else None, prev)
            delta = prev

        if alpha:
            np.multiply(self._coef_params, alpha, out=self._l2)
            self._coef_grads_flat += self._l2
        self.grads /= sw_sum
        return loss


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
