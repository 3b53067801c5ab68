"""Rich tables shared by the commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from glassnet.cli._output import plain

if TYPE_CHECKING:
    from glassnet.metrics import ConfusionMatrix


def confusion_table(cm: ConfusionMatrix, binary: bool = True) -> Table:
    """Rows true, columns predicted; for two classes each cell named (TN, FP, FN, TP)."""
    labels = [str(label) for label in cm.labels]
    table = Table(title="Confusion matrix", caption="rows: true class; columns: predicted")
    table.add_column("")
    for label in labels:  # a model's labels: text, never markup
        table.add_column(plain(f"predicted {label}"), justify="right")
    names = [["TN", "FP (type I)"], ["FN (type II)", "TP"]] if binary and len(labels) == 2 else None
    for i, label in enumerate(labels):
        cells = [
            f"{names[i][j]} = {count}" if names else str(count)
            for j, count in enumerate(cm.matrix[i].tolist())
        ]
        table.add_row(plain(f"true {label}"), *cells)
    return table


def regression_table(scores: dict[str, float]) -> Table:
    """R², MAE, RMSE and the baseline's RMSE of a regression, each with what it means."""
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(style="dim")
    table.add_row("R²", f"{scores['r2']:.3f}", "1 is perfect, 0 is always guessing the mean")
    table.add_row("MAE", f"{scores['mae']:.4g}", "mean absolute error")
    table.add_row("RMSE", f"{scores['rmse']:.4g}", "root mean squared error")
    table.add_row("baseline RMSE", f"{scores['baseline_rmse']:.4g}", "of always answering the mean")
    return table
