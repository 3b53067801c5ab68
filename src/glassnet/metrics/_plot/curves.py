"""ROC, precision-recall and metrics-versus-threshold plots.

Each Display follows scikit-learn's convention: the constructor stores computed
values; ``plot(ax=None, ...)`` draws them and returns the display with ``figure_``,
``ax_`` and the drawn artists; ``from_predictions`` and ``from_estimator`` compute and
plot in one call. matplotlib is imported inside the plotting methods only, so
``import glassnet.metrics`` does not import it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from sklearn.utils.validation import check_is_fitted

from glassnet._extras import need
from glassnet.metrics._curves import precision_recall_curve, roc_curve
from glassnet.metrics._scores import _classes, _resolve_positive_label, _same_label
from glassnet.metrics._thresholds import ThresholdChoice, threshold_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D
    from matplotlib.text import Annotation

__all__ = ["PrecisionRecallDisplay", "RocCurveDisplay", "ThresholdMetricsDisplay"]

# What `operating_point` accepts: a threshold, a choose_threshold result, or a row of
# threshold_table (any mapping with threshold, tpr, fpr and precision).
OperatingPoint = float | ThresholdChoice | Mapping[str, float]


@dataclass(frozen=True)
class _Point:
    """An operating point: a threshold and the rates it gives."""

    threshold: float
    tpr: float
    fpr: float
    precision: float

    def describe(self) -> str:
        """Two-line label: the threshold, then its rates."""
        return (
            f"threshold {self.threshold:.3g}\n"
            f"TPR {self.tpr:.2f}, FPR {self.fpr:.2f}, precision {self.precision:.2f}"
        )


def _as_point(operating_point: Any) -> _Point | None:
    """Convert a ThresholdChoice or a threshold_table row to a `_Point`; None stays None."""
    if operating_point is None:
        return None
    if isinstance(operating_point, ThresholdChoice):
        source: Mapping[str, Any] = vars(operating_point)
    elif isinstance(operating_point, Mapping) or hasattr(operating_point, "keys"):
        source = operating_point
    else:
        raise ValueError(
            "operating_point must be a choose_threshold result or a row of threshold_table "
            "(with threshold, tpr, fpr and precision); received "
            f"{type(operating_point).__name__}. To mark a bare threshold, use "
            "from_predictions(..., operating_point=threshold)."
        )
    missing = [key for key in ("threshold", "tpr", "fpr", "precision") if key not in source]
    if missing:
        raise ValueError(
            f"operating_point lacks {', '.join(missing)}; pass a row of threshold_table "
            "or a choose_threshold result."
        )
    return _Point(*(float(source[key]) for key in ("threshold", "tpr", "fpr", "precision")))


def _point_from_data(
    y_true: Any,
    scores: Any,
    operating_point: OperatingPoint | None,
    positive_label: Any,
    sample_weight: Any,
) -> pd.Series | None:
    """Return the threshold_table row at ``operating_point``'s threshold, from these data."""
    if operating_point is None:
        return None
    if isinstance(operating_point, ThresholdChoice):
        threshold = operating_point.threshold
    elif isinstance(operating_point, Mapping):
        threshold = operating_point["threshold"]
    elif isinstance(operating_point, (int, float, np.number)) and not isinstance(
        operating_point, bool
    ):
        threshold = float(operating_point)
    else:
        raise ValueError(
            "operating_point must be a threshold (a number), a choose_threshold result or a "
            f"row of threshold_table; received {type(operating_point).__name__}."
        )
    return threshold_table(
        y_true,
        scores,
        [threshold],
        positive_label=positive_label,
        sample_weight=sample_weight,
        zero_division=np.nan,
    ).iloc[0]


