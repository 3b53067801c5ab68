"""Checking binary labels, scores and sample weights for the threshold metrics.

Conventions shared by the curves (``_curves``) and the threshold tables
(``_thresholds``):

* A sample is predicted positive when ``score >= threshold`` (scikit-learn's rule).
* ``y_true`` holds at most two labels. ``positive_label`` says which one is positive;
  it may be left out when the labels are ``{0, 1}`` or ``{False, True}`` (then 1 /
  True is positive). For one class against the rest of a multiclass problem, pass
  ``y_true == label``.
* Scores may be any finite real numbers -- probabilities or ``decision_function``
  values -- because only their order matters. They must be probabilities only for a
  multiclass `roc_auc` (rows of ``predict_proba`` output), and when you ask for the
  check with ``require_probabilities=True`` (`threshold_table`, `choose_threshold`),
  as a guard when the threshold is meant for ``predict_proba(X)[:, 1]``.
* ``sample_weight`` must be finite and non-negative; samples of weight 0 are dropped
  before anything is computed, as scikit-learn does, so their scores are not
  thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# How many offending rows an error message lists before "...".
_N_ROWS_SHOWN = 5


@dataclass(frozen=True)
class _Binary:
    """Checked binary inputs: which samples are positive, their scores and weights."""

    y_true: np.ndarray  # (n_samples,) the labels as given
    is_positive: np.ndarray  # (n_samples,) bool
    scores: np.ndarray  # (n_samples,) float64, finite
    weight: np.ndarray | None  # (n_samples,) float64 >= 0, or None for all ones
    positive_label: Any
    negative_label: Any  # None when y_true holds only the positive class

    @property
    def n_positive(self) -> float:
        """Total weight of the positive samples."""
        if self.weight is None:
            return float(np.count_nonzero(self.is_positive))
        return float(self.weight[self.is_positive].sum())

    @property
    def n_negative(self) -> float:
        """Total weight of the negative samples."""
        if self.weight is None:
            return float(self.is_positive.size - np.count_nonzero(self.is_positive))
        return float(self.weight[~self.is_positive].sum())


def _rows(mask: np.ndarray) -> str:
    """'3, 17, 20, ...': the first rows where ``mask`` is true, for error messages."""
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(r) for r in rows[:_N_ROWS_SHOWN])
    return shown + (", ..." if rows.size > _N_ROWS_SHOWN else "")


def _check_finite(values: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{name} contains {np.count_nonzero(bad)} non-finite value(s) (NaN or inf) at "
            f"rows {_rows(bad)}; remove those samples or fix what produced them."
        )


def _as_1d(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one value per sample; received shape {array.shape}.")
    return array


def _check_scores(scores: Any, n_samples: int) -> np.ndarray:
    """Binary scores as a finite float64 vector with one entry per sample."""
    array = np.asarray(scores)
    if array.ndim == 2 and array.shape[1] > 1:
        raise ValueError(
            f"scores has shape {array.shape}, one column per class; binary metrics take one "
            "score per sample. Pass the positive class's column, e.g. "
            "model.predict_proba(X)[:, 1], or model.decision_function(X)."
        )
    array = _as_1d(array, "scores")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"scores must be numbers; received dtype {array.dtype}.")
    if array.shape[0] != n_samples:
        raise ValueError(
            f"y_true has {n_samples} samples but scores has {array.shape[0]}; "
            "they must have one entry per sample."
        )
    array = array.astype(np.float64, copy=False)
    _check_finite(array, "scores")
    return array


def _check_weight(sample_weight: Any, n_samples: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    weight = _as_1d(sample_weight, "sample_weight")
    if weight.shape[0] != n_samples:
        raise ValueError(
            f"y_true has {n_samples} samples but sample_weight has {weight.shape[0]}; "
            "they must have one entry per sample."
        )
    weight = weight.astype(np.float64, copy=False)
    _check_finite(weight, "sample_weight")
    if (weight < 0).any():
        raise ValueError(
            f"sample_weight has {np.count_nonzero(weight < 0)} negative value(s) at rows "
            f"{_rows(weight < 0)}; weights must be >= 0."
        )
    if not weight.any():
        raise ValueError("every sample_weight is 0; at least one sample must have weight.")
    return weight


def _classes(y: np.ndarray) -> np.ndarray:
    """Return the sorted distinct labels of ``y``."""
    if y.dtype.kind in "biu":
        # Integer labels that span at most two consecutive values are exactly {min, max}:
        # two O(n) reductions instead of sorting millions of labels.
        low, high = y.min(), y.max()
        if int(high) - int(low) <= 1:
            return np.unique(np.array([low, high], dtype=y.dtype))
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError(
            f"y_true contains {np.count_nonzero(np.isnan(y))} NaN labels at rows "
            f"{_rows(np.isnan(y))}; every sample needs a class."
        )
    try:
        return np.unique(y)
    except TypeError as error:
        raise ValueError(
            f"y_true mixes label types that cannot be compared ({error}); "
            "use labels of one type, e.g. all strings or all integers."
        ) from error


def _labels_repr(classes: np.ndarray) -> str:
    return ", ".join(repr(c) for c in classes.tolist())


def _is_zero_one(classes: np.ndarray) -> bool:
    """Whether the labels are a subset of {0, 1} (or {False, True})."""
    return classes.dtype.kind in "biuf" and bool(np.isin(classes, [0, 1]).all())


def _resolve_positive_label(classes: np.ndarray, positive_label: Any) -> tuple[Any, Any]:
    """Return ``(positive_label, negative_label)`` for binary labels ``classes``.

    The negative label is None when it cannot be known (only the positive class is
    present and the labels are not 0/1).
    """
    zero_one = _is_zero_one(classes)
    if positive_label is None:
        if not zero_one:
            raise ValueError(
                f"y_true has labels {_labels_repr(classes)}; say which one is positive, "
                f"e.g. positive_label={classes[-1].item()!r}. It may be left out only when "
                "the labels are 0 and 1 (or False and True)."
            )
        # The larger label, in the labels' own type (True for booleans, 1.0 for floats).
        positive_label = np.array(1, dtype=classes.dtype).item()
    valid = classes.tolist()
    if zero_one:
        # With 0/1 labels the absent one is a legitimate class (e.g. all negatives).
        valid = sorted(set(valid) | {0, 1})
    elif len(valid) == 1 and isinstance(positive_label, str) == isinstance(valid[0], str):
        # One class in y_true (a batch without positives, say): the other label may be
        # any label of the same kind; with two classes present, it must be one of them.
        valid.append(positive_label)
    if not any(_same_label(positive_label, label) for label in valid):
        raise ValueError(
            f"positive_label={positive_label!r} is not a label of y_true; the labels are "
            f"{_labels_repr(np.asarray(valid))}. Pass one of them."
        )
    others = [label for label in valid if not _same_label(positive_label, label)]
    negative = others[0] if others else None
    if negative is not None and classes.dtype.kind in "biuf":
        negative = np.array(negative, dtype=classes.dtype).item()
    return positive_label, negative


def _same_label(a: Any, b: Any) -> bool:
    # Labels compare by value, except that a string never equals a number.
    if isinstance(a, str) != isinstance(b, str):
        return False
    return bool(a == b)


def _check_binary(
    y_true: Any,
    scores: Any,
    sample_weight: Any,
    positive_label: Any,
    *,
    need: tuple[str, ...] = (),
    require_probabilities: bool = False,
) -> _Binary:
    """Validate binary inputs; ``need`` names the classes that must be present."""
    y = _as_1d(y_true, "y_true")
    if y.shape[0] == 0:
        raise ValueError("y_true is empty; there is nothing to evaluate.")
    score = _check_scores(scores, y.shape[0])
    weight = _check_weight(sample_weight, y.shape[0])
    classes = _classes(y)
    if classes.shape[0] > 2:
        raise ValueError(
            f"y_true has {classes.shape[0]} classes ({_labels_repr(classes[:10])}); these "
            "metrics are for two classes. For one class against the rest pass "
            "y_true == label; for a multiclass AUC use roc_auc(..., multi_class='ovr')."
        )
    positive, negative = _resolve_positive_label(classes, positive_label)
    is_positive = y == positive
    if require_probabilities and (score.min() < 0 or score.max() > 1):
        outside = (score < 0) | (score > 1)
        raise ValueError(
            f"scores range from {score.min():.4g} to {score.max():.4g}; "
            f"{np.count_nonzero(outside)} of them are outside [0, 1] (rows {_rows(outside)}), but "
            "require_probabilities=True asks for probabilities. Pass "
            "model.predict_proba(X)[:, 1], or drop require_probabilities for other scores."
        )
    data = _Binary(y, is_positive, score, weight, positive, negative)
    _check_classes_present(data, need)
    return data


def _check_classes_present(data: _Binary, need: tuple[str, ...]) -> None:
    """Raise if a class named in ``need`` ("positive", "negative") is absent or weightless."""
    for kind in need:
        members = data.is_positive if kind == "positive" else ~data.is_positive
        total = data.n_positive if kind == "positive" else data.n_negative
        if total > 0:
            continue
        purpose = (
            "ROC curves and operating points need both positive and negative samples"
            if "negative" in need
            else "precision and recall need positive samples"
        )
        if members.any():
            raise ValueError(
                f"every {kind} sample has sample_weight 0 (positive_label="
                f"{data.positive_label!r}); {purpose} with weight above 0."
            )
        only = _classes(data.y_true)[0].item()
        raise ValueError(
            f"y_true contains only class {only!r} "
            f"(positive_label={data.positive_label!r}), so there are no {kind} samples; "
            f"{purpose}."
        )


def _nonzero_weight(data: _Binary) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(is_positive, scores, weight)`` without the samples of weight 0."""
    if data.weight is None:
        return data.is_positive, data.scores, None
    keep = data.weight != 0
    if keep.all():
        return data.is_positive, data.scores, data.weight
    return data.is_positive[keep], data.scores[keep], data.weight[keep]


