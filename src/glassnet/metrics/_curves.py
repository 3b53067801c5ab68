"""ROC and precision-recall curves and the areas under them.

scikit-learn computes the curves and areas (``sklearn.metrics.roc_curve``,
``roc_auc_score``, ``precision_recall_curve``, ``average_precision_score``); this module
adds glassnet's positive-label rule and error messages, and results with named fields.
The input conventions are those of ``_scores``: ``score >= threshold`` is positive, at
most two labels, ``positive_label`` needed unless the labels are 0/1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import sklearn.metrics

from glassnet import _display_slot
from glassnet.metrics._scores import (
    _as_1d,
    _check_binary,
    _check_probability_rows,
    _check_weight,
    _classes,
)

__all__ = [
    "PrecisionRecallCurve",
    "RocCurve",
    "average_precision",
    "precision_recall_curve",
    "roc_auc",
    "roc_curve",
]


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RocCurve:
    """A receiver operating characteristic (ROC) curve, as returned by `roc_curve`.

    Attributes
    ----------
    fpr : ndarray of shape (n_points,)
        Increasing false positive rates; ``fpr[i]`` is the rate for predictions with
        ``score >= thresholds[i]``.
    tpr : ndarray of shape (n_points,)
        Increasing true positive rates (recalls), matching `fpr`.
    thresholds : ndarray of shape (n_points,)
        Decreasing thresholds; the first is ``inf`` (nothing predicted positive), so
        the curve starts at (0, 0).
    auc : float
        Area under the curve (trapezoidal rule, ``sklearn.metrics.auc``).
    positive_label : object
        The label counted as positive.
    """

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    auc: float
    positive_label: Any

    def __repr__(self) -> str:
        return (
            f"RocCurve(auc={self.auc:.4g}, positive_label={self.positive_label!r}, "
            f"{self.fpr.size} points)"
        )

    def _repr_html_(self) -> str:
        return _display_slot.build("roc_html", self)


@dataclass(frozen=True)
class PrecisionRecallCurve:
    """A precision-recall curve, as returned by `precision_recall_curve`.

    Attributes
    ----------
    precision : ndarray of shape (n_thresholds + 1,)
        ``precision[i]`` is the precision of predictions with ``score >= thresholds[i]``;
        the last value is 1 and has no threshold (scikit-learn's convention).
    recall : ndarray of shape (n_thresholds + 1,)
        Decreasing recalls matching `precision`; the last value is 0.
    thresholds : ndarray of shape (n_thresholds,)
        Increasing thresholds.
    average_precision : float
        The weighted mean of precisions, weighted by the increase in recall
        (``sklearn.metrics.average_precision_score``; not interpolated).
    prevalence : float
        The (weighted) fraction of positive samples: the precision of a classifier
        that predicts everything positive, i.e. the no-skill line.
    positive_label : object
        The label counted as positive.
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray
    average_precision: float
    prevalence: float
    positive_label: Any

    def __repr__(self) -> str:
        return (
            f"PrecisionRecallCurve(average_precision={self.average_precision:.4g}, "
            f"prevalence={self.prevalence:.4g}, positive_label={self.positive_label!r}, "
            f"{self.thresholds.size} thresholds)"
        )

    def _repr_html_(self) -> str:
        return _display_slot.build("pr_html", self)


# ---------------------------------------------------------------------------
# Curves and areas (scikit-learn computes them)
# ---------------------------------------------------------------------------


def roc_curve(
    y_true: Any,
    scores: Any,
    *,
    positive_label: Any = None,
    sample_weight: Any = None,
    drop_intermediate: bool = True,
) -> RocCurve:
    """Compute the ROC curve of binary scores and the area under it.

    A thin layer over ``sklearn.metrics.roc_curve`` and ``sklearn.metrics.auc``: the
    numbers are scikit-learn's; the checks and the result's names are glassnet's.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, two classes.
    scores : array-like of shape (n_samples,)
        Scores of the positive class: probabilities (``predict_proba(X)[:, 1]``) or
        decision values. Higher means more positive.
    positive_label : int, float, bool or str, optional
        The positive class. Required unless the labels are 0/1 or False/True.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative sample weights.
    drop_intermediate : bool, default=True
        Drop thresholds whose point lies on a straight segment between its neighbours;
        the curve and its area are unchanged.

    Returns
    -------
    RocCurve
        ``fpr``, ``tpr``, ``thresholds`` (starting at ``inf``), ``auc`` and
        ``positive_label``.

    Raises
    ------
    ValueError
        If the inputs differ in length, scores are NaN/inf, ``positive_label`` is not a
        label, or ``y_true`` lacks positive or negative samples.

    See Also
    --------
    roc_auc : The area alone, also for multiclass problems.
    threshold_table : Every count and rate at each threshold.

    Examples
    --------
    >>> curve = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve.auc
    0.75
    >>> curve.tpr
    array([0. , 0.5, 0.5, 1. , 1. ])
    """
    data = _check_binary(
        y_true, scores, sample_weight, positive_label, need=("positive", "negative")
    )
    fpr, tpr, thresholds = sklearn.metrics.roc_curve(
        data.is_positive,
        data.scores,
        sample_weight=data.weight,
        drop_intermediate=drop_intermediate,
    )
    return RocCurve(fpr, tpr, thresholds, float(sklearn.metrics.auc(fpr, tpr)), data.positive_label)


def roc_auc(
    y_true: Any,
    scores: Any,
    *,
    positive_label: Any = None,
    multi_class: Literal["raise", "ovr", "ovo"] = "raise",
    average: Literal["macro", "weighted"] | None = "macro",
    labels: Any = None,
    sample_weight: Any = None,
    max_fpr: float | None = None,
) -> float | np.ndarray:
    """Area under the ROC curve, binary or multiclass.

    Computed by ``sklearn.metrics.roc_auc_score``; glassnet adds ``positive_label``
    for binary problems and clearer errors.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    scores : array-like of shape (n_samples,) or (n_samples, n_classes)
        Binary: the positive class's scores. Multiclass: ``predict_proba`` output, one
        column per class in the order of `labels` (sorted labels by default); these
        must be probabilities whose rows sum to 1.
    positive_label : int, float, bool or str, optional
        Binary only: the positive class. Required unless the labels are 0/1 or
        False/True.
    multi_class : {"raise", "ovr", "ovo"}, default="raise"
        Multiclass only: one-vs-rest or one-vs-one averaging (see
        ``sklearn.metrics.roc_auc_score``). "raise" refuses multiclass input, so that
        the choice is made on purpose.
    average : {"macro", "weighted"} or None, default="macro"
        Multiclass only: how to average the per-class (ovr) or per-pair (ovo) areas;
        None returns the per-class areas (ovr only).
    labels : array-like of shape (n_classes,), optional
        Multiclass only: the class of each column of `scores`, e.g. ``model.classes_``.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative sample weights (not supported by scikit-learn for "ovo").
    max_fpr : float, optional
        Binary only: the standardized partial AUC over ``fpr <= max_fpr``.

    Returns
    -------
    float or ndarray
        The area; per-class areas when ``average=None``.

    Raises
    ------
    ValueError
        For the binary checks of `roc_curve`; for multiclass labels with 1-D scores,
        scores whose columns do not match the classes, scores that are not
        probabilities, or ``multi_class="raise"``.

    Examples
    --------
    >>> roc_auc(["no", "no", "yes", "yes"], [0.1, 0.4, 0.35, 0.8], positive_label="yes")
    0.75
    """
    y = _as_1d(y_true, "y_true")
    array = np.asarray(scores)
    n_classes = _classes(y).shape[0] if labels is None else len(labels)
    if array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1) or n_classes <= 2:
        if n_classes > 2:
            raise ValueError(
                f"y_true has {n_classes} classes but scores is 1-D; a multiclass AUC needs "
                f"one column per class: pass model.predict_proba(X) (shape (n_samples, "
                f"{n_classes})) with multi_class='ovr' or 'ovo'."
            )
        data = _check_binary(y, array, sample_weight, positive_label, need=("positive", "negative"))
        return float(
            sklearn.metrics.roc_auc_score(
                data.is_positive, data.scores, sample_weight=data.weight, max_fpr=max_fpr
            )
        )
    if positive_label is not None:
        raise ValueError(
            f"positive_label={positive_label!r} applies to binary problems; y_true has "
            f"{n_classes} classes. Leave it out, or pass y_true == label and that class's "
            "column of scores for one class against the rest."
        )
    if multi_class not in ("ovr", "ovo"):
        raise ValueError(
            f"y_true has {n_classes} classes; say how to combine them with "
            "multi_class='ovr' (each class against the rest) or 'ovo' (each pair); "
            f"received multi_class={multi_class!r}."
        )
    probabilities = _check_probability_rows(array, y.shape[0], n_classes, labels)
    weight = _check_weight(sample_weight, y.shape[0])
    return sklearn.metrics.roc_auc_score(
        y,
        probabilities,
        multi_class=multi_class,
        average=average,
        labels=labels,
        sample_weight=weight,
    )


