"""``glassnet train``: from a CSV file to a trained model, its evaluation and its report.

The course's six steps in one command: read the file, clean and scale it (fitted on
the training rows only), build the network, train it with a progress bar, evaluate it
on the test rows, and save the model (and, if asked, an HTML report).
"""

from __future__ import annotations

import shlex
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table
from sklearn.exceptions import ConvergenceWarning

import glassnet
from glassnet.cli._output import JsonOption, Output, QuietOption, user_errors
from glassnet.cli._progress import EpochProgress
from glassnet.cli._tables import confusion_table
from glassnet.diagnostics import TrainingHealthWarning
from glassnet.metrics import ConfusionMatrix, classification_report
from glassnet.workflow.data import DataError, check_prediction_columns, check_target, read_csv
from glassnet.workflow.model_file import ModelFileError, save_model
from glassnet.workflow.preprocess import (
    ColumnPlan,
    build_pipeline,
    drop_incomplete_rows,
    feature_names,
    parse_fill_missing,
    plan_columns,
    select_features,
)
from glassnet.workflow.split import split_rows

DEFAULT_SPLIT = "stratified:0.2"


def train(
    data: Annotated[Path, typer.Argument(help="The CSV file to learn from.")],
    target: Annotated[str, typer.Option("--target", "-t", help="The column to predict.")],
    drop: Annotated[
        list[str] | None, typer.Option(help="Columns to leave out: --drop PassengerId Name.")
    ] = None,
    fill_missing: Annotated[
        list[str] | None,
        typer.Option(
            help="Missing numbers: mean, median, most_frequent or drop (the rows); "
            "COLUMN=VALUE for one column. Categories always take their most frequent value.",
        ),
    ] = None,
    scale: Annotated[str, typer.Option(help="standard, minmax or none.")] = "standard",
    split: Annotated[
        str | None,
        typer.Option(
            help="Test rows: head:400 (train on the first 400 rows, test on the rest), "
            f"random:0.2 or stratified:0.2 (the share held out). Default {DEFAULT_SPLIT}.",
        ),
    ] = None,
    test: Annotated[
        Path | None, typer.Option(help="A separate CSV file of test rows (instead of --split).")
    ] = None,
    hidden: Annotated[
        list[int] | None, typer.Option(help="Units per hidden layer: --hidden 16 8.")
    ] = None,
    activation: Annotated[str, typer.Option(help="relu, elu, tanh, logistic, ...")] = "relu",
    solver: Annotated[str, typer.Option(help="adam, sgd or lbfgs.")] = "adam",
    batch_size: Annotated[str, typer.Option(help="Rows per minibatch, or auto.")] = "auto",
    learning_rate: Annotated[float, typer.Option(help="The initial step size.")] = 0.001,
    max_iter: Annotated[int, typer.Option(help="Epochs at most.")] = 200,
    n_iter_no_change: Annotated[
        int, typer.Option(help="Stop after this many epochs without improvement.")
    ] = 10,
    early_stopping: Annotated[
        bool,
        typer.Option(help="Hold out 10 % of the training rows; stop when they stop improving."),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seeds the split and the weights.")] = 0,
    dtype: Annotated[str | None, typer.Option(help="float64 or float32.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="The model file to write (default: DATA.glassnet).")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Also write an HTML report with plots to this file.")
    ] = None,
    sign: Annotated[
        bool,
        typer.Option(
            "--sign",
            help="Sign the model file with the key in GLASSNET_SIGNING_KEY (HMAC-SHA256): "
            "where that key is set, only files signed with it are loaded.",
        ),
    ] = False,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Train a network on a CSV file, evaluate it on held-out rows and save it."""
    output = Output(json_mode, quiet)
    command = "glassnet " + shlex.join(sys.argv[1:]) if sys.argv[1:2] == ["train"] else ""
    with user_errors(output, DataError, ModelFileError), _interrupt_before_training(output):
        if split is not None and test is not None:
            raise DataError("Give either --split or --test, not both.")
        plan, train_rows, test_rows, notes = _prepare(
            data, target, drop or [], fill_missing or [], split, test, seed
        )
        for note in notes:
            output.print(f"[dim]{note}[/dim]")
        output.print(_plan_table(plan, data, len(train_rows), len(test_rows)))
        params = {
            "hidden_layer_sizes": tuple(hidden or (100,)),
            "activation": activation,
            "solver": solver,
            "batch_size": batch_size if batch_size == "auto" else _positive_int(batch_size),
            "learning_rate_init": learning_rate,
            "max_iter": max_iter,
            "early_stopping": early_stopping,
            "n_iter_no_change": n_iter_no_change,
            "random_state": seed,
            "dtype": dtype,
        }
        pipeline = build_pipeline(plan, parse_fill_missing(fill_missing or []), scale, params)
        X_train, y_train = select_features(train_rows, plan), train_rows[target]
        X_test, y_test = select_features(test_rows, plan), test_rows[target]
        seconds, interrupted = _fit(pipeline, X_train, y_train, output)
        model = pipeline.named_steps["model"]
        model.set_params(callbacks=None)  # the progress bar is not part of the model
        predictions = pipeline.predict(X_test)
        cm = ConfusionMatrix(y_test, predictions)
        health = model.diagnose()
        out_path = out or Path(data.stem + ".glassnet")
        metadata = _metadata(data, target, plan, pipeline, model, cm, command, seconds)
        saved = save_model(out_path, pipeline, metadata, sign=sign)
        report_path = None
        if report is not None:
            report_path = _write_report(
                report,
                pipeline,
                X_test,
                y_test,
                plan,
                data,
                len(train_rows),
                notes,
                command,
                split or ("file " + str(test) if test else DEFAULT_SPLIT),
            )
    _show(output, model, cm, y_test, predictions, health, saved, report_path, interrupted)
    output.result = {
        "model": str(saved),
        "report": None if report_path is None else str(report_path),
        "train_rows": len(train_rows),
        "test_rows": len(test_rows),
        "epochs": int(model.n_iter_),
        "seconds": seconds,
        "interrupted": interrupted,
        "accuracy": cm.accuracy(),
        "baseline_accuracy": _baseline(y_train, y_test),
        "confusion_matrix": cm.matrix.tolist(),
        "classes": [str(c) for c in model.classes_],
        "findings": [
            {"code": f.code, "severity": f.severity, "layer": f.layer, "summary": f.summary}
            for f in health
        ],
        "features": feature_names(pipeline),
    }
    output.emit()


# ---------------------------------------------------------------- steps


@contextmanager
def _interrupt_before_training(output: Output) -> Iterator[None]:
    """Ctrl-C outside the epochs (reading, saving): stop with nothing half-done."""
    # During the epochs MLPClassifier itself catches it and keeps the model so far.
    try:
        yield
    except KeyboardInterrupt:
        output.errors.print("Interrupted: nothing was saved.")
        raise typer.Exit(130) from None


def _prepare(
    data: Path,
    target: str,
    drop: list[str],
    fill_missing: list[str],
    split: str | None,
    test: Path | None,
    seed: int,
) -> tuple[ColumnPlan, pd.DataFrame, pd.DataFrame, list[str]]:
    """Read, check and split: the plan, the training and test rows, and notices."""
    notes = []
    table = read_csv(data)
    if table.delimiter != ",":
        notes.append(f"{data}: columns separated by {table.delimiter_name}s.")
    checked = check_target(table.frame, target, data)
    if checked.notice:
        notes.append(checked.notice)
    frame = checked.frame
    plan = plan_columns(frame, target, data, drop)
    fill = parse_fill_missing(fill_missing)
    frame, dropped = drop_incomplete_rows(frame, plan, fill)
    if dropped:
        notes.append(
            f"{len(dropped)} rows with a missing value were dropped (--fill-missing drop)."
        )
    if test is None:
        rows = split_rows(split or DEFAULT_SPLIT, frame[target].to_numpy(), seed, data)
        return plan, frame.iloc[rows.train], frame.iloc[rows.test], notes
    test_table = read_csv(test)
    test_checked = check_target(test_table.frame, target, test)
    extra = check_prediction_columns(test_checked.frame, plan.columns, test, target)
    if extra:
        notes.append(f"{test}: columns not used by the model are ignored: {', '.join(extra)}.")
    test_frame, _ = drop_incomplete_rows(test_checked.frame, plan, fill)
    return plan, frame, test_frame, notes


def _fit(pipeline: Any, X: pd.DataFrame, y: pd.Series, output: Output) -> tuple[float, bool]:
    """Train with a progress bar; Ctrl-C stops training and keeps the model so far."""
    model = pipeline.named_steps["model"]
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        # The health report and the summary say all this, in more words.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", TrainingHealthWarning)
        warnings.filterwarnings("always", message="Training interrupted by user")
        max_iter = model.max_iter
        with EpochProgress(output.console, max_iter, enabled=output.talking) as progress:
            model.set_params(callbacks=[progress])
            pipeline.fit(X, y)
    interrupted = any("interrupted" in str(w.message) for w in caught)
    return time.perf_counter() - started, interrupted


def _metadata(
    data: Path,
    target: str,
    plan: ColumnPlan,
    pipeline: Any,
    model: Any,
    cm: ConfusionMatrix,
    command: str,
    seconds: float,
) -> dict[str, Any]:
    return {
        "data": data.name,
        "target": target,
        "columns": list(plan.columns),
        "numeric": list(plan.numeric),
        "categorical": {k: list(v) for k, v in plan.categorical.items()},
        "dropped": list(plan.dropped),
        "features": feature_names(pipeline),
        "classes": [str(c) for c in model.classes_],
        "epochs": int(model.n_iter_),
        "train_seconds": round(seconds, 3),
        "test_accuracy": cm.accuracy(),
        "command": command,
        "glassnet_version": glassnet.__version__,
    }


def _write_report(
    path: Path,
    pipeline: Any,
    X_test: pd.DataFrame,
    y_test: pd.Series,
    plan: ColumnPlan,
    data: Path,
    train_rows: int,
    notes: list[str],
    command: str,
    split: str,
) -> Path:
    from glassnet.report import training_report, write_html

    columns = pd.DataFrame(
        {
            "column": list(plan.columns) + list(plan.dropped),
            "kind": ["numeric" if c in plan.numeric else "categorical" for c in plan.columns]
            + ["dropped"] * len(plan.dropped),
            "missing": [plan.missing.get(c, 0) for c in plan.columns] + [0] * len(plan.dropped),
            "treatment": [_treatment(c, plan) for c in plan.columns]
            + ["dropped (--drop)"] * len(plan.dropped),
        }
    )
    summary = {
        "file": str(data),
        "rows": plan.n_rows,
        "train_rows": train_rows,
        "test_rows": len(y_test),
        "target": plan.target,
        "split": split,
        "columns": columns,
        "notes": list(notes),
    }
    html = training_report(
        pipeline, X_test, y_test, data=summary, command=command or "glassnet train"
    )
    return write_html(html, path)


def _treatment(column: str, plan: ColumnPlan) -> str:
    if column in plan.categorical:
        return "one-hot: " + ", ".join(plan.categorical[column])
    missing = plan.missing.get(column, 0)
    return f"{missing} missing values filled, then scaled" if missing else "scaled"


def _baseline(y_train: pd.Series, y_test: pd.Series) -> float:
    """Accuracy of always answering the training rows' most common class."""
    majority = y_train.mode().iloc[0]
    return float(np.mean(y_test.to_numpy() == majority))


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise DataError(f"--batch-size must be a whole number of rows or auto, got {text!r}.")
    return int(text)


# ---------------------------------------------------------------- printing


def _plan_table(plan: ColumnPlan, data: Path, n_train: int, n_test: int) -> Table:
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("file", data.name)
    table.add_row("target", plan.target)
    table.add_row("rows", f"{plan.n_rows} ({n_train} training, {n_test} test)")
    for line in plan.describe():
        name, _, rest = line.partition(": ")
        table.add_row(name, rest)
    return table


def _show(
    output: Output,
    model: Any,
    cm: ConfusionMatrix,
    y_test: pd.Series,
    predictions: np.ndarray,
    health: Any,
    saved: Path,
    report_path: Path | None,
    interrupted: bool,
) -> None:
    if not output.talking:
        return
    how = "stopped by Ctrl-C" if interrupted else f"{model.n_iter_} epochs"
    output.print(f"\nTrained {model.hidden_layer_sizes} {model.activation} network: {how}.")
    output.print(_cells(cm))
    output.print(classification_report(y_test, predictions))
    output.print(health)
    output.print(f"Model: {saved}" + (f"\nReport: {report_path}" if report_path else ""))


def _cells(cm: ConfusionMatrix) -> Any:
    """Show the confusion matrix with named cells, and what it says in words."""
    from rich.console import Group

    table = confusion_table(cm)
    if len(cm.labels) != 2:
        return table
    return Group(table, cm.explain())