def _check_probability_rows(
    scores: np.ndarray, n_samples: int, n_classes: int, labels: Any
) -> np.ndarray:
    """Multiclass scores: (n_samples, n_classes) probabilities whose rows sum to 1."""
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D for a multiclass AUC; received shape {scores.shape}.")
    if scores.shape[0] != n_samples:
        raise ValueError(
            f"y_true has {n_samples} samples but scores has {scores.shape[0]} rows; "
            "they must have one entry per sample."
        )
    if scores.shape[1] != n_classes:
        where = "y_true has" if labels is None else "labels lists"
        raise ValueError(
            f"{where} {n_classes} classes but scores has {scores.shape[1]} columns; pass "
            "labels= with the class of each column (e.g. labels=model.classes_)."
        )
    array = scores.astype(np.float64, copy=False)
    _check_finite(array.sum(axis=1), "scores (rows)")
    row_sums = array.sum(axis=1)
    off = (array.min(axis=1) < 0) | (array.max(axis=1) > 1) | ~np.isclose(row_sums, 1.0)
    if off.any():
        first = int(np.flatnonzero(off)[0])
        raise ValueError(
            f"a multiclass AUC needs probabilities in [0, 1] whose rows sum to 1, as from "
            f"model.predict_proba(X); {np.count_nonzero(off)} rows are not (rows "
            f"{_rows(off)}; row {first} sums to {row_sums[first]:.4g})."
        )
    return array
