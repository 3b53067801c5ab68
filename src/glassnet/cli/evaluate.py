"""``glassnet evaluate``: how a trained model does on labelled rows it may never have seen.

The numbers are glassnet.metrics' own: the confusion matrix with named cells and its
explanation, the classification report, accuracy against the majority baseline (the
most frequent true class in the file) and, for two classes, the area under the ROC
curve of the predicted probabilities.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from glassnet.cli._output import (
    JsonOption,
    Output,
    QuietOption,
    RequireSignatureOption,
    plain,
    user_errors,
)
from glassnet.cli._tables import confusion_table

# Say so when at least this share of the scored rows were training rows.
TRAINED_ON_NOTICE = 0.1

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from glassnet.metrics import ConfusionMatrix


def evaluate(
    model: Annotated[Path, typer.Argument(help="The model file (from glassnet train).")],
    data: Annotated[
        Path, typer.Argument(help="A CSV file with the model's columns and the true target.")
    ],
    require_signature: bool = RequireSignatureOption,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Compare a trained model's predictions with the true values in a CSV file."""
    from sklearn.exceptions import UndefinedMetricWarning

    from glassnet.metrics import ConfusionMatrix, classification_report
    from glassnet.workflow.model_data import read_model_data

    output = Output(json_mode, quiet)
    with user_errors(output):
        checked = read_model_data(model, data, require_signature=require_signature)
        target = _target(checked.target, checked.frame, data, model)
        trained_on = _training_rows_notice(checked.frame, checked.metadata)
        if trained_on:
            checked.notes.append(trained_on)
        known = checked.frame[target].notna().to_numpy()
        if not known.all():
            checked.notes.append(
                f"{int((~known).sum())} rows have no value in {target!r} and are not scored."
            )
        if not hasattr(checked.pipeline, "classes_"):  # a regressor: numbers, not classes
            _evaluate_regression(output, checked, model, data, target, known)
            return
        classes = checked.pipeline.classes_
        y_true = _like(checked.frame.loc[known, target], classes, target, data)
        features = checked.features.loc[known]
        y_pred = checked.pipeline.predict(features)
        binary = len(classes) == 2
        # Silenced: explain() says in words when the model never answers a class.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            cm = ConfusionMatrix(y_true, y_pred, positive_label=classes[1] if binary else None)
            explanation = cm.explain()
            report_text = classification_report(y_true, y_pred, zero_division=0)
            report = classification_report(y_true, y_pred, zero_division=0, output="dict")
        auc, auc_note = _auc(checked.pipeline, features, y_true, classes)
    for note in checked.notes + ([auc_note] if auc_note else []):
        output.print(plain(note, style="dim"))
    baseline = cm.majority_baseline()
    output.result = {
        "model": str(model),
        "data": str(data),
        "target": target,
        "rows": len(y_true),
        "classes": [str(label) for label in classes],
        "confusion_matrix": _matrix_json(cm, binary),
        "explanation": explanation,
        "accuracy": cm.accuracy(),
        "baseline": {"class": str(baseline.label), "accuracy": baseline.accuracy},
        "roc_auc": auc,
        "report": report,
        "ignored_columns": checked.ignored,
        "notes": list(checked.notes),
    }
    if output.talking:
        # The target and the labels come from the model file: text, never markup.
        output.print(plain(f"{model} on {len(y_true)} rows of {data} (target {target!r}):"))
        output.print(confusion_table(cm, binary))
        output.print(plain(explanation, lines=True), highlight=False)
        output.print(plain(report_text, lines=True), highlight=False)
        verdict = "better than" if cm.accuracy() > baseline.accuracy else "no better than"
        output.print(
            plain(
                f"Accuracy {cm.accuracy():.3f}: {verdict} the majority baseline "
                f"{baseline.accuracy:.3f} (always answering {str(baseline.label)!r})."
                + ("" if auc is None else f"\nROC AUC {auc:.3f}."),
                lines=True,
            )
        )
    output.emit()


