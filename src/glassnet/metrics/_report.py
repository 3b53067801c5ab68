"""scikit-learn's classification report, plus specificity and the majority baseline.

Precision, recall, F1 and support are ``sklearn.metrics.classification_report``'s
own numbers. Added: each class's specificity (``tn / (tn + fp)``, the recall of
"not this class") and a last line saying how accurate always answering the most
frequent class would be, the number any model has to beat.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import classification_report as sklearn_classification_report
from sklearn.metrics import confusion_matrix
from sklearn.utils.multiclass import unique_labels

from glassnet.metrics._confusion import ConfusionMatrix
from glassnet.metrics._labels import (
    check_targets,
    check_zero_division,
    divide,
    nan_average,
    one_vs_rest_cells,
)

_OUTPUTS = ("text", "dict", "frame")
_COLUMNS = ("precision", "recall", "f1-score", "specificity", "support")
_BASELINE = "majority baseline"
_AVERAGES = ("micro avg", "macro avg", "weighted avg")


def classification_report(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    target_names: Sequence[str] | None = None,
    sample_weight: Any = None,
    digits: int = 2,
    output: str = "text",
    zero_division: Any = "warn",
) -> str | dict[str, Any] | pd.DataFrame:
    """Build a report of precision, recall, F1, specificity and support per class.

    The numbers are those of ``sklearn.metrics.classification_report``, with a
    specificity column (one class against the rest: ``tn / (tn + fp)``) and the
    majority baseline: the accuracy of always answering the most frequent true
    class.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        The labels to report on, as in scikit-learn; by default those in the data.
    target_names : list of str, default=None
        Display names of ``labels``, in the same order.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.
    digits : int, default=2
        Decimals of the rates in the text output (dict and frame keep full precision).
    output : {'text', 'dict', 'frame'}, default='text'
        'text' a printable table; 'dict' scikit-learn's ``output_dict=True``
        dictionary with 'specificity' keys and a 'majority baseline' entry
        (``{'class': name, 'accuracy': float}``); 'frame' a DataFrame with one row
        per class and average, then 'majority baseline' (its class name in
        ``frame.attrs['majority_class']``).
    zero_division : {'warn', 0, 1, np.nan}, default='warn'
        The value of a rate whose denominator is zero; 'warn' gives 0.0 and an
        ``UndefinedMetricWarning``.

    Returns
    -------
    str, dict or DataFrame
        As chosen by ``output``.

    See Also
    --------
    sklearn.metrics.classification_report : The numbers this report starts from.
    glassnet.metrics.ConfusionMatrix : The counts behind them, with explanations.

    Examples
    --------
    >>> from glassnet.metrics import classification_report
    >>> report = classification_report([0, 0, 0, 1], [0, 0, 1, 1], output="dict")
    >>> report["0"]["specificity"], report["majority baseline"]
    (1.0, {'class': '0', 'accuracy': 0.75})
    """
    if output not in _OUTPUTS:
        raise ValueError(
            f"output={output!r} is not valid; pass 'text' (a printable table), 'dict' or "
            "'frame' (a pandas DataFrame)."
        )
    if isinstance(digits, bool) or not isinstance(digits, int | np.integer) or digits < 0:
        raise ValueError(f"digits={digits!r} is not valid; pass a whole number of decimals >= 0.")
    check_zero_division(zero_division)
    y_true, y_pred, sample_weight = check_targets(y_true, y_pred, sample_weight)

    report = sklearn_classification_report(
        y_true,
        y_pred,
        labels=labels,
        target_names=target_names,
        sample_weight=sample_weight,
        output_dict=True,
        zero_division=zero_division,
    )
    used = unique_labels(y_true, y_pred) if labels is None else np.asarray(labels)
    names = [str(name) for name in target_names] if target_names is not None else None
    _add_specificity(report, y_true, y_pred, used, names, sample_weight, zero_division)

    with _single_label_is_fine():
        counts = ConfusionMatrix(y_true, y_pred, sample_weight=sample_weight)
    baseline = counts.majority_baseline()
    used_list = used.tolist()
    if names is not None and baseline.label in used_list:
        baseline_name = names[used_list.index(baseline.label)]
    else:
        baseline_name = str(baseline.label)
    report[_BASELINE] = {"class": baseline_name, "accuracy": baseline.accuracy}

    if output == "dict":
        return report
    if output == "frame":
        return _to_frame(report)
    return _to_text(report, digits)


@contextlib.contextmanager
def _single_label_is_fine() -> Iterator[None]:
    """Silence confusion_matrix's advice to pass labels: the report's labels are settled."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "A single label was found", UserWarning)
        yield


