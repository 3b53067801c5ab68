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
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from glassnet.cli._output import JsonOption, Output, QuietOption, user_errors
from glassnet.cli._tables import confusion_table, regression_table

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from glassnet.metrics import ConfusionMatrix
    from glassnet.workflow.preprocess import ColumnPlan

# The engine, pandas and scikit-learn are imported in the command's body, so that
# `glassnet --help` and `glassnet train --help` answer at once.
DEFAULT_SPLIT = "stratified:0.2"
NETWORK = "Network"  # the help panel of the network's options
TRAINING = "Training"  # ... and of how it is trained


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
    task: Annotated[
        str,
        typer.Option(
            help="classification (predict classes), regression (predict numbers) or auto: "
            "numbers with more than 20 distinct values are predicted as numbers.",
        ),
    ] = "auto",
    hidden: Annotated[
        list[int] | None,
        typer.Option(
            help="Units per hidden layer: --hidden 16 8 (or 16,8). [default: 100]",
            rich_help_panel=NETWORK,
        ),
    ] = None,
    activation: Annotated[
        list[str] | None,
        typer.Option(
            help="relu, elu, tanh, logistic, ... (glassnet activations lists them); one "
            "per hidden layer for a mix: --activation relu tanh. [default: relu]",
            rich_help_panel=NETWORK,
        ),
    ] = None,
    init: Annotated[
        str,
        typer.Option(
            help="Initial weights: auto (scikit-learn's), he_uniform, he_normal, "
            "glorot_uniform, glorot_normal, lecun_normal or normal.",
            rich_help_panel=NETWORK,
        ),
    ] = "auto",
    dropout: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.99,
            help="Share of hidden units silenced in each training step.",
            rich_help_panel=NETWORK,
        ),
    ] = 0.0,
    solver: Annotated[
        str, typer.Option(help="adam, sgd or lbfgs.", rich_help_panel=TRAINING)
    ] = "adam",
    batch_size: Annotated[
        str, typer.Option(help="Rows per minibatch, or auto.", rich_help_panel=TRAINING)
    ] = "auto",
    learning_rate: Annotated[
        float,
        typer.Option(min=0.0, help="The initial step size.", rich_help_panel=TRAINING),
    ] = 0.001,
    momentum: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="sgd's momentum.", rich_help_panel=TRAINING),
    ] = 0.9,
    alpha: Annotated[
        float,
        typer.Option(min=0.0, help="L2 penalty on the weights.", rich_help_panel=TRAINING),
    ] = 0.0001,
    clip_grad_norm: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Rescale each step's gradient to at most this norm (against exploding "
            "gradients). [default: no clipping]",
            rich_help_panel=TRAINING,
        ),
    ] = None,
    class_weight: Annotated[
        list[str] | None,
        typer.Option(
            help="balanced, or CLASS=WEIGHT for each class: --class-weight 0=1 1=2.",
            rich_help_panel=TRAINING,
        ),
    ] = None,
    max_iter: Annotated[
        int, typer.Option(min=1, help="Epochs at most.", rich_help_panel=TRAINING)
    ] = 200,
    tol: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="The least improvement of the loss (or validation score) that counts.",
            rich_help_panel=TRAINING,
        ),
    ] = 0.0001,
    n_iter_no_change: Annotated[
        int,
        typer.Option(
            min=1,
            help="Stop after this many epochs without improvement.",
            rich_help_panel=TRAINING,
        ),
    ] = 10,
    early_stopping: Annotated[
        bool,
        typer.Option(
            help="Hold out --validation-fraction of the training rows; stop when they "
            "stop improving.",
            rich_help_panel=TRAINING,
        ),
    ] = False,
    validation_fraction: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.99,
            help="Share of the training rows held out by --early-stopping.",
            rich_help_panel=TRAINING,
        ),
    ] = 0.1,
    seed: Annotated[
        int, typer.Option(help="Seeds the split and the weights.", rich_help_panel=TRAINING)
    ] = 0,
    dtype: Annotated[
        str | None, typer.Option(help="float64 or float32.", rich_help_panel=TRAINING)
    ] = None,
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
    from glassnet.diagnostics import diagnose
    from glassnet.metrics import ConfusionMatrix, regression_scores
    from glassnet.workflow import training
    from glassnet.workflow.model_file import save_model
    from glassnet.workflow.preprocess import (
        build_pipeline,
        feature_names,
        parse_fill_missing,
        select_features,
    )

    output = Output(json_mode, quiet)
    command = "glassnet " + shlex.join(sys.argv[1:]) if sys.argv[1:2] == ["train"] else ""
    with user_errors(output), _interrupt_before_training(output):
        rows = training.prepare_rows(
            data, target, drop or [], fill_missing or [], split, test, seed, task
        )
        plan, train_rows, test_rows, notes = rows.plan, rows.train, rows.test, rows.notes
        regression = rows.task == "regression"
        if regression and class_weight:
            raise ValueError(
                f"--class-weight weighs classes, and {target!r} is predicted as numbers "
                "(a regression). Leave out --class-weight, or pass --task classification."
            )
        for note in notes:
            output.print(f"[dim]{note}[/dim]")
        output.print(_plan_table(plan, data, len(train_rows), len(test_rows)))
        layers = tuple(hidden or (100,))
        params = {
            "hidden_layer_sizes": layers,
            "activation": _activation(activation, layers),
            "init": init,
            "dropout": dropout,
            "solver": solver,
            "batch_size": batch_size if batch_size == "auto" else _positive_int(batch_size),
            "learning_rate_init": learning_rate,
            "momentum": momentum,
            "alpha": alpha,
            "clip_grad_norm": clip_grad_norm,
            "class_weight": None
            if regression
            else _class_weight(class_weight, train_rows[target], target),
            "max_iter": max_iter,
            "tol": tol,
            "early_stopping": early_stopping,
            "validation_fraction": validation_fraction,
            "n_iter_no_change": n_iter_no_change,
            "random_state": seed,
            "dtype": dtype,
        }
        _check_names(params)
        if regression:
            del params["class_weight"]  # a classifier's parameter
        fill = parse_fill_missing(fill_missing or [])
        pipeline = build_pipeline(plan, fill, scale, params, task=rows.task)
        X_train, y_train = select_features(train_rows, plan), train_rows[target]
        X_test, y_test = select_features(test_rows, plan), test_rows[target]
        seconds, interrupted = _fit(pipeline, X_train, y_train, output)
        model = pipeline.named_steps["model"]
        model.set_params(callbacks=None)  # the progress bar is not part of the model
        predictions = pipeline.predict(X_test)
        cm = None if regression else ConfusionMatrix(y_test, predictions)
        scores = regression_scores(y_test, predictions) if regression else None
        # With the training rows, the diagnosis can tell a plateau from a finished fit.
        health = diagnose(pipeline, X_train, y_train, inputs_scaled=scale != "none")
        out_path = out or Path(data.stem + ".glassnet")
        metadata = training.model_metadata(
            data, plan, pipeline, cm, command, seconds, train_rows, scores=scores
        )
        saved = save_model(out_path, pipeline, metadata, sign=sign)
        report_path = None
        if report is not None:
            summary = training.report_summary(
                plan,
                data,
                len(train_rows),
                len(test_rows),
                notes,
                split or ("file " + str(test) if test else _default_split(rows.task)),
            )
            report_path = _write_report(report, pipeline, X_test, y_test, summary, command, health)
    if cm is None:
        _show_regression(output, model, scores, health, saved, report_path, interrupted)
        evaluation = {"task": "regression", **scores}
    else:
        _show(output, model, cm, y_test, predictions, health, saved, report_path, interrupted)
        evaluation = {
            "task": "classification",
            "accuracy": cm.accuracy(),
            "baseline_accuracy": training.baseline_accuracy(y_train, y_test),
            "confusion_matrix": cm.matrix.tolist(),
            "classes": [str(c) for c in model.classes_],
        }
    output.result = {
        "model": str(saved),
        "report": None if report_path is None else str(report_path),
        "train_rows": len(train_rows),
        "test_rows": len(test_rows),
        "epochs": int(model.n_iter_),
        "seconds": seconds,
        "interrupted": interrupted,
        **evaluation,
        "findings": [
            {"code": f.code, "severity": f.severity, "layer": f.layer, "summary": f.summary}
            for f in health
        ],
        "health": health.as_dict("cli"),
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


def _fit(pipeline: Any, X: pd.DataFrame, y: pd.Series, output: Output) -> tuple[float, bool]:
    """Train with a progress bar; Ctrl-C stops training and keeps the model so far."""
    from sklearn.exceptions import ConvergenceWarning

    from glassnet.cli._progress import EpochProgress
    from glassnet.diagnostics import TrainingHealthWarning

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


def _write_report(
    path: Path,
    pipeline: Any,
    X_test: pd.DataFrame,
    y_test: pd.Series,
    summary: dict[str, Any],
    command: str,
    health: Any,
) -> Path:
    from glassnet.report import training_report, write_html

    html = training_report(
        pipeline,
        X_test,
        y_test,
        data=summary,
        command=command or "glassnet train",
        health=health,
    )
    return write_html(html, path)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"--batch-size must be a whole number of rows or auto, got {text!r}.")
    return int(text)