def _estimator_scores(
    estimator: Any, X: Any, y: Any, positive_label: Any, response_method: str
) -> tuple[np.ndarray, Any]:
    """Positive-class scores of a fitted binary classifier, and the positive label.

    ``response_method="auto"`` tries ``predict_proba``, then ``decision_function``.
    """
    check_is_fitted(estimator)
    classes = np.asarray(estimator.classes_)
    if classes.shape[0] != 2:
        raise ValueError(
            f"{type(estimator).__name__} has {classes.shape[0]} classes; these curves need a "
            "binary classifier. Fit one class against the rest, or use roc_auc with "
            "multi_class='ovr'."
        )
    positive, _ = _resolve_positive_label(_classes(np.asarray(y)), positive_label)
    column = [i for i, c in enumerate(classes.tolist()) if _same_label(positive, c)]
    if not column:
        raise ValueError(
            f"positive_label={positive!r} is not one of {type(estimator).__name__}'s classes "
            f"({', '.join(repr(c) for c in classes.tolist())})."
        )
    methods = ["predict_proba", "decision_function"] if response_method == "auto" else []
    if response_method in ("predict_proba", "decision_function"):
        methods = [response_method]
    available = [m for m in methods if hasattr(estimator, m)]
    if not available:
        raise ValueError(
            f"response_method must be 'auto', 'predict_proba' or 'decision_function', and "
            f"{type(estimator).__name__} must have it; received {response_method!r}."
        )
    output = np.asarray(getattr(estimator, available[0])(X))
    if available[0] == "predict_proba":
        return output[:, column[0]], positive  # (n_samples,)
    # decision_function scores classes_[1]; flip it when the positive class is classes_[0].
    return (output if column[0] == 1 else -output), positive


def _new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    need("plot")
    import matplotlib.pyplot as plt  # here, not at import time

    _, ax = plt.subplots()
    return ax


def _positive_suffix(positive_label: Any) -> str:
    return "" if positive_label is None else f" (positive label: {positive_label})"


def _mark_point(
    ax: Axes, x: float, y: float, point: _Point, kw: dict[str, Any] | None
) -> tuple[Line2D, Annotation]:
    """Draw the operating point's marker and its annotation at (x, y)."""
    style = {
        "marker": "o",
        "markersize": 9,
        "linestyle": "",
        "color": "C3",
        "zorder": 3,
        "label": f"threshold {point.threshold:.3g}",
    }
    (marker,) = ax.plot([x], [y], **{**style, **(kw or {})})
    # Put the text on the side with more room so it stays inside the axes.
    right = x < 0.55
    annotation = ax.annotate(
        point.describe(),
        xy=(x, y),
        xytext=(12 if right else -12, -28 if y > 0.3 else 20),
        textcoords="offset points",
        ha="left" if right else "right",
        fontsize="small",
        bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
        arrowprops={"arrowstyle": "-", "color": marker.get_color()},
    )
    return marker, annotation


class _FromEstimator:
    """``from_estimator`` for the displays: score with the model, then ``from_predictions``."""

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        *,
        response_method: str = "auto",
        positive_label: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> Self:
        """Score ``X`` with a fitted binary classifier and plot the display from its scores.

        Parameters
        ----------
        estimator : fitted classifier
            Has ``classes_`` and ``predict_proba`` or ``decision_function``.
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            True labels.
        response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
            Which scores to use; "auto" prefers ``predict_proba``.
        positive_label : int, float, bool or str, optional
            The positive class; required unless the labels are 0/1 or False/True.
        name : str, optional
            Legend name; the estimator's class name by default.
        **kwargs
            Passed to `from_predictions` (``operating_point``, ``ax``, ...).

        Returns
        -------
        display
            The plotted display, of the class this is called on.
        """
        scores, positive = _estimator_scores(estimator, X, y, positive_label, response_method)
        name = type(estimator).__name__ if name is None else name
        return cls.from_predictions(y, scores, positive_label=positive, name=name, **kwargs)


