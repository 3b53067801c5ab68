"""Threshold tables and operating points: every count and rate at each threshold.

``threshold_table`` tabulates the confusion-matrix counts and rates at each
threshold of binary scores; ``choose_threshold`` picks an operating threshold by a
criterion (Youden's J, F1, a recall or a precision target). The input conventions
are those of ``_scores``: ``score >= threshold`` is positive, at most two labels,
``positive_label`` needed unless the labels are 0/1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from glassnet import _display_slot
from glassnet.metrics._scores import _Binary, _check_binary, _nonzero_weight, _rows

if TYPE_CHECKING:
    import pandas as pd

    from glassnet.metrics._confusion import ConfusionMatrix

__all__ = [
    "ThresholdChoice",
    "choose_threshold",
    "threshold_table",
]

ZeroDivision = Literal["warn"] | float


@dataclass(frozen=True)
class ThresholdChoice:
    """An operating threshold picked by `choose_threshold`.

    Attributes
    ----------
    threshold : float
        Predict positive when ``score >= threshold``. Always one of the scores.
    confusion_matrix : ConfusionMatrix
        The confusion matrix of those predictions.
    criterion : str
        How the threshold was chosen: ``"youden"``, ``"f1"``, ``"recall >= 0.9"`` or
        ``"precision >= 0.9"``.
    value : float
        The criterion's value at `threshold`: Youden's J (TPR - FPR), F1, recall or
        precision.
    tpr : float
        True positive rate (recall) at `threshold`.
    fpr : float
        False positive rate at `threshold`.
    precision : float
        Precision at `threshold`.
    """

    threshold: float
    confusion_matrix: ConfusionMatrix
    criterion: str
    value: float
    tpr: float
    fpr: float
    precision: float

    def __repr__(self) -> str:
        cm = self.confusion_matrix
        return (
            f"ThresholdChoice(threshold={self.threshold:.6g}, criterion={self.criterion!r}, "
            f"value={self.value:.4g}, tpr={self.tpr:.4g}, fpr={self.fpr:.4g}, "
            f"precision={self.precision:.4g}, TP={cm.tp}, FP={cm.fp}, FN={cm.fn}, TN={cm.tn})"
        )

    def _repr_html_(self) -> str:
        return _display_slot.build("threshold_html", self)


# ---------------------------------------------------------------------------
# Threshold table
# ---------------------------------------------------------------------------


def _sorted_cumulative(
    is_positive: np.ndarray, scores: np.ndarray, weight: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort scores ascending; cumulative positive and negative weight below each place.

    Returns ``(sorted_scores, positive_below, negative_below)`` where
    ``positive_below[i]`` is the weight of positives among the ``i`` lowest scores, so
    shapes are (n,), (n + 1,), (n + 1,).
    """
    if weight is None:
        # Sorting each class on its own (np.sort, no index array) and merging the two
        # sorted runs with a stable argsort (timsort: one linear merge) is about twice
        # as fast as one argsort of all the scores, and yields each sorted sample's
        # class without a gather: merged index < n_positive means positive.
        positive_scores = np.sort(scores[is_positive])
        both = np.concatenate([positive_scores, np.sort(scores[~is_positive])])
        order = np.argsort(both, kind="stable")
        sorted_scores = both[order]
        positive_below = np.zeros(order.size + 1, dtype=np.int64)
        np.cumsum(order < positive_scores.size, out=positive_below[1:])
        negative_below = np.arange(order.size + 1) - positive_below
        return sorted_scores, positive_below, negative_below
    order = np.argsort(scores)
    sorted_positive = is_positive[order]
    sorted_weight = weight[order]
    positive_below = np.zeros(order.size + 1)
    negative_below = np.zeros(order.size + 1)
    # float64 running sums, as scikit-learn does, to stay monotone with millions of rows.
    np.cumsum(np.where(sorted_positive, sorted_weight, 0.0), out=positive_below[1:])
    np.cumsum(np.where(sorted_positive, 0.0, sorted_weight), out=negative_below[1:])
    return scores[order], positive_below, negative_below