def _evaluate_regression(
    output: Output, checked: Any, model: Path, data: Path, target: str, known: np.ndarray
) -> None:
    """Score a regression model's numbers against the true ones: R², MAE, RMSE."""
    import pandas as pd

    from glassnet.cli._tables import regression_table
    from glassnet.metrics import regression_scores

    y_true = pd.to_numeric(checked.frame.loc[known, target], errors="coerce")
    if y_true.isna().any():
        raise ValueError(
            f"{target!r} in {data} holds values that are not numbers "
            f"({checked.frame.loc[known, target][y_true.isna()].iloc[0]!r}, ...), and "
            f"{model} predicts numbers."
        )
    y_pred = checked.pipeline.predict(checked.features.loc[known])
    scores = regression_scores(y_true, y_pred)
    for note in checked.notes:
        output.print(plain(note, style="dim"))
    output.result = {
        "model": str(model),
        "data": str(data),
        "target": target,
        "rows": len(y_true),
        "task": "regression",
        **scores,
        "ignored_columns": checked.ignored,
        "notes": list(checked.notes),
    }
    if output.talking:
        output.print(plain(f"{model} on {len(y_true)} rows of {data} (target {target!r}):"))
        output.print(regression_table(scores))
    output.emit()


def _training_rows_notice(frame: pd.DataFrame, metadata: dict) -> str | None:
    """Say when the rows to score are rows the model was trained on (its file knows them)."""
    from glassnet.workflow.mistakes import training_rows_share

    fingerprints = metadata.get("training_rows")
    share = training_rows_share(frame, fingerprints) if isinstance(fingerprints, dict) else None
    if share is None or share < TRAINED_ON_NOTICE:
        return None
    which = "These are" if share > 0.95 else f"About {100 * share:.0f} % of these are"
    return (
        f"{which} rows the model was trained on: its score on them is optimistic, not what "
        "it will do on new rows. Evaluate on rows held out from training (glassnet train "
        "--split, or a file it never saw)."
    )


def _target(target: str | None, frame: pd.DataFrame, data: Path, model: Path) -> str:
    from glassnet.workflow.data import DataError, unknown_columns_message
    from glassnet.workflow.model_file import ModelFileError

    if target is None:
        raise ModelFileError(
            f"{model} does not say which column it predicts (no 'target' in its metadata); "
            "save it again with glassnet train."
        )
    if target not in frame.columns:
        raise DataError(
            unknown_columns_message([target], list(frame.columns), str(data))
            + f" evaluate needs the true values of {target!r}, the column the model "
            "predicts; use glassnet predict for rows without them."
        )
    return target


def _like(y: pd.Series, classes: np.ndarray, target: str, data: Path) -> np.ndarray:
    """Give the true values the model's class type: 0.0 and 1.0 (a column with gaps) as 0, 1."""
    import numpy as np
    import pandas as pd

    from glassnet.workflow.data import DataError

    values = y.to_numpy()
    if np.issubdtype(classes.dtype, np.integer) and np.issubdtype(values.dtype, np.floating):
        if np.all(values == np.round(values)):
            values = values.astype(classes.dtype)
    if not np.isin(values, classes).any():
        found = ", ".join(map(str, pd.unique(values)[:5]))
        raise DataError(
            f"column {target!r} of {data} holds {found}, none of the model's classes "
            f"({', '.join(map(str, classes))}); check that the file has the same labels "
            "as the data the model was trained on."
        )
    return values


def _auc(
    pipeline: Any, features: pd.DataFrame, y_true: np.ndarray, classes: np.ndarray
) -> tuple[float | None, str | None]:
    """Compute the ROC AUC for two classes; otherwise None, and the reason when there is one."""
    import numpy as np

    from glassnet.metrics import roc_curve

    if len(classes) != 2:
        return None, None
    if not np.isin(classes, y_true).all():
        return None, "ROC AUC needs rows of both classes; the file has only one."
    # (n_rows,): the probability of the second class, the positive one.
    scores = pipeline.predict_proba(features)[:, 1]
    return roc_curve(y_true, scores, positive_label=classes[1]).auc, None


def _matrix_json(cm: ConfusionMatrix, binary: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "labels": [str(label) for label in cm.labels],
        "matrix": cm.matrix.tolist(),
    }
    if binary and len(cm.labels) == 2:
        result.update(tn=int(cm.tn), fp=int(cm.fp), fn=int(cm.fn), tp=int(cm.tp))
    return result