class RocCurveDisplay(_FromEstimator):
    """ROC curve with its AUC, the chance diagonal and an optional operating point.

    Build it with `from_predictions` or `from_estimator`; the constructor only stores
    values already computed (e.g. by `glassnet.metrics.roc_curve`).

    Parameters
    ----------
    fpr, tpr : ndarray of shape (n_points,)
        False and true positive rates along the curve.
    roc_auc : float, optional
        Area under the curve, shown in the legend.
    name : str, optional
        Name of the model, shown in the legend.
    positive_label : object, optional
        The positive class, shown in the axis labels.
    operating_point : ThresholdChoice or mapping, optional
        A point to mark: a `choose_threshold` result or a row of `threshold_table`.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The ROC curve.
    chance_level_ : matplotlib.lines.Line2D or None
        The chance diagonal.
    operating_point_ : matplotlib.lines.Line2D or None
        The operating point's marker.
    annotation_ : matplotlib.text.Annotation or None
        The operating point's threshold, TPR and FPR.
    ax_ : matplotlib.axes.Axes
        The axes drawn on.
    figure_ : matplotlib.figure.Figure
        The figure holding `ax_`.

    Examples
    --------
    >>> from glassnet.metrics import RocCurveDisplay, choose_threshold
    >>> y, s = [0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.3, 0.9]
    >>> display = RocCurveDisplay.from_predictions(
    ...     y, s, operating_point=choose_threshold(y, s), name="model"
    ... )
    >>> display.line_.get_label()
    'model (AUC = 0.89)'
    """

    def __init__(
        self,
        *,
        fpr: np.ndarray,
        tpr: np.ndarray,
        roc_auc: float | None = None,
        name: str | None = None,
        positive_label: Any = None,
        operating_point: ThresholdChoice | Mapping[str, float] | None = None,
    ) -> None:
        self.fpr = fpr
        self.tpr = tpr
        self.roc_auc = roc_auc
        self.name = name
        self.positive_label = positive_label
        self.operating_point = operating_point

    def plot(
        self,
        ax: Axes | None = None,
        *,
        name: str | None = None,
        plot_chance_level: bool = True,
        chance_level_kw: dict[str, Any] | None = None,
        operating_point_kw: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """Draw the curve.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure by default.
        name : str, optional
            Overrides the stored name in the legend.
        plot_chance_level : bool, default=True
            Draw the diagonal of a classifier that guesses (AUC 0.5).
        chance_level_kw, operating_point_kw : dict, optional
            Keyword arguments for ``Axes.plot`` of the diagonal and the marker.
        **kwargs
            Keyword arguments for ``Axes.plot`` of the curve.

        Returns
        -------
        RocCurveDisplay
            This display, with ``line_``, ``ax_``, ``figure_`` and the other artists.
        """
        ax = _new_axes(ax)
        name = self.name if name is None else name
        label = "ROC" if name is None else name
        if self.roc_auc is not None:
            label = f"{label} (AUC = {self.roc_auc:.2f})"
        (self.line_,) = ax.plot(self.fpr, self.tpr, **{"label": label, **kwargs})
        self.chance_level_ = None
        if plot_chance_level:
            style = {"color": "grey", "linestyle": "--", "label": "chance (AUC = 0.5)"}
            (self.chance_level_,) = ax.plot([0, 1], [0, 1], **{**style, **(chance_level_kw or {})})
        self.operating_point_ = self.annotation_ = None
        point = _as_point(self.operating_point)
        if point is not None:
            self.operating_point_, self.annotation_ = _mark_point(
                ax, point.fpr, point.tpr, point, operating_point_kw
            )
        suffix = _positive_suffix(self.positive_label)
        ax.set(
            xlabel=f"False positive rate = 1 - specificity{suffix}",
            ylabel=f"True positive rate = recall{suffix}",
            xlim=(-0.01, 1.01),
            ylim=(-0.01, 1.01),
            aspect="equal",
        )
        ax.legend(loc="lower right")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        scores: Any,
        *,
        positive_label: Any = None,
        sample_weight: Any = None,
        drop_intermediate: bool = True,
        operating_point: OperatingPoint | None = None,
        name: str | None = None,
        ax: Axes | None = None,
        **plot_kwargs: Any,
    ) -> Self:
        """Compute the ROC curve of scores and plot it.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels, two classes.
        scores : array-like of shape (n_samples,)
            Scores of the positive class.
        positive_label : int, float, bool or str, optional
            The positive class; required unless the labels are 0/1 or False/True.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative sample weights.
        drop_intermediate : bool, default=True
            Drop collinear points (see `glassnet.metrics.roc_curve`).
        operating_point : float, ThresholdChoice or mapping, optional
            A threshold to mark (or a `choose_threshold` result, or a threshold_table
            row); its rates are computed from these data.
        name : str, optional
            Name of the model, for the legend.
        ax : matplotlib.axes.Axes, optional
            Axes to draw on.
        **plot_kwargs
            Passed to `plot`.

        Returns
        -------
        RocCurveDisplay
            The plotted display.
        """
        curve = roc_curve(
            y_true,
            scores,
            positive_label=positive_label,
            sample_weight=sample_weight,
            drop_intermediate=drop_intermediate,
        )
        display = cls(
            fpr=curve.fpr,
            tpr=curve.tpr,
            roc_auc=curve.auc,
            name=name,
            positive_label=curve.positive_label,
            operating_point=_point_from_data(
                y_true, scores, operating_point, curve.positive_label, sample_weight
            ),
        )
        return display.plot(ax=ax, **plot_kwargs)


