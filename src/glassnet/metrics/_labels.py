"""Checking label arrays and dividing safely, shared by the metrics.

The checks raise ``ValueError`` with messages that say what was received and how
to fix it; the arithmetic divides cell counts with scikit-learn's zero-division
rules and averages the way scikit-learn does.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils.multiclass import type_of_target, unique_labels

_SHOW = 5  # how many offending rows or labels an error message lists


# --------------------------------------------------------------------------- validation


def _show(values: Sequence[Any]) -> str:
    shown = ", ".join(repr(v) for v in values[:_SHOW])
    return shown + (", ..." if len(values) > _SHOW else "")


def _as_1d(y: Any, name: str) -> np.ndarray:
    """Return ``y`` as a 1-D array, with errors that say what was received."""
    if y is None:
        raise ValueError(f"{name} is None; pass one label per sample (a list, array or Series).")
    arr = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim != 1:
        hint = (
            " It looks like predict_proba output; pass model.predict(X) instead."
            if name == "y_pred" and arr.ndim == 2
            else ""
        )
        raise ValueError(
            f"{name} must be one label per sample (1-D), got an array of shape {arr.shape}.{hint}"
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (0 samples); a confusion matrix needs at least one sample. "
            "Check the rows you selected for evaluation."
        )
    missing = np.flatnonzero(pd.isna(arr))
    if missing.size:
        rows = _show(missing.tolist())
        raise ValueError(
            f"{name} contains {missing.size} missing value(s) (NaN or None) at row(s) {rows}; "
            "every sample needs a label. Drop those rows from both y_true and y_pred, or "
            "fill them in."
        )
    return arr


def _check_kind(y: np.ndarray, name: str) -> None:
    kind = type_of_target(y, input_name=name)
    if kind == "continuous":
        fractional = y[np.asarray(y, dtype=float) % 1 != 0]
        example = fractional[0].item()
        what = (
            "it looks like probabilities or scores rather than labels; pass model.predict(X), "
            "or threshold the scores, e.g. (scores >= 0.5).astype(int)"
            if name == "y_pred"
            else "classification metrics need class labels, not measurements"
        )
        raise ValueError(f"{name} contains non-integer numbers (e.g. {example!r}): {what}.")


def _kind_of_labels(y: np.ndarray) -> str:
    return "strings" if any(isinstance(v, str) for v in y.tolist()) else "numbers"


def check_targets(
    y_true: Any, y_pred: Any, sample_weight: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate true and predicted labels (and weights) for the metrics of this package.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.

    Returns
    -------
    y_true, y_pred : ndarray of shape (n_samples,)
    sample_weight : ndarray of shape (n_samples,) or None

    Raises
    ------
    ValueError
        On empty input, missing labels, lengths that differ, scores passed as labels
        or labels of different kinds (strings against numbers).
    """
    y_true = _as_1d(y_true, "y_true")
    y_pred = _as_1d(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true has {len(y_true)} samples but y_pred has {len(y_pred)}; they must have "
            "the same length, one prediction per true label. Check that both come from the "
            "same rows."
        )
    _check_kind(y_true, "y_true")
    _check_kind(y_pred, "y_pred")
    kinds = _kind_of_labels(y_true), _kind_of_labels(y_pred)
    if kinds[0] != kinds[1]:
        raise ValueError(
            f"y_true holds {kinds[0]} ({_show(list(dict.fromkeys(y_true.tolist())))}) but "
            f"y_pred holds {kinds[1]} ({_show(list(dict.fromkeys(y_pred.tolist())))}); "
            "convert one to the other's labels, e.g. with a dict and pandas' Series.map."
        )
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=float)
        if sample_weight.shape != y_true.shape:
            raise ValueError(
                f"sample_weight has shape {sample_weight.shape} but y_true has "
                f"{len(y_true)} samples; pass one weight per sample."
            )
    return y_true, y_pred, sample_weight


def resolve_labels(y_true: np.ndarray, y_pred: np.ndarray, labels: Any) -> np.ndarray:
    """Return the labels in matrix order: ``labels`` checked, or those seen in the data.

    When ``labels`` is None and the data hold only 0/1 (or False/True), both are
    kept even if one never occurs, so that the binary matrix is always 2×2.
    """
    seen = unique_labels(y_true, y_pred)
    if labels is None:
        if seen.dtype.kind in "biuf" and set(seen.tolist()) <= {0, 1}:
            return np.array([0, 1]).astype(seen.dtype)
        return seen
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty list of labels, got {labels.tolist()!r}.")
    as_list = labels.tolist()
    duplicated = sorted({v for v in as_list if as_list.count(v) > 1}, key=str)
    if duplicated:
        raise ValueError(f"labels lists {_show(duplicated)} more than once; list each once.")
    left_out = [v for v in seen.tolist() if v not in as_list]
    if left_out:
        raise ValueError(
            f"labels={as_list!r} leaves out {_show(left_out)}, found in y_true or y_pred; "
            "a confusion matrix counts every sample, so include them (labels may also list "
            "labels that do not occur)."
        )
    return labels


def check_zero_division(zero_division: Any) -> float:
    """Return the value a 0/0 rate takes: 0.0 for 'warn', else ``zero_division``."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0
    elif isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool):
        if zero_division in (0, 1) or math.isnan(zero_division):
            return float(zero_division)
    raise ValueError(
        f"zero_division={zero_division!r} is not valid; pass 'warn' (0.0 with a warning), "
        "0, 1 or np.nan."
    )


# --------------------------------------------------------------------------- rates


def divide(
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    zero_division: Any,
    metric: str,
    modifier: str,
) -> np.ndarray:
    """Divide cell counts class by class, handling 0/0 as scikit-learn does.

    Where the denominator is zero the result is ``zero_division`` (0.0 for 'warn'),
    and with 'warn' an ``UndefinedMetricWarning`` names the metric and the reason.
    """
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    empty = denominator == 0
    result = numerator / np.where(empty, 1.0, denominator)
    if empty.any():
        result[empty] = check_zero_division(zero_division)
        if zero_division == "warn":
            where = "due to" if result.size == 1 else "in labels with"
            warnings.warn(
                f"{metric} is ill-defined and being set to 0.0 {where} no {modifier} samples. "
                "Use `zero_division` parameter to control this behavior.",
                UndefinedMetricWarning,
                stacklevel=4,
            )
    return result


def nan_average(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Average ignoring NaN (the 0/0 rates when zero_division=np.nan), as scikit-learn does."""
    keep = ~np.isnan(values)
    if not keep.any():
        return math.nan
    if weights is None or weights[keep].sum() == 0:
        return float(values[keep].mean())
    return float(np.average(values[keep], weights=weights[keep]))


def one_vs_rest_cells(
    matrix: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(tn, fp, fn, tp)`` of each label against the rest, each of shape (n_labels,).

    Each cell is a sum of the matrix entries it covers rather than a difference of
    totals (as in ``multilabel_confusion_matrix``): with float sample weights a
    difference leaves rounding residue, e.g. tn = 3e-15 instead of 0, which would
    turn an undefined 0/0 rate into 1.0.
    """
    tp = np.diag(matrix)
    off_diagonal = matrix - np.diagflat(tp)  # (n_labels, n_labels)
    fp = off_diagonal.sum(axis=0)
    fn = off_diagonal.sum(axis=1)
    tn = np.array(
        [np.delete(np.delete(matrix, k, axis=0), k, axis=1).sum() for k in range(len(matrix))],
        dtype=matrix.dtype,
    )
    return tn, fp, fn, tp