def _counts(
    data: _Binary, thresholds: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """``(thresholds, tp, fp, n_positive, n_negative)``: weight with score >= threshold.

    ``thresholds=None`` takes every distinct score (of nonzero weight), decreasing.
    One sort, cumulative sums, and a binary search per threshold: O(n log n).
    """
    is_positive, scores, weight = _nonzero_weight(data)
    sorted_scores, positive_below, negative_below = _sorted_cumulative(is_positive, scores, weight)
    if thresholds is None:
        # Each distinct score first appears where the sorted scores change; the samples
        # below that place are exactly those predicted negative at that threshold.
        first = np.empty(sorted_scores.size, dtype=bool)
        first[0] = True
        np.not_equal(sorted_scores[1:], sorted_scores[:-1], out=first[1:])
        below = np.flatnonzero(first)[::-1]  # (n_thresholds,) decreasing thresholds
        thresholds = sorted_scores[below]
    else:
        below = np.searchsorted(sorted_scores, thresholds, side="left")
    n_positive, n_negative = positive_below[-1], negative_below[-1]
    tp = n_positive - positive_below[below]
    fp = n_negative - negative_below[below]
    return thresholds, tp, fp, n_positive, n_negative


def _check_thresholds(thresholds: Any) -> np.ndarray | None:
    if thresholds is None:
        return None
    array = np.atleast_1d(np.asarray(thresholds))
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        raise ValueError(
            "thresholds must be None or a number or 1-D sequence of numbers; received "
            f"{type(thresholds).__name__} of shape {array.shape} and dtype {array.dtype}."
        )
    array = array.astype(np.float64)
    if np.isnan(array).any():
        raise ValueError(
            f"thresholds contains NaN at positions {_rows(np.isnan(array))}; "
            "every threshold must be a number (inf is allowed)."
        )
    return array


def _check_zero_division(zero_division: Any) -> None:
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return
    elif isinstance(zero_division, Real) and (np.isnan(zero_division) or zero_division in (0, 1)):
        return
    raise ValueError(
        f"zero_division must be 'warn', 0.0, 1.0 or np.nan; received {zero_division!r}."
    )


def _ratio(
    numerator: np.ndarray,
    denominator: np.ndarray | float,
    zero_division: ZeroDivision,
    name: str,
    why: str,
) -> np.ndarray:
    """``numerator / denominator``, with ``zero_division`` where that is 0 / 0."""
    defined = np.asarray(denominator != 0)
    if defined.all():
        # The usual case, one pass over the column.
        return np.true_divide(numerator, denominator)
    fill = 0.0 if zero_division == "warn" else float(zero_division)
    out = np.full(numerator.shape, fill)
    np.divide(numerator, denominator, out=out, where=defined)
    if zero_division == "warn":
        n_undefined = numerator.size - np.count_nonzero(np.broadcast_to(defined, out.shape))
        warnings.warn(
            f"{name} is 0/0 at {n_undefined} of {numerator.size} thresholds ({why}); it is "
            "set to 0.0 there. Pass zero_division=0.0, 1.0 or np.nan to choose the value "
            "and silence this warning.",
            UndefinedMetricWarning,
            stacklevel=4,  # the caller of threshold_table
        )
    return out


def _table(
    data: _Binary, thresholds: np.ndarray | None, zero_division: ZeroDivision
) -> pd.DataFrame:
    import pandas as pd  # only the table needs pandas

    thresholds, tp, fp, n_positive, n_negative = _counts(data, thresholds)
    fn = n_positive - tp
    tn = n_negative - fp
    predicted_positive = tp + fp
    columns = {
        "threshold": thresholds,
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "tpr": _ratio(tp, n_positive, zero_division, "tpr (recall)", "no positive samples"),
        "fpr": _ratio(fp, n_negative, zero_division, "fpr", "no negative samples"),
        "precision": _ratio(
            tp, predicted_positive, zero_division, "precision", "no sample predicted positive"
        ),
        "specificity": _ratio(tn, n_negative, zero_division, "specificity", "no negative samples"),
        "accuracy": np.true_divide(tp + tn, n_positive + n_negative),
        # F1 = 2 tp / (2 tp + fp + fn) = 2 tp / (predicted positives + actual positives).
        "f1": _ratio(
            2 * tp, predicted_positive + n_positive, zero_division, "f1", "no positives at all"
        ),
    }
    # The arrays are fresh; copy=False spares copying 11 columns of up to millions of rows.
    return pd.DataFrame(columns, copy=False)


def threshold_table(
    y_true: Any,
    scores: Any,
    thresholds: Any = None,
    *,
    positive_label: Any = None,
    sample_weight: Any = None,
    zero_division: ZeroDivision = "warn",
    require_probabilities: bool = False,
) -> pd.DataFrame:
    """Tabulate the confusion-matrix counts and rates at each threshold.

    A sample is predicted positive when ``score >= threshold``. The scores are sorted
    once and counted with cumulative sums and a binary search per threshold, so the
    table costs O(n log n) however many thresholds there are (about as long as
    sorting the scores; faster than ``sklearn.metrics.roc_curve``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, at most two classes.
    scores : array-like of shape (n_samples,)
        Scores of the positive class; higher means more positive.
    thresholds : float or array-like of shape (n_thresholds,), optional
        Thresholds to tabulate, one row each in the order given. None (default) takes
        every distinct score, decreasing -- the thresholds of
        ``roc_curve(..., drop_intermediate=False)`` without its ``inf``.
    positive_label : int, float, bool or str, optional
        The positive class. Required unless the labels are 0/1 or False/True.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative sample weights; the counts are then sums of weights.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        The value of a rate whose denominator is 0: precision where nothing is
        predicted positive (a threshold above every score), tpr and f1 without
        positive samples, fpr and specificity without negative samples. "warn" uses 0
        and issues an ``UndefinedMetricWarning``, as scikit-learn's ``precision_score``.
    require_probabilities : bool, default=False
        Raise if a score lies outside [0, 1]; a guard when the thresholds are meant
        for ``predict_proba(X)[:, 1]``.

    Returns
    -------
    pandas.DataFrame
        One row per threshold, columns ``threshold``, ``tp``, ``fp``, ``tn``, ``fn``
        (integers, or floats with `sample_weight`), ``tpr`` (recall, sensitivity),
        ``fpr``, ``precision``, ``specificity``, ``accuracy`` and ``f1``.

    Raises
    ------
    ValueError
        If the inputs differ in length, scores or thresholds are NaN (scores also
        inf), ``positive_label`` is not a label, or ``require_probabilities`` is set
        and a score is outside [0, 1].

    See Also
    --------
    choose_threshold : Pick one row by a criterion.

    Examples
    --------
    >>> y = [0, 0, 1, 1, 1]
    >>> s = [0.2, 0.6, 0.55, 0.7, 0.9]
    >>> threshold_table(y, s, [0.5, 0.8])[["threshold", "tp", "fp", "tn", "fn"]]
       threshold  tp  fp  tn  fn
    0        0.5   3   1   1   0
    1        0.8   1   0   2   2
    """
    _check_zero_division(zero_division)
    checked_thresholds = _check_thresholds(thresholds)
    data = _check_binary(
        y_true, scores, sample_weight, positive_label, require_probabilities=require_probabilities
    )
    return _table(data, checked_thresholds, zero_division)


# ---------------------------------------------------------------------------
# Choosing a threshold
# ---------------------------------------------------------------------------


def _parse_criterion(by: Any) -> tuple[str, float | None, str]:
    """``(name, target, description)`` from ``by``."""
    if isinstance(by, str) and by in ("youden", "f1"):
        return by, None, by
    if (
        isinstance(by, tuple | list)
        and len(by) == 2
        and by[0] in ("recall", "precision")
        and isinstance(by[1], Real)
        and not isinstance(by[1], bool)
    ):
        name, target = by[0], float(by[1])
        if not 0 <= target <= 1:
            raise ValueError(f"the {name} target must be between 0 and 1; received {target}.")
        return name, target, f"{name} >= {target:g}"
    raise ValueError(
        f"by must be 'youden', 'f1', ('recall', r) or ('precision', p) with r, p in [0, 1]; "
        f"received {by!r}."
    )


def choose_threshold(
    y_true: Any,
    scores: Any,
    *,
    by: str | tuple[str, float] = "youden",
    positive_label: Any = None,
    sample_weight: Any = None,
    require_probabilities: bool = False,
) -> ThresholdChoice:
    """Choose an operating threshold by a criterion.

    The candidates are the distinct scores (the rows of ``threshold_table(y_true,
    scores)``); a sample is predicted positive when ``score >= threshold``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, both classes present.
    scores : array-like of shape (n_samples,)
        Scores of the positive class; higher means more positive.
    by : "youden", "f1", ("recall", r) or ("precision", p), default="youden"
        ``"youden"``: maximise Youden's J = TPR - FPR, the ROC point farthest above
        the chance diagonal. ``"f1"``: maximise F1. For both, ties go to the largest
        threshold (fewest positive predictions). ``("recall", r)``: the largest
        threshold whose recall is at least ``r`` (the best precision at that recall,
        as recall only falls as the threshold rises). ``("precision", p)``: the
        smallest threshold whose precision is at least ``p`` (the most recall at that
        precision).
    positive_label : int, float, bool or str, optional
        The positive class. Required unless the labels are 0/1 or False/True.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative sample weights.
    require_probabilities : bool, default=False
        Raise if a score lies outside [0, 1]; a guard when the threshold is meant
        for ``predict_proba(X)[:, 1]``.

    Returns
    -------
    ThresholdChoice
        ``threshold``, ``confusion_matrix`` (a `ConfusionMatrix` of the predictions at
        the threshold), ``criterion``, ``value`` (the criterion's value) and the
        ``tpr``, ``fpr`` and ``precision`` there.

    Raises
    ------
    ValueError
        If no threshold reaches the recall or precision target (the message gives the
        best reached), `by` is not understood, or the inputs fail the checks of
        `roc_curve`.

    Examples
    --------
    >>> choice = choose_threshold([0, 0, 1, 1, 1], [0.2, 0.6, 0.55, 0.7, 0.9], by="f1")
    >>> choice.threshold, round(choice.value, 3)
    (0.55, 0.857)
    """
    name, target, description = _parse_criterion(by)
    data = _check_binary(
        y_true,
        scores,
        sample_weight,
        positive_label,
        need=("positive", "negative"),
        require_probabilities=require_probabilities,
    )
    # Every candidate predicts at least its own score's samples positive, and both
    # classes are present, so no rate below is 0/0.
    table = _table(data, None, zero_division="warn")  # decreasing thresholds
    row = _pick_row(table, name, target, description)
    chosen = table.iloc[row]
    threshold = float(chosen["threshold"])
    value = {
        "youden": chosen["tpr"] - chosen["fpr"],
        "f1": chosen["f1"],
        "recall": chosen["tpr"],
        "precision": chosen["precision"],
    }[name]
    return ThresholdChoice(
        threshold=threshold,
        confusion_matrix=_confusion_at(data, threshold),
        criterion=description,
        value=float(value),
        tpr=float(chosen["tpr"]),
        fpr=float(chosen["fpr"]),
        precision=float(chosen["precision"]),
    )


def _pick_row(table: pd.DataFrame, name: str, target: float | None, description: str) -> int:
    """Index of the chosen row of a table with decreasing thresholds."""
    if name == "youden":
        # J = tp/P - fp/N ranks as tp*N - fp*P, which is exact for whole-number counts, so
        # rounding cannot break a tie (0.6 - 0.2 < 0.4 in floating point). argmax returns
        # the first maximum: the largest threshold among ties.
        n_positive = table["tp"].iloc[0] + table["fn"].iloc[0]
        n_negative = table["fp"].iloc[0] + table["tn"].iloc[0]
        return int(np.argmax((table["tp"] * n_negative - table["fp"] * n_positive).to_numpy()))
    if name == "f1":
        return int(np.argmax(table["f1"].to_numpy()))
    column = "tpr" if name == "recall" else "precision"
    values = table[column].to_numpy()
    meets = np.flatnonzero(values >= target)
    if meets.size == 0:
        best = int(np.argmax(values))
        raise ValueError(
            f"no threshold reaches {description}; the best {name} reached is "
            f"{values[best]:.4g}, at threshold {table['threshold'].iloc[best]:.6g}. "
            f"Lower the target."
        )
    # Rows run from the largest threshold down: recall wants the first row that meets
    # the target, precision the last.
    return int(meets[0] if name == "recall" else meets[-1])


def _confusion_at(data: _Binary, threshold: float) -> ConfusionMatrix:
    from glassnet.metrics._confusion import ConfusionMatrix  # lazily: no import cycle

    y_pred = np.where(data.scores >= threshold, data.positive_label, data.negative_label)
    # np.where on mixed Python scalars can change the labels' type (e.g. to str);
    # keep y_true's dtype so predicted labels compare equal to the true ones.
    y_pred = y_pred.astype(data.y_true.dtype, copy=False)
    return ConfusionMatrix(
        data.y_true, y_pred, positive_label=data.positive_label, sample_weight=data.weight
    )
