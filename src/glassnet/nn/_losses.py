"""Log loss for the two output layers, as scikit-learn computes it.

Each output activation is paired with its log loss, for which the gradient with
respect to the output layer's input is simply ``probabilities - targets``; that
pairing is why the backward pass starts from ``a - y`` (see ``_network.py``).
"""

from __future__ import annotations

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