class PrecisionRecallDisplay(_FromEstimator):
    """Precision-recall curve with its average precision, no-skill line, operating point.

    Parameters
    ----------
    precision, recall : ndarray of shape (n_points,)
        Precision and recall along the curve.
    average_precision : float, optional
        Shown in the legend.
    prevalence : float, optional
        Fraction of positive samples: the precision of a classifier with no skill,
        drawn as a horizontal line.
    name : str, optional
        Name of the model, shown in the legend.
    positive_label : object, optional
        The positive class, shown in the axis labels.
    operating_point : ThresholdChoice or mapping, optional
        A point to mark: a `choose_threshold` result or a row of `threshold_table`.

    Attributes
    ----------
    line_ : matplotlib.lines.Line2D
        The precision-recall curve.
    chance_level_ : matplotlib.lines.Line2D or None
        The no-skill line.
    operating_point_ : matplotlib.lines.Line2D or None
        The operating point's marker.
    annotation_ : matplotlib.text.Annotation or None
        The operating point's threshold and rates.
    ax_ : matplotlib.axes.Axes
        The axes drawn on.
    figure_ : matplotlib.figure.Figure
        The figure holding `ax_`.
    """

    def __init__(
        self,
        *,
        precision: np.ndarray,
        recall: np.ndarray,
        average_precision: float | None = None,
        prevalence: float | None = None,
        name: str | None = None,
        positive_label: Any = None,
        operating_point: ThresholdChoice | Mapping[str, float] | None = None,
    ) -> None:
        self.precision = precision
        self.recall = recall
        self.average_precision = average_precision
        self.prevalence = prevalence
        self.name = name
        self.positive_label = positive_label
        self.operating_point = operating_point

    def plot(
        self,
        ax: Axes | None = None,
        *,
        name: str | None = None,
        plot_chance_level: bool = True,
        chance_level_kw: dict[str, Any] | None = None,
        operating_point_kw: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """Draw the curve.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure by default.
        name : str, optional
            Overrides the stored name in the legend.
        plot_chance_level : bool, default=True
            Draw the no-skill line at the prevalence (when it is known).
        chance_level_kw, operating_point_kw : dict, optional
            Keyword arguments for ``Axes.plot`` of the no-skill line and the marker.
        **kwargs
            Keyword arguments for ``Axes.plot`` of the curve.

        Returns
        -------
        PrecisionRecallDisplay
            This display, with ``line_``, ``ax_``, ``figure_`` and the other artists.
        """
        ax = _new_axes(ax)
        name = self.name if name is None else name
        label = "precision-recall" if name is None else name
        if self.average_precision is not None:
            label = f"{label} (AP = {self.average_precision:.2f})"
        # Precision holds from one recall value to the next: a step, as scikit-learn draws.
        style = {"label": label, "drawstyle": "steps-post"}
        (self.line_,) = ax.plot(self.recall, self.precision, **{**style, **kwargs})
        self.chance_level_ = None
        if plot_chance_level and self.prevalence is not None:
            style = {
                "color": "grey",
                "linestyle": "--",
                "label": f"no skill (prevalence = {self.prevalence:.2f})",
            }
            (self.chance_level_,) = ax.plot(
                [0, 1], [self.prevalence] * 2, **{**style, **(chance_level_kw or {})}
            )
        self.operating_point_ = self.annotation_ = None
        point = _as_point(self.operating_point)
        if point is not None:
            self.operating_point_, self.annotation_ = _mark_point(
                ax, point.tpr, point.precision, point, operating_point_kw
            )
        suffix = _positive_suffix(self.positive_label)
        ax.set(
            xlabel=f"Recall = true positive rate{suffix}",
            ylabel=f"Precision{suffix}",
            xlim=(-0.01, 1.01),
            ylim=(-0.01, 1.01),
            aspect="equal",
        )
        ax.legend(loc="lower left")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        scores: Any,
        *,
        positive_label: Any = None,
        sample_weight: Any = None,
        drop_intermediate: bool = False,
        operating_point: OperatingPoint | None = None,
        name: str | None = None,
        ax: Axes | None = None,
        **plot_kwargs: Any,
    ) -> Self:
        """Compute the precision-recall curve of scores and plot it.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        scores : array-like of shape (n_samples,)
            Scores of the positive class.
        positive_label : int, float, bool or str, optional
            The positive class; required unless the labels are 0/1 or False/True.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative sample weights.
        drop_intermediate : bool, default=False
            Drop points that do not change the drawn curve.
        operating_point : float, ThresholdChoice or mapping, optional
            A threshold to mark (or a `choose_threshold` result, or a threshold_table
            row); its rates are computed from these data.
        name : str, optional
            Name of the model, for the legend.
        ax : matplotlib.axes.Axes, optional
            Axes to draw on.
        **plot_kwargs
            Passed to `plot`.

        Returns
        -------
        PrecisionRecallDisplay
            The plotted display.
        """
        curve = precision_recall_curve(
            y_true,
            scores,
            positive_label=positive_label,
            sample_weight=sample_weight,
            drop_intermediate=drop_intermediate,
        )
        display = cls(
            precision=curve.precision,
            recall=curve.recall,
            average_precision=curve.average_precision,
            prevalence=curve.prevalence,
            name=name,
            positive_label=curve.positive_label,
            operating_point=_point_from_data(
                y_true, scores, operating_point, curve.positive_label, sample_weight
            ),
        )
        return display.plot(ax=ax, **plot_kwargs)


