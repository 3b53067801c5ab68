"""The confusion matrix as a heatmap whose cells say what they count.

Follows scikit-learn's Display convention: the constructor takes what was computed
(a :class:`~glassnet.metrics.ConfusionMatrix`), ``plot`` draws it and stores the
matplotlib objects in attributes ending in ``_``, and ``from_predictions`` /
``from_estimator`` do both. matplotlib is imported inside ``plot`` only, so that
importing glassnet.metrics does not import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._extras import need
from glassnet.metrics._confusion import ConfusionMatrix

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Under FP and FN, the names statistics courses use for them.
_ERROR_TYPES = {"FP": "type I", "FN": "type II"}


class ConfusionMatrixDisplay:
    """Heatmap of a confusion matrix, with TN/FP/FN/TP written in the cells.

    Parameters
    ----------
    confusion_matrix : ConfusionMatrix
        The matrix to draw. Its ``label_names`` label the axes; with a positive
        class and two labels, each cell also shows its name.

    Attributes
    ----------
    im_ : matplotlib.image.AxesImage
        The heatmap.
    text_ : ndarray of shape (n_labels, n_labels) of matplotlib.text.Text
        The text in each cell.
    ax_ : matplotlib.axes.Axes
        The axes drawn on.
    figure_ : matplotlib.figure.Figure
        The figure holding them; ``display.figure_.savefig("cm.png")`` saves it.

    See Also
    --------
    sklearn.metrics.ConfusionMatrixDisplay : The same picture without cell names.

    Examples
    --------
    >>> from glassnet.metrics import ConfusionMatrixDisplay
    >>> display = ConfusionMatrixDisplay.from_predictions(  # doctest: +SKIP
    ...     y_test, model.predict(X_test), label_names={0: "died", 1: "survived"}
    ... )
    >>> display.figure_.savefig("confusion.png")  # doctest: +SKIP
    """

    def __init__(self, confusion_matrix: ConfusionMatrix) -> None:
        if not isinstance(confusion_matrix, ConfusionMatrix):
            raise TypeError(
                "confusion_matrix must be a glassnet.metrics.ConfusionMatrix, got "
                f"{type(confusion_matrix).__name__}. Build one with "
                "ConfusionMatrix(y_true, y_pred), or use "
                "ConfusionMatrixDisplay.from_predictions(y_true, y_pred)."
            )
        self.confusion_matrix = confusion_matrix

    def _cell_names(self) -> dict[tuple[int, int], str]:
        """Return the name of each cell, (row, column) -> 'TP' etc., for one positive class."""
        cm = self.confusion_matrix
        if cm.positive_label is None or len(cm.labels) != 2:
            return {}
        pos = cm.labels.tolist().index(cm.positive_label)
        neg = 1 - pos
        return {(pos, pos): "TP", (neg, neg): "TN", (neg, pos): "FP", (pos, neg): "FN"}

    def _cell_text(self, i: int, j: int, names: dict[tuple[int, int], str], share: Any) -> str:
        count = self.confusion_matrix.matrix[i, j]
        lines = []
        if (i, j) in names:
            name = names[i, j]
            lines.append(name if name not in _ERROR_TYPES else f"{name}\n{_ERROR_TYPES[name]}")
        lines.append(str(int(count)) if float(count).is_integer() else f"{count:.2f}")
        if share is not None:
            lines.append(f"{100 * share:.0f} %")
        return "\n".join(lines)

    def plot(
        self,
        ax: Axes | None = None,
        normalize: str | None = None,
        cmap: str = "Blues",
        show_names: bool = True,
        colorbar: bool = True,
    ) -> ConfusionMatrixDisplay:
        """Draw the heatmap.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        normalize : {'true', 'pred', 'all'} or None, default=None
            Colour by the share of each row ('true'), column ('pred') or of all
            samples, and write that share under the count; None colours by count.
        cmap : str or matplotlib Colormap, default='Blues'
            The colour map.
        show_names : bool, default=True
            Write TN, FP (type I), FN (type II) and TP in the cells (when the
            matrix has a positive class and two labels).
        colorbar : bool, default=True
            Draw a colour bar beside the heatmap.

        Returns
        -------
        ConfusionMatrixDisplay
            ``self``, with ``figure_``, ``ax_``, ``im_`` and ``text_`` set.
        """
        need("plot")
        import matplotlib.pyplot as plt

        cm = self.confusion_matrix
        values = cm.normalize(normalize)  # (n_labels, n_labels)
        shares = values if normalize is not None else None
        if ax is None:
            _, ax = plt.subplots()
        figure = ax.figure

        self.im_ = ax.imshow(values, interpolation="nearest", cmap=cmap)
        # Text dark on light cells and light on dark ones, as scikit-learn does.
        low, high = self.im_.cmap(0.0), self.im_.cmap(1.0)
        middle = (values.max() + values.min()) / 2.0
        names = self._cell_names() if show_names else {}
        n = len(cm.labels)
        self.text_ = np.empty((n, n), dtype=object)
        for i in range(n):
            for j in range(n):
                share = None if shares is None else shares[i, j]
                self.text_[i, j] = ax.text(
                    j,
                    i,
                    self._cell_text(i, j, names, share),
                    ha="center",
                    va="center",
                    color=high if values[i, j] < middle else low,
                )
        if colorbar:
            figure.colorbar(self.im_, ax=ax)
        tick_labels = [cm.label_names[label] for label in cm.labels.tolist()]
        ax.set(
            xticks=np.arange(n),
            yticks=np.arange(n),
            xticklabels=tick_labels,
            yticklabels=tick_labels,
            xlabel="predicted label",
            ylabel="true label",
        )
        ax.set_ylim((n - 0.5, -0.5))
        self.figure_ = figure
        self.ax_ = ax
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any,
        *,
        labels: Any = None,
        positive_label: Any = None,
        sample_weight: Any = None,
        label_names: Any = None,
        ax: Axes | None = None,
        normalize: str | None = None,
        cmap: str = "Blues",
        show_names: bool = True,
        colorbar: bool = True,
    ) -> ConfusionMatrixDisplay:
        """Build the confusion matrix of true and predicted labels and draw it.

        Parameters
        ----------
        y_true, y_pred : array-like of shape (n_samples,)
            True and predicted labels.
        labels, positive_label, sample_weight, label_names
            As for :class:`~glassnet.metrics.ConfusionMatrix`.
        ax, normalize, cmap, show_names, colorbar
            As for :meth:`plot`.

        Returns
        -------
        ConfusionMatrixDisplay
        """
        cm = ConfusionMatrix(
            y_true,
            y_pred,
            labels=labels,
            positive_label=positive_label,
            sample_weight=sample_weight,
            label_names=label_names,
        )
        return cls(cm).plot(
            ax=ax, normalize=normalize, cmap=cmap, show_names=show_names, colorbar=colorbar
        )

    @classmethod
    def from_estimator(
        cls, estimator: Any, X: Any, y: Any, **kwargs: Any
    ) -> ConfusionMatrixDisplay:
        """Draw the confusion matrix of a fitted classifier's predictions on ``X``.

        Parameters
        ----------
        estimator : fitted classifier
            Anything with a ``predict`` method.
        X : array-like of shape (n_samples, n_features)
            The samples to evaluate on.
        y : array-like of shape (n_samples,)
            Their true labels.
        **kwargs
            As for :meth:`from_predictions`.

        Returns
        -------
        ConfusionMatrixDisplay
        """
        if not callable(getattr(estimator, "predict", None)):
            raise TypeError(
                f"estimator must be a fitted classifier with a predict method; got "
                f"{type(estimator).__name__}. To plot labels you already have, call "
                "ConfusionMatrixDisplay.from_predictions(y_true, y_pred)."
            )
        return cls.from_predictions(y, estimator.predict(X), **kwargs)