def _add_specificity(
    report: dict[str, Any],
    y_true: np.ndarray,
    y_pred: np.ndarray,
    labels: np.ndarray,
    names: list[str] | None,
    sample_weight: np.ndarray | None,
    zero_division: Any,
) -> None:
    """Insert 'specificity' before 'support' in each class and average of ``report``."""
    # One against the rest counts every sample, also those of labels left out of the
    # report: build the matrix on all labels, then keep the reported ones.
    every = labels.tolist() + [v for v in unique_labels(y_true, y_pred).tolist() if v not in labels]
    with _single_label_is_fine():
        matrix = confusion_matrix(y_true, y_pred, labels=every, sample_weight=sample_weight)
    tn, fp, fn, tp = (cell[: len(labels)] for cell in one_vs_rest_cells(matrix))
    rate = dict(zero_division=zero_division, metric="Specificity", modifier="negative")
    per_class = divide(tn, tn + fp, **rate)
    values = {
        "macro avg": nan_average(per_class),
        "weighted avg": nan_average(per_class, weights=tp + fn),
    }
    if "micro avg" in report:
        values["micro avg"] = float(
            divide(tn.sum(keepdims=True), (tn + fp).sum(keepdims=True), **rate)[0]
        )
    # scikit-learn names the classes by target_names, else by "%s" % label, i.e. str(label).
    keys = names if names is not None else [str(label) for label in labels]
    values |= {key: float(value) for key, value in zip(keys, per_class, strict=True)}
    for key, value in values.items():
        row = report[key]
        support = row.pop("support")
        row["specificity"] = value
        row["support"] = support


def _to_frame(report: dict[str, Any]) -> pd.DataFrame:
    rows = {}
    for key, row in report.items():
        if key == "accuracy":
            total = report["macro avg"]["support"]
            rows[key] = {"f1-score": row, "support": total}
        elif key == _BASELINE:
            rows[key] = {"f1-score": row["accuracy"], "support": report["macro avg"]["support"]}
        else:
            rows[key] = row
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(_COLUMNS))
    frame.attrs["majority_class"] = report[_BASELINE]["class"]
    return frame


def _support(value: float, digits: int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.{digits}f}"


def _to_text(report: dict[str, Any], digits: int) -> str:
    """Lay the report out as scikit-learn does, with the extra column and line."""
    # As scikit-learn: 9 characters a column, wider for the longer 'specificity'.
    widths = [9 if len(column) <= 9 else len(column) + 1 for column in _COLUMNS]
    width = max(len(key) for key in report if key != _BASELINE)
    width = max(width, len("weighted avg"), digits)

    def line(name: str, cells: Sequence[str]) -> str:
        padded = "".join(f" {cell:>{w}}" for cell, w in zip(cells, widths, strict=True))
        return f"{name:>{width}} {padded}".rstrip()

    lines = [line("", _COLUMNS), ""]
    summary = []
    for key, row in report.items():
        if key == _BASELINE:
            continue
        if key == "accuracy":
            total = report["macro avg"]["support"]
            cells = ["", "", f"{row:.{digits}f}", "", _support(total, digits)]
            summary.append(line(key, cells))
            continue
        cells = [f"{row[column]:.{digits}f}" for column in _COLUMNS[:-1]]
        cells.append(_support(row["support"], digits))
        (summary if key in _AVERAGES else lines).append(line(key, cells))
    baseline = report[_BASELINE]
    return "\n".join(
        [
            *lines,
            "",
            *summary,
            "",
            f"majority baseline accuracy: {baseline['accuracy']:.{digits}f} "
            f"(always answering '{baseline['class']}')",
        ]
    )
