"""Scores of a regression: R², mean absolute error, root mean squared error."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score


def regression_scores(y_true: Any, y_pred: Any) -> dict[str, float]:
    """Score predicted numbers against the true ones.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted values.

    Returns
    -------
    dict
        ``r2`` (1 is perfect, 0 is no better than always predicting the mean of
        ``y_true``), ``mae`` (mean absolute error), ``rmse`` (root mean squared
        error, in the target's unit) and ``baseline_rmse`` (the RMSE of always
        predicting that mean: the standard deviation of ``y_true``).

    Examples
    --------
    >>> scores = regression_scores([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    >>> round(scores["r2"], 3), round(scores["mae"], 3), round(scores["rmse"], 3)
    (0.5, 0.333, 0.577)
    """
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    return {
        "r2": float(r2_score(y_true, y_pred)),
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
        "baseline_rmse": float(np.std(y_true)),
    }
