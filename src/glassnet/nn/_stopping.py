"""The stopping rule of the stochastic solvers, for one network or many at once.

As scikit-learn's: an epoch whose score does not beat the best so far by ``tol``
counts as no progress; after more than ``n_iter_no_change`` such epochs in a row,
training stops (or SGD's adaptive schedule divides its step instead,
``trigger_stopping``); at ``max_iter`` epochs it stops with a ``ConvergenceWarning``.
The score is the training loss (lower is better) or, with early stopping, the
validation accuracy (higher is better). The rule works on numbers (one network) and
elementwise on arrays (one entry per network of a stack).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

Array = np.ndarray


def no_improvement(
    score: float | Array,
    best: float | Array,
    count: int | Array,
    tol: float | Array,
    *,
    higher_is_better: bool = False,
) -> tuple[Array, Array]:
    """Update the best score and the count of epochs without progress.

    Parameters
    ----------
    score : float or ndarray
        This epoch's score (one per network when stacked).
    best : float or ndarray
        The best score before this epoch.
    count : int or ndarray
        Epochs in a row without progress before this one.
    tol : float or ndarray
        The least improvement on ``best`` that counts as progress.
    higher_is_better : bool, default=False
        True for a validation score, False for a loss.

    Returns
    -------
    best : ndarray
        The best score including this epoch.
    count : ndarray
        Epochs in a row without progress, this one included (0 after progress).
    """
    # fmax/fmin: a NaN score (an epoch that diverged) never becomes the best.
    if higher_is_better:
        stalled = score < best + tol
        best = np.fmax(best, score)
    else:
        stalled = score > best - tol
        best = np.fmin(best, score)
    return best, np.where(stalled, count + 1, 0)


def warn_max_iter(max_iter: int, stacklevel: int) -> None:
    """Warn that training ran ``max_iter`` epochs without meeting the stopping rule."""
    warnings.warn(
        f"Stochastic Optimizer: Maximum iterations ({max_iter}) reached and the "
        "optimization hasn't converged yet.",
        ConvergenceWarning,
        stacklevel=stacklevel + 1,
    )