def _activation(names: list[str] | None, layers: tuple[int, ...]) -> str | list[str]:
    """One activation for every hidden layer, or one per layer (as many as --hidden)."""
    if not names:
        return "relu"
    if len(names) == 1:
        return names[0]
    if len(names) != len(layers):
        raise ValueError(
            f"--activation has {len(names)} names but --hidden {' '.join(map(str, layers))} "
            f"makes {len(layers)} hidden layers: give one activation for all, or one per "
            "layer."
        )
    return list(names)


def _check_names(params: dict[str, Any]) -> None:
    """Refuse unknown activation and init names in the options' words, not the engine's."""
    from glassnet.nn import ACTIVATIONS, INITIALIZERS

    activations = params["activation"]
    for name in [activations] if isinstance(activations, str) else activations:
        if name not in ACTIVATIONS:
            raise ValueError(
                f"--activation {name!r} is not an activation glassnet knows; choose one of "
                f"{', '.join(ACTIVATIONS)} (glassnet activations draws them)."
            )
    if params["init"] not in INITIALIZERS:
        raise ValueError(
            f"--init {params['init']!r} is not a known initialisation; choose one of "
            f"{', '.join(INITIALIZERS)}."
        )


def _class_weight(words: list[str] | None, y: pd.Series, target: str) -> Any:
    """Read --class-weight: balanced, or CLASS=WEIGHT for each class named.

    The classes are the target's values as the file has them (0 and 1, or "yes" and
    "no"); each word is matched against their text, so 1=2 means the class 1.
    """
    if not words:
        return None
    if words == ["balanced"]:
        return "balanced"
    classes = {str(label): label for label in y.unique()}
    weights = {}
    for word in words:
        name, sep, value = word.partition("=")
        try:
            weight = float(value) if sep else -1.0
        except ValueError:
            weight = -1.0
        if weight < 0:
            raise ValueError(
                f"--class-weight {word!r}: write balanced, or CLASS=WEIGHT with a weight of "
                "0 or more, e.g. --class-weight 0=1 1=2."
            )
        if name not in classes:
            raise ValueError(
                f"--class-weight {word!r}: {name!r} is not a class of {target!r} in the "
                f"training rows ({', '.join(sorted(classes))})."
            )
        weights[classes[name]] = weight
    return weights


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
    from sklearn.exceptions import UndefinedMetricWarning

    from glassnet.metrics import classification_report

    how = "stopped by Ctrl-C" if interrupted else f"{model.n_iter_} epochs"
    output.print(f"\nTrained {model.hidden_layer_sizes} {model.activation} network: {how}.")
    with warnings.catch_warnings():
        # A class never predicted: the explanation says so in words, once.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        output.print(_cells(cm))
        output.print(classification_report(y_test, predictions, zero_division=0))
    output.print(health.rich("cli"))
    output.print(f"Model: {saved}" + (f"\nReport: {report_path}" if report_path else ""))


def _show_regression(
    output: Output,
    model: Any,
    scores: dict[str, float],
    health: Any,
    saved: Path,
    report_path: Path | None,
    interrupted: bool,
) -> None:
    if not output.talking:
        return
    how = "stopped by Ctrl-C" if interrupted else f"{model.n_iter_} epochs"
    output.print(
        f"\nTrained {model.hidden_layer_sizes} {model.activation} network to predict "
        f"numbers ({model.loss}): {how}."
    )
    table = regression_table(scores)
    table.title = "On the test rows"
    output.print(table)
    output.print(health.rich("cli"))
    output.print(f"Model: {saved}" + (f"\nReport: {report_path}" if report_path else ""))


def _default_split(task: str) -> str:
    from glassnet.workflow.training import DEFAULT_REGRESSION_SPLIT

    return DEFAULT_REGRESSION_SPLIT if task == "regression" else DEFAULT_SPLIT


def _cells(cm: ConfusionMatrix) -> Any:
    """Show the confusion matrix with named cells, and what it says in words."""
    from rich.console import Group

    table = confusion_table(cm)
    if len(cm.labels) != 2:
        return table
    return Group(table, cm.explain())
