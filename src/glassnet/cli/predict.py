"""``glassnet predict``: a trained model's answers for the rows of a CSV file, as a CSV file.

With ``--id-column PassengerId`` the file has Kaggle's submission format
(``PassengerId,Survived``); without it, a ``row`` number (from 1) and the prediction.
The model and the file are read and checked by `glassnet.workflow.model_data`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from glassnet.cli._output import (
    JsonOption,
    Output,
    QuietOption,
    RequireSignatureOption,
    plain,
    user_errors,
)

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_OUT = Path("predictions.csv")


def predict(
    model: Annotated[Path, typer.Argument(help="The model file (from glassnet train).")],
    data: Annotated[Path, typer.Argument(help="The CSV file of rows to predict.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The CSV file of predictions to write.")
    ] = DEFAULT_OUT,
    proba: Annotated[
        bool, typer.Option("--proba", help="Add each class's probability: proba_<class>.")
    ] = False,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="Copy this column of DATA beside the predictions instead of row numbers "
            "(Kaggle's submission format: --id-column PassengerId).",
        ),
    ] = None,
    require_signature: bool = RequireSignatureOption,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Predict the target of every row of a CSV file with a trained model."""
    import numpy as np
    import pandas as pd

    from glassnet.workflow.model_data import read_model_data
    from glassnet.workflow.model_file import ModelFileError

    output = Output(json_mode, quiet)
    with user_errors(output):
        skip = [id_column] if id_column else []
        checked = read_model_data(model, data, skip, require_signature)
        name = checked.target or "prediction"
        ids = _id_values(checked.frame, id_column, name, data)
        for note in checked.notes:
            output.print(plain(note, style="dim"))
        table = pd.DataFrame({id_column or "row": ids})
        labels = checked.pipeline.predict(checked.features)
        table[name] = labels
        regression = not hasattr(checked.pipeline, "classes_")  # it predicts numbers
        if regression and proba:
            raise ValueError(
                f"--proba adds each class's probability, and {model} predicts numbers "
                "(a regression): it has none. Leave out --proba."
            )
        classes = [] if regression else list(checked.pipeline.classes_)
        if proba:
            probabilities = checked.pipeline.predict_proba(checked.features)
            # (n_rows, n_classes); NaN would mean a network that diverged in training.
            if not np.all(np.isfinite(probabilities)):
                raise ModelFileError(
                    f"{model} gives probabilities that are not numbers (NaN) for some rows: "
                    "the network diverged in training. Train it again with a smaller "
                    "--learning-rate."
                )
            for k, label in enumerate(classes):
                table[f"proba_{label}"] = probabilities[:, k]
        _write_csv_atomically(table, out)
    counts = {str(label): int(np.sum(labels == label)) for label in classes}
    output.result = {
        "predictions": str(out),
        "rows": len(table),
        "counts": counts,
        "ignored_columns": checked.ignored,
    }
    if regression:
        output.result["summary"] = {
            "mean": float(np.mean(labels)),
            "min": float(np.min(labels)),
            "max": float(np.max(labels)),
        }
        output.print(
            plain(
                f"{name}: from {np.min(labels):.4g} to {np.max(labels):.4g}, mean "
                f"{np.mean(labels):.4g}."
            )
        )
    else:
        output.print(_counts_table(counts, len(table), name))
    output.print(plain(f"Predicted {name} for {len(table)} rows: {out}"))
    output.emit()


def _id_values(frame: pd.DataFrame, id_column: str | None, name: str, data: Path) -> Any:
    """Return the values of the id column, or row numbers from 1 without one."""
    import numpy as np

    from glassnet.workflow.data import DataError, unknown_columns_message

    if id_column is None:
        return np.arange(1, len(frame) + 1)
    if id_column not in frame.columns:
        raise DataError(
            "--id-column: " + unknown_columns_message([id_column], list(frame.columns), str(data))
        )
    if id_column == name:
        raise DataError(
            f"--id-column {id_column!r} is the column the model predicts; "
            "choose a column that identifies the rows, e.g. PassengerId."
        )
    return frame[id_column].to_numpy()


def _write_csv_atomically(table: pd.DataFrame, out: Path) -> None:
    """Write beside the target, then rename: never a half-written predictions file."""
    from glassnet._files import write_atomically

    write_atomically(out, lambda file: table.to_csv(file, index=False))


def _counts_table(counts: dict[str, int], rows: int, name: str) -> Table:
    table = Table()
    table.add_column(plain(name))
    table.add_column("rows", justify="right")
    table.add_column("share", justify="right")
    for label, count in counts.items():
        table.add_row(plain(label), str(count), f"{100 * count / rows:.0f} %")
    return table
