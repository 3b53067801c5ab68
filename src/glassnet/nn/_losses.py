"""The losses of the output layers, as scikit-learn computes them.

Each output activation is paired with its loss (its canonical link): log loss for
logistic and softmax outputs, half the squared error for the identity output, half
the Poisson deviance for the exponential one. For each pair the gradient with
respect to the output layer's input is simply ``output - targets``; that pairing is
why the backward pass starts from ``a - y`` (see ``_network.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from scipy.special import xlogy

Array = np.ndarray


def log_loss(prob: Array, y: Array, sample_weight: Array | None, out_activation: str) -> float:
    """Mean log loss of predicted probabilities against indicator targets.

    Parameters
    ----------
    prob : ndarray of shape (n_samples, n_outputs)
        Output-layer probabilities (logistic per column, or softmax rows).
    y : ndarray of bool, shape (n_samples, n_outputs)
        Indicator targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights for the weighted mean over samples.
    out_activation : {'logistic', 'softmax'}
        The output activation that produced ``prob``.

    Returns
    -------
    float
        The loss, summed over logistic outputs (multilabel), averaged over samples.
        Probabilities are clipped to ``[eps, 1 - eps]`` as in scikit-learn.
    """
    # The reductions follow scikit-learn's operation order (mean over samples per
    # output, then sum over outputs) so that losses agree to the last bit: L-BFGS's
    # line search amplifies even one-ulp differences over hundreds of iterations.
    # For the same reason the logarithm is scipy's (xlogy), not NumPy's SIMD one,
    # which differs from it in the last bit.
    eps = np.finfo(prob.dtype).eps
    if out_activation == "softmax":
        terms = np.maximum(prob, eps)
        np.minimum(terms, 1 - eps, out=terms)
        xlogy(y, terms, out=terms)  # log p for each sample's true class, else 0
    else:
        terms = np.where(y, prob, 1 - prob)  # (n_samples, n_outputs)
        np.maximum(terms, eps, out=terms)
        np.minimum(terms, 1 - eps, out=terms)
        xlogy(1.0, terms, out=terms)
    if sample_weight is None:
        per_output = np.add.reduce(terms, axis=0) / terms.shape[0]  # what .mean(axis=0) does
    else:
        terms *= sample_weight[:, None]
        per_output = np.add.reduce(terms, axis=0) / sample_weight.sum()
    return -float(per_output[0] if per_output.size == 1 else per_output.sum())


def squared_error(pred: Array, y: Array, sample_weight: Array | None) -> float:
    """Half the mean squared error, as scikit-learn's MLPRegressor computes it.

    Parameters
    ----------
    pred : ndarray of shape (n_samples, n_outputs)
        The identity output layer's values.
    y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights for the weighted mean over samples.

    Returns
    -------
    float
        ``0.5 * mean over outputs of (weighted mean over samples of (y - pred)**2)``.
        The gradient ``pred - y`` that ``_network.py`` starts from is that of the
        sum over outputs, not the mean: scikit-learn's pairing, kept for parity (the
        two agree for one output).
    """
    terms = y - pred
    np.square(terms, out=terms)  # (n_samples, n_outputs)
    return 0.5 * float(_weighted_mean(terms, sample_weight).mean())


def poisson_deviance(pred: Array, y: Array, sample_weight: Array | None) -> float:
    """Half the Poisson deviance, as scikit-learn's MLPRegressor computes it.

    Parameters
    ----------
    pred : ndarray of shape (n_samples, n_outputs)
        The exponential output layer's values, the predicted means (positive).
    y : ndarray of shape (n_samples, n_outputs)
        Non-negative targets (counts, rates).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights for the weighted mean over samples.

    Returns
    -------
    float
        ``sum over outputs of (weighted mean of y log(y / pred) - y + pred)``: zero
        for a perfect prediction. Its gradient with respect to the output layer's
        input ``z`` (``pred = exp(z)``) is ``pred - y``, the canonical pairing.
    """
    terms = xlogy(y, y / pred)
    terms -= y
    terms += pred
    return float(_weighted_mean(terms, sample_weight).sum())


def _weighted_mean(terms: Array, sample_weight: Array | None) -> Array:
    """Per-output (weighted) mean over samples, in ``np.average``'s order of operations."""
    if sample_weight is None:
        return np.add.reduce(terms, axis=0) / terms.shape[0]
    return np.add.reduce(terms * sample_weight[:, None], axis=0) / sample_weight.sum()


LOSSES: dict[str, Callable[[Array, Array, Array | None], float]] = {
    "logistic": functools.partial(log_loss, out_activation="logistic"),
    "softmax": functools.partial(log_loss, out_activation="softmax"),
    "identity": squared_error,
    "exp": poisson_deviance,
}
"""The loss paired with each output activation (so that dL/dz = output - targets)."""


def output_loss(out: Array, y: Array, sample_weight: Array | None, out_activation: str) -> float:
    """Return the loss of an output layer's values, paired by its output activation.

    Parameters
    ----------
    out : ndarray of shape (n_samples, n_outputs)
        The output layer's values.
    y : ndarray of shape (n_samples, n_outputs)
        Targets: indicators for 'logistic' and 'softmax', numbers otherwise.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights for the weighted mean over samples.
    out_activation : {'logistic', 'softmax', 'identity', 'exp'}
        Log loss, log loss, half squared error, half Poisson deviance.

    Returns
    -------
    float
    """
    return LOSSES[out_activation](out, y, sample_weight)
