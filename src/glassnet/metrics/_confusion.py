"""A confusion matrix whose cells have names and whose numbers explain themselves.

scikit-learn computes the counts (``confusion_matrix``) and the rates it knows
(precision, recall, F-scores, accuracy, balanced accuracy, MCC); this module adds
names for the cells (TN, FP, FN, TP, type I and type II errors), the rates
scikit-learn lacks (specificity, NPV, FPR, FNR, computed from the cells with
scikit-learn's zero-division rules), the majority-class baseline and plain-language
explanations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)

from glassnet import _display_slot
from glassnet.metrics import _explain
from glassnet.metrics._explain import _count
from glassnet.metrics._labels import (
    _show,
    check_targets,
    check_zero_division,
    divide,
    nan_average,
    one_vs_rest_cells,
    resolve_labels,
)

Number = int | float

_AVERAGES = ("binary", "micro", "macro", "weighted", None)
_NORMALIZE = ("true", "pred", "all", None)


class MajorityBaseline(NamedTuple):
    """The accuracy of always answering the most frequent true class."""

    label: Any
    accuracy: float


# --------------------------------------------------------------------------- the class


class ConfusionMatrix:
    """Counts of true against predicted labels, with named cells and derived rates.

    Rows are true labels and columns predicted labels, in the order of ``labels``.
    For one positive class the four cells have names: ``tn``, ``fp`` (type I
    errors), ``fn`` (type II errors) and ``tp``. The rates scikit-learn computes
    (precision, recall, F-scores, accuracy, balanced accuracy, MCC) are
    scikit-learn's own numbers; specificity, NPV, FPR and FNR are computed from the
    cells with the same zero-division rules.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels, e.g. ``model.predict(X)``.
    labels : array-like, default=None
        The labels in matrix order. Must include every label that occurs; may list
        labels that do not. By default the sorted labels of ``y_true`` and
        ``y_pred``, and both 0 and 1 when the data hold only 0/1.
    positive_label : object, default=None
        The class that TP, FP, FN and TN refer to (one-vs-rest when there are more
        than two classes). By default the larger label when the labels are {0, 1}
        or {False, True}; other binary labels need it for the named cells.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample; the counts then become sums of weights.
    label_names : mapping or sequence of str, default=None
        Words for the labels in explanations and tables, e.g.
        ``{0: 'died', 1: 'survived'}``, or one name per label in ``labels`` order.
        For two classes, :meth:`explain` reads them as verbs ("passengers who
        survived"). Default: ``str(label)``.
    zero_division : {'warn', 0, 1, np.nan}, default='warn'
        The value of a rate whose denominator is zero; 'warn' gives 0.0 and an
        ``UndefinedMetricWarning``, as in scikit-learn.

    Attributes
    ----------
    matrix : ndarray of shape (n_labels, n_labels)
        The counts (sums of weights with ``sample_weight``), rows true, columns
        predicted.
    labels : ndarray of shape (n_labels,)
        The labels in matrix order.
    positive_label : object or None
        The resolved positive class.
    label_names : dict
        The word for each label.

    See Also
    --------
    sklearn.metrics.confusion_matrix : The counts.
    glassnet.metrics.classification_report : Per-class rates as a table.
    glassnet.metrics.ConfusionMatrixDisplay : The matrix as a heatmap.

    Examples
    --------
    >>> from glassnet.metrics import ConfusionMatrix
    >>> cm = ConfusionMatrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])
    >>> cm.tp, cm.fp, cm.fn, cm.tn
    (2, 1, 1, 1)
    >>> round(cm.recall(), 3)
    0.667
    """

    def __init__(
        self,
        y_true: Any,
        y_pred: Any,
        *,
        labels: Any = None,
        positive_label: Any = None,
        sample_weight: Any = None,
        label_names: Mapping[Any, str] | Sequence[str] | None = None,
        zero_division: Any = "warn",
    ) -> None:
        check_zero_division(zero_division)
        self._y_true, self._y_pred, self._sample_weight = check_targets(
            y_true, y_pred, sample_weight
        )
        self.zero_division = zero_division
        self.labels = resolve_labels(self._y_true, self._y_pred, labels)
        self.positive_label = self._resolve_positive(positive_label)
        self.label_names = self._resolve_names(label_names)
        self._names_given = label_names is not None
        # (n_labels, n_labels): rows true, columns predicted.
        self.matrix = confusion_matrix(
            self._y_true, self._y_pred, labels=self.labels, sample_weight=self._sample_weight
        )
        self._ovr = one_vs_rest_cells(self.matrix)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_predictions(cls, y_true: Any, y_pred: Any, **kwargs: Any) -> ConfusionMatrix:
        """Build the matrix from true and predicted labels.

        Parameters
        ----------
        y_true, y_pred : array-like of shape (n_samples,)
            True and predicted labels.
        **kwargs
            Passed to :class:`ConfusionMatrix` (``labels``, ``positive_label``,
            ``sample_weight``, ``label_names``, ``zero_division``).

        Returns
        -------
        ConfusionMatrix
        """
        return cls(y_true, y_pred, **kwargs)

    @classmethod
    def from_estimator(cls, estimator: Any, X: Any, y: Any, **kwargs: Any) -> ConfusionMatrix:
        """Build the matrix from a fitted classifier's predictions on ``X``.

        Parameters
        ----------
        estimator : fitted classifier
            Anything with a ``predict`` method.
        X : array-like of shape (n_samples, n_features)
            The samples to evaluate on (usually the test rows).
        y : array-like of shape (n_samples,)
            Their true labels.
        **kwargs
            Passed to :class:`ConfusionMatrix`.

        Returns
        -------
        ConfusionMatrix
        """
        if not callable(getattr(estimator, "predict", None)):
            raise TypeError(
                f"estimator must be a fitted classifier with a predict method; got "
                f"{type(estimator).__name__}. To use labels you already have, call "
                "ConfusionMatrix.from_predictions(y_true, y_pred)."
            )
        return cls(y, estimator.predict(X), **kwargs)

    # ------------------------------------------------------------------ set-up helpers

    def _resolve_positive(self, positive_label: Any) -> Any:
        as_list = self.labels.tolist()
        if positive_label is None:
            if len(as_list) == 2 and set(as_list) == {0, 1}:
                return as_list[int(np.argmax(as_list))]
            return None
        if positive_label not in as_list:
            raise ValueError(
                f"positive_label={positive_label!r} is not one of the labels {_show(as_list)}; "
                "pass one of them (mind the type: '1' is not 1), or, for a class that does "
                "not occur in these data, list it in labels=."
            )
        return as_list[as_list.index(positive_label)]

    def _resolve_names(self, label_names: Any) -> dict[Any, str]:
        as_list = self.labels.tolist()
        if label_names is None:
            return {label: str(label) for label in as_list}
        if isinstance(label_names, Mapping):
            unknown = [key for key in label_names if key not in as_list]
            if unknown:
                raise ValueError(
                    f"label_names has key(s) {_show(unknown)} that are not labels; the labels "
                    f"are {_show(as_list)}."
                )
            return {label: str(label_names.get(label, label)) for label in as_list}
        names = list(label_names)
        if len(names) != len(as_list):
            raise ValueError(
                f"label_names has {len(names)} names but there are {len(as_list)} labels "
                f"({_show(as_list)}); pass one name per label, or a dict label -> name."
            )
        return {label: str(name) for label, name in zip(as_list, names, strict=True)}

    # ------------------------------------------------------------------ counts

    @property
    def n_samples(self) -> Number:
        """Number of samples (sum of weights with ``sample_weight``)."""
        return self.matrix.sum().item()

    def _positive_index(self, what: str) -> int:
        if self.positive_label is not None:
            return self.labels.tolist().index(self.positive_label)
        as_list = self.labels.tolist()
        if len(as_list) == 2:
            raise ValueError(
                f"{what} needs a positive class, and the labels are {_show(as_list)}, not 0/1. "
                f"Pass positive_label={as_list[1]!r} (or {as_list[0]!r}) to ConfusionMatrix."
            )
        raise ValueError(
            f"{what} needs one positive class, and these data have {len(as_list)} classes "
            f"({_show(as_list)}). Pass positive_label=<one of them> to ConfusionMatrix for "
            "one-vs-rest counts, or use per_class() (or average='macro', 'micro', 'weighted' "
            "or None for rates)."
        )

    def _cell(self, name: str) -> Number:
        cells = dict(zip(("tn", "fp", "fn", "tp"), self._ovr, strict=True))
        return cells[name][self._positive_index(name)].item()

    @property
    def tn(self) -> Number:
        """True negatives: samples not of the positive class, predicted so."""
        return self._cell("tn")

    @property
    def fp(self) -> Number:
        """False positives (type I errors): predicted positive, truly not."""
        return self._cell("fp")

    @property
    def fn(self) -> Number:
        """False negatives (type II errors): truly positive, predicted not."""
        return self._cell("fn")

    @property
    def tp(self) -> Number:
        """True positives: positive samples predicted positive."""
        return self._cell("tp")

    @property
    def type_i_errors(self) -> Number:
        """Type I errors, the false positives (``fp``)."""
        return self.fp

    @property
    def type_ii_errors(self) -> Number:
        """Type II errors, the false negatives (``fn``)."""
        return self.fn

    def _cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-label one-vs-rest ``(tn, fp, fn, tp)``, each of shape (n_labels,)."""
        return self._ovr

    def normalize(self, normalize: str | None = None) -> np.ndarray:
        """Return the matrix, optionally normalised as scikit-learn does.

        Parameters
        ----------
        normalize : {'true', 'pred', 'all'} or None, default=None
            'true' divides each row by the number of true samples of its label
            (rows sum to 1), 'pred' each column by the number of predictions of its
            label, 'all' by the total; None returns the counts. Empty rows or
            columns give 0.

        Returns
        -------
        ndarray of shape (n_labels, n_labels)
        """
        if normalize not in _NORMALIZE:
            raise ValueError(
                f"normalize={normalize!r} is not valid; pass 'true' (rows sum to 1), 'pred' "
                "(columns sum to 1), 'all' or None (counts)."
            )
        if normalize is None:
            return self.matrix.copy()
        return confusion_matrix(
            self._y_true,
            self._y_pred,
            labels=self.labels,
            sample_weight=self._sample_weight,
            normalize=normalize,
        )

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return self.matrix.astype(dtype) if dtype is not None else self.matrix.copy()

    # ------------------------------------------------------------------ rates

    def accuracy(self) -> float:
        """Fraction of samples predicted correctly (``sklearn.metrics.accuracy_score``)."""
        return float(accuracy_score(self._y_true, self._y_pred, sample_weight=self._sample_weight))

    def error_rate(self) -> float:
        """Fraction of samples predicted wrongly, ``1 - accuracy()``."""
        return 1.0 - self.accuracy()

    def balanced_accuracy(self, adjusted: bool = False) -> float:
        """Mean recall over the true classes (``sklearn.metrics.balanced_accuracy_score``).

        Parameters
        ----------
        adjusted : bool, default=False
            Rescale so that chance scores 0 and perfect scores 1.

        Returns
        -------
        float
        """
        return float(
            balanced_accuracy_score(
                self._y_true, self._y_pred, sample_weight=self._sample_weight, adjusted=adjusted
            )
        )

    def mcc(self) -> float:
        """Matthews correlation coefficient (``sklearn.metrics.matthews_corrcoef``)."""
        return float(
            matthews_corrcoef(self._y_true, self._y_pred, sample_weight=self._sample_weight)
        )

    def _check_average(self, average: str | None) -> None:
        if average not in _AVERAGES:
            raise ValueError(
                f"average={average!r} is not valid; pass 'binary' (the positive class), "
                "'macro', 'micro', 'weighted' or None (one value per label)."
            )

    def _sklearn_rate(
        self, func: Any, name: str, average: str | None, **kwargs: Any
    ) -> float | np.ndarray:
        """Call a scikit-learn per-class metric on this matrix's labels."""
        self._check_average(average)
        if average == "binary":
            # The positive class against the rest: the same number as average='binary'
            # with pos_label on two classes, and defined for more than two.
            k = self._positive_index(f"{name}(average='binary')")
            labels, average = self.labels[k : k + 1], None
        else:
            labels = self.labels
        result = func(
            self._y_true,
            self._y_pred,
            labels=labels,
            average=average,
            sample_weight=self._sample_weight,
            zero_division=self.zero_division,
            **kwargs,
        )
        if len(labels) == 1 and average is None:
            return float(result[0])
        return result if average is None else float(result)

    def precision(self, average: str | None = "binary") -> float | np.ndarray:
        """Precision (positive predictive value, PPV): ``tp / (tp + fp)``.

        Of the samples predicted positive, the fraction that are. The numbers are
        ``sklearn.metrics.precision_score``'s.

        Parameters
        ----------
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            'binary' gives the positive class's value; None one value per label;
            the others average over labels as scikit-learn does.

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        return self._sklearn_rate(precision_score, "precision", average)

    def recall(self, average: str | None = "binary") -> float | np.ndarray:
        """Recall (sensitivity, true positive rate, TPR): ``tp / (tp + fn)``.

        Of the positive samples, the fraction found. The numbers are
        ``sklearn.metrics.recall_score``'s.

        Parameters
        ----------
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            As for :meth:`precision`.

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        return self._sklearn_rate(recall_score, "recall", average)

    def f1(self, average: str | None = "binary") -> float | np.ndarray:
        """F1 score, the harmonic mean of precision and recall (``f1_score``).

        Parameters
        ----------
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            As for :meth:`precision`.

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        return self._sklearn_rate(f1_score, "f1", average)

    def fbeta(self, beta: float, average: str | None = "binary") -> float | np.ndarray:
        """F-beta score: recall counts ``beta`` times as much as precision (``fbeta_score``).

        Parameters
        ----------
        beta : float
            Weight of recall; 1 gives F1, 2 favours recall, 0.5 precision.
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            As for :meth:`precision`.

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        return self._sklearn_rate(fbeta_score, "fbeta", average, beta=beta)

    sensitivity = recall
    tpr = recall
    ppv = precision

    def _cell_rate(
        self,
        name: str,
        numerator: np.ndarray,
        denominator: np.ndarray,
        average: str | None,
        modifier: str,
    ) -> float | np.ndarray:
        """Compute a rate from the one-vs-rest cells, averaged like scikit-learn's."""
        self._check_average(average)
        rate = dict(zero_division=self.zero_division, metric=name.capitalize(), modifier=modifier)
        if average == "binary":
            k = self._positive_index(f"{name}(average='binary')")
            return float(divide(numerator[k : k + 1], denominator[k : k + 1], **rate)[0])
        if average == "micro":
            return float(
                divide(numerator.sum(keepdims=True), denominator.sum(keepdims=True), **rate)[0]
            )
        values = divide(numerator, denominator, **rate)
        if average is None:
            return values
        _, _, fn, tp = self._cells()
        return nan_average(values, weights=tp + fn if average == "weighted" else None)

    def specificity(self, average: str | None = "binary") -> float | np.ndarray:
        """Specificity (true negative rate, TNR): ``tn / (tn + fp)``.

        Of the samples not of the class, the fraction predicted so.

        Parameters
        ----------
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            As for :meth:`precision` ('weighted' weights by support, the true
            count of each label).

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        tn, fp, _, _ = self._cells()
        return self._cell_rate("specificity", tn, tn + fp, average, "negative")

    tnr = specificity

    def npv(self, average: str | None = "binary") -> float | np.ndarray:
        """Negative predictive value: ``tn / (tn + fn)``.

        Of the samples predicted not of the class, the fraction that are not.

        Parameters
        ----------
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            As for :meth:`specificity`.

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        tn, _, fn, _ = self._cells()
        return self._cell_rate("npv", tn, tn + fn, average, "predicted negative")

    def fpr(self, average: str | None = "binary") -> float | np.ndarray:
        """Return the false positive rate (fall-out): ``fp / (fp + tn)``, ``1 - specificity``.

        Parameters
        ----------
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            As for :meth:`specificity`.

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        tn, fp, _, _ = self._cells()
        return self._cell_rate("fpr", fp, fp + tn, average, "negative")

    def fnr(self, average: str | None = "binary") -> float | np.ndarray:
        """Return the false negative rate (miss rate): ``fn / (fn + tp)``, ``1 - recall``.

        Parameters
        ----------
        average : {'binary', 'macro', 'micro', 'weighted'} or None, default='binary'
            As for :meth:`specificity`.

        Returns
        -------
        float or ndarray of shape (n_labels,)
        """
        _, _, fn, tp = self._cells()
        return self._cell_rate("fnr", fn, fn + tp, average, "positive")

    def majority_baseline(self) -> MajorityBaseline:
        """Return the accuracy of always answering the most frequent true class, and that class.

        Ties go to the first label in ``labels`` order.

        Returns
        -------
        MajorityBaseline
            A named tuple ``(label, accuracy)``.
        """
        support = self.matrix.sum(axis=1)
        k = int(np.argmax(support))
        return MajorityBaseline(self.labels.tolist()[k], float(support[k] / support.sum()))

    # ------------------------------------------------------------------ tables

    def per_class(self) -> pd.DataFrame:
        """Each label against the rest: cells and rates, one row per label.

        Returns
        -------
        DataFrame
            Indexed by label, with columns tp, fp, fn, tn, support, precision,
            recall, specificity, npv, fpr, fnr, f1.
        """
        tn, fp, fn, tp = self._cells()
        precision, recall, f1, _ = precision_recall_fscore_support(
            self._y_true,
            self._y_pred,
            labels=self.labels,
            sample_weight=self._sample_weight,
            zero_division=self.zero_division,
        )
        frame = pd.DataFrame(
            {
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "tn": tn,
                "support": tp + fn,
                "precision": precision,
                "recall": recall,
                "specificity": self.specificity(average=None),
                "npv": self.npv(average=None),
                "fpr": self.fpr(average=None),
                "fnr": self.fnr(average=None),
                "f1": f1,
            },
            index=pd.Index(self.labels, name="label"),
        )
        return frame

    def to_frame(self, normalize: str | None = None) -> pd.DataFrame:
        """Return the matrix as a DataFrame: rows true labels, columns predicted labels.

        Parameters
        ----------
        normalize : {'true', 'pred', 'all'} or None, default=None
            As for :meth:`normalize`.

        Returns
        -------
        DataFrame of shape (n_labels, n_labels)
        """
        return pd.DataFrame(
            self.normalize(normalize),
            index=pd.Index(self.labels, name="true label"),
            columns=pd.Index(self.labels, name="predicted label"),
        )

    def __repr__(self) -> str:
        names = [self.label_names[label] for label in self.labels.tolist()]
        head = f"ConfusionMatrix: {_count(self.n_samples)} samples"
        if self.positive_label is not None:
            head += f", positive label {self.label_names[self.positive_label]!r}"
        rows = [[f"true {name}"] for name in names]
        if len(names) == 2 and self.positive_label is not None:
            pos = self.labels.tolist().index(self.positive_label)
            cell_names = {(pos, pos): "TP", (1 - pos, 1 - pos): "TN"}
            cell_names |= {(1 - pos, pos): "FP", (pos, 1 - pos): "FN"}
            for i, row in enumerate(rows):
                row += [f"{cell_names[i, j]} = {_count(v)}" for j, v in enumerate(self.matrix[i])]
        else:
            for i, row in enumerate(rows):
                row += [_count(v) for v in self.matrix[i]]
        table = [["", *(f"predicted {name}" for name in names)], *rows]
        widths = [max(len(row[j]) for row in table) for j in range(len(table[0]))]
        lines = [
            "  ".join(
                cell.ljust(w) if j == 0 else cell.rjust(w)
                for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in table
        ]
        if len(names) > 2 and self.positive_label is not None:
            lines.append(
                f"{self.label_names[self.positive_label]} against the rest: TP = "
                f"{_count(self.tp)}, FP = {_count(self.fp)}, FN = {_count(self.fn)}, "
                f"TN = {_count(self.tn)}"
            )
        return "\n".join([head, *lines])

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return _display_slot.build("confusion_html", self)

    # ------------------------------------------------------------------ explanations

    def explain(self, noun: str = "samples") -> str:
        """Say in plain sentences what the matrix shows.

        With a positive class: how many positives the model found (recall), how
        many of its positive answers were right (precision), accuracy against
        always answering the most frequent class, the type I and type II errors,
        specificity, and a warning when the model never or always answers positive.
        Without one: a sentence per class, then accuracy against that baseline, and
        a warning when the model gives the same answer for every sample.

        Parameters
        ----------
        noun : str, default='samples'
            What the samples are, in the plural ('passengers', 'emails').

        Returns
        -------
        str
            One paragraph per line.

        Examples
        --------
        >>> y_true = [1] * 36 + [0] * 64
        >>> y_pred = [1] * 10 + [0] * 26 + [1] * 3 + [0] * 61
        >>> cm = ConfusionMatrix(y_true, y_pred, label_names={0: "died", 1: "survived"})
        >>> print(cm.explain(noun="passengers").splitlines()[0])  # doctest: +NORMALIZE_WHITESPACE
        Of the 36 passengers who survived, the model found 10 (recall 0.28); of the 13 it
        said survived, 10 did (precision 0.77). It is 71 % accurate; always answering
        'died' would be 64 % accurate.
        """
        return _explain.explain(self, noun)