# Column of threshold_table -> legend label.
_METRIC_LABELS = {
    "precision": "precision",
    "tpr": "recall (TPR)",
    "specificity": "specificity",
    "f1": "F1",
    "accuracy": "accuracy",
    "fpr": "FPR",
}


class ThresholdMetricsDisplay(_FromEstimator):
    """Precision, recall, specificity, F1 and accuracy against the threshold.

    Shows what moving the threshold trades: recall falls and specificity rises as it
    goes up. An optional vertical line marks a chosen threshold.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of `glassnet.metrics.threshold_table`.
    operating_point : float or ThresholdChoice, optional
        The threshold to mark with a vertical line.
    name : str, optional
        Name of the model, shown in the title.
    positive_label : object, optional
        The positive class, shown in the title.

    Attributes
    ----------
    lines_ : dict of str to matplotlib.lines.Line2D
        One line per metric, keyed by threshold_table column (several curves, so a
        dict, as scikit-learn's multi-line displays).
    threshold_line_ : matplotlib.lines.Line2D or None
        The vertical line at the chosen threshold.
    ax_ : matplotlib.axes.Axes
        The axes drawn on.
    figure_ : matplotlib.figure.Figure
        The figure holding `ax_`.
    """

    def __init__(
        self,
        *,
        table: pd.DataFrame,
        operating_point: float | ThresholdChoice | None = None,
        name: str | None = None,
        positive_label: Any = None,
    ) -> None:
        self.table = table
        self.operating_point = operating_point
        self.name = name
        self.positive_label = positive_label

    def plot(
        self,
        ax: Axes | None = None,
        *,
        metrics: Sequence[str] = ("precision", "tpr", "specificity", "f1", "accuracy"),
        operating_point_kw: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """Draw one line per metric against the threshold.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure by default.
        metrics : sequence of str, default=("precision", "tpr", "specificity", "f1", \
"accuracy")
            Columns of the table to draw; "fpr" is also available.
        operating_point_kw : dict, optional
            Keyword arguments for ``Axes.axvline`` of the threshold line.
        **kwargs
            Keyword arguments for ``Axes.plot`` of every metric line.

        Returns
        -------
        ThresholdMetricsDisplay
            This display, with ``lines_``, ``threshold_line_``, ``ax_`` and ``figure_``.
        """
        unknown = [m for m in metrics if m not in _METRIC_LABELS]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}; choose from {', '.join(_METRIC_LABELS)}.")
        ax = _new_axes(ax)
        table = self.table.sort_values("threshold")
        self.lines_: dict[str, Line2D] = {}
        for metric in metrics:
            (self.lines_[metric],) = ax.plot(
                table["threshold"], table[metric], **{"label": _METRIC_LABELS[metric], **kwargs}
            )
        self.threshold_line_ = None
        if self.operating_point is not None:
            threshold = (
                self.operating_point.threshold
                if isinstance(self.operating_point, ThresholdChoice)
                else float(self.operating_point)
            )
            style = {"color": "black", "linestyle": ":", "label": f"threshold {threshold:.3g}"}
            self.threshold_line_ = ax.axvline(threshold, **{**style, **(operating_point_kw or {})})
        title = "Metrics by threshold" + ("" if self.name is None else f": {self.name}")
        ax.set(
            xlabel="Threshold (predict positive when score >= threshold)",
            ylabel="Metric value",
            ylim=(-0.02, 1.02),
            title=title + _positive_suffix(self.positive_label),
        )
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        scores: Any,
        *,
        thresholds: Any = None,
        positive_label: Any = None,
        sample_weight: Any = None,
        operating_point: float | ThresholdChoice | None = None,
        name: str | None = None,
        ax: Axes | None = None,
        **plot_kwargs: Any,
    ) -> Self:
        """Tabulate the metrics at each threshold and plot them.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        scores : array-like of shape (n_samples,)
            Scores of the positive class.
        thresholds : array-like, optional
            Thresholds to evaluate; every distinct score by default.
        positive_label : int, float, bool or str, optional
            The positive class; required unless the labels are 0/1 or False/True.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative sample weights.
        operating_point : float or ThresholdChoice, optional
            The threshold to mark.
        name : str, optional
            Name of the model, for the title.
        ax : matplotlib.axes.Axes, optional
            Axes to draw on.
        **plot_kwargs
            Passed to `plot`.

        Returns
        -------
        ThresholdMetricsDisplay
            The plotted display. Rates that are 0/0 at a threshold (precision above
            the highest score) are NaN and leave a gap rather than a drop to 0.
        """
        table = threshold_table(
            y_true,
            scores,
            thresholds,
            positive_label=positive_label,
            sample_weight=sample_weight,
            zero_division=np.nan,
        )
        if positive_label is None:
            positive_label, _ = _resolve_positive_label(_classes(np.asarray(y_true)), None)
        display = cls(
            table=table, operating_point=operating_point, name=name, positive_label=positive_label
        )
        return display.plot(ax=ax, **plot_kwargs)