def precision_recall_curve(
    y_true: Any,
    scores: Any,
    *,
    positive_label: Any = None,
    sample_weight: Any = None,
    drop_intermediate: bool = False,
) -> PrecisionRecallCurve:
    """Compute the precision-recall curve of binary scores and its average precision.

    A thin layer over ``sklearn.metrics.precision_recall_curve`` and
    ``sklearn.metrics.average_precision_score``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, two classes (or only positives).
    scores : array-like of shape (n_samples,)
        Scores of the positive class; higher means more positive.
    positive_label : int, float, bool or str, optional
        The positive class. Required unless the labels are 0/1 or False/True.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative sample weights.
    drop_intermediate : bool, default=False
        Drop thresholds that do not change the plotted curve (scikit-learn's option).

    Returns
    -------
    PrecisionRecallCurve
        ``precision``, ``recall``, ``thresholds``, ``average_precision``,
        ``prevalence`` and ``positive_label``.

    Raises
    ------
    ValueError
        If the inputs differ in length, scores are NaN/inf, ``positive_label`` is not a
        label, or there are no positive samples.

    Examples
    --------
    >>> curve = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve.precision
    array([0.5       , 0.66666667, 0.5       , 1.        , 1.        ])
    >>> round(curve.average_precision, 4)
    0.8333
    """
    data = _check_binary(y_true, scores, sample_weight, positive_label, need=("positive",))
    precision, recall, thresholds = sklearn.metrics.precision_recall_curve(
        data.is_positive,
        data.scores,
        sample_weight=data.weight,
        drop_intermediate=drop_intermediate,
    )
    ap = sklearn.metrics.average_precision_score(
        data.is_positive, data.scores, sample_weight=data.weight
    )
    prevalence = data.n_positive / (data.n_positive + data.n_negative)
    return PrecisionRecallCurve(
        precision, recall, thresholds, float(ap), prevalence, data.positive_label
    )


def average_precision(
    y_true: Any,
    scores: Any,
    *,
    positive_label: Any = None,
    sample_weight: Any = None,
) -> float:
    """Average precision of binary scores (``sklearn.metrics.average_precision_score``).

    ``AP = sum_n (R_n - R_{n-1}) P_n`` over the thresholds, not interpolated.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, two classes (or only positives).
    scores : array-like of shape (n_samples,)
        Scores of the positive class; higher means more positive.
    positive_label : int, float, bool or str, optional
        The positive class. Required unless the labels are 0/1 or False/True.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative sample weights.

    Returns
    -------
    float
        The average precision, between 0 and 1.

    Raises
    ------
    ValueError
        As `precision_recall_curve`.

    Examples
    --------
    >>> round(average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    data = _check_binary(y_true, scores, sample_weight, positive_label, need=("positive",))
    return float(
        sklearn.metrics.average_precision_score(
            data.is_positive, data.scores, sample_weight=data.weight
        )
    )
