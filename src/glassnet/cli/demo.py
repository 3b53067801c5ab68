"""``glassnet demo``: the course workflow on data that ships with scikit-learn.

It trains glassnet and scikit-learn side by side with the same parameters and
shows that glassnet is a drop-in: same predictions, less time; then what glassnet
adds: named confusion-matrix cells in words, and the training's health report.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from glassnet.cli._output import JsonOption, Output, QuietOption, user_errors

if TYPE_CHECKING:
    import numpy as np

# NumPy, scikit-learn and the engine are imported where used, so that `glassnet --help`
# starts at once.

DEFAULT_REPORT = Path("glassnet-demo-report.html")


@dataclass
class _Run:
    accuracy: float
    seconds: float
    predictions: np.ndarray
    pipeline: Any

    @property
    def model(self) -> Any:
        """The fitted network: the pipeline's last step."""
        return self.pipeline[-1]


def _fit(
    model: object, X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, y_test: np.ndarray
) -> _Run:
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from glassnet import TrainingHealthWarning

    pipeline = make_pipeline(StandardScaler(), model)
    started = time.perf_counter()
    with warnings.catch_warnings():
        # The demo prints glassnet's health report itself, and says when it stopped.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", TrainingHealthWarning)
        pipeline.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    predictions = pipeline.predict(X_test)
    return _Run(float(np.mean(predictions == y_test)), seconds, predictions, pipeline)


def _datasets(seed: int) -> dict[str, tuple]:
    # name -> (X, y, hidden layers, what a row is, what labels 0 and 1 say about it)
    from sklearn.datasets import load_breast_cancer, make_moons

    X_moons, y_moons = make_moons(1000, noise=0.2, random_state=seed)
    cancer = load_breast_cancer()
    return {
        "moons": (
            X_moons,
            y_moons,
            (16, 8),
            "points",
            ("lie in the lower moon", "lie in the upper moon"),
        ),
        "breast cancer": (
            cancer.data,
            cancer.target,
            (32,),
            "tumours",
            ("are malignant", "are benign"),
        ),
    }


def demo(
    seed: int = typer.Option(0, help="Random seed for the data split and the weights."),
    max_iter: int = typer.Option(300, help="Training epochs."),
    report: Path = typer.Option(  # noqa: B008 - Typer's way of declaring an option
        DEFAULT_REPORT, help="Where to write the HTML report of the two-moons run."
    ),
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Train on embedded data with glassnet and scikit-learn side by side."""
    import numpy as np
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier as SklearnMLP

    from glassnet import MLPClassifier
    from glassnet.metrics import ConfusionMatrix

    output = Output(json_mode, quiet)
    results = {}
    table = Table(title="glassnet vs scikit-learn, same parameters, held-out 30 %")
    for column in (
        "data",
        "hidden",
        "glassnet acc",
        "sklearn acc",
        "same labels",
        "glassnet fit",
        "sklearn fit",
        "speed-up",
    ):
        table.add_column(column, justify="right" if column != "data" else "left")
    cells = {}
    runs = {}
    for name, (X, y, hidden, noun, classes) in _datasets(seed).items():
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=seed
        )
        params = {"hidden_layer_sizes": hidden, "max_iter": max_iter, "random_state": seed}
        ours = _fit(MLPClassifier(**params), X_train, y_train, X_test, y_test)
        theirs = _fit(SklearnMLP(**params), X_train, y_train, X_test, y_test)
        table.add_row(
            name,
            str(hidden),
            f"{ours.accuracy:.3f}",
            f"{theirs.accuracy:.3f}",
            "yes" if np.array_equal(ours.predictions, theirs.predictions) else "no",
            f"{ours.seconds:.2f} s",
            f"{theirs.seconds:.2f} s",
            f"{theirs.seconds / ours.seconds:.1f}x",
        )
        names = dict(enumerate(classes))
        cm = ConfusionMatrix(y_test, ours.predictions, label_names=names)
        cells[name] = cm, noun, ours.model.diagnose()
        runs[name] = ours, X_test, y_test, len(y_train)
        results[name] = {
            "hidden_layer_sizes": list(hidden),
            "glassnet_accuracy": ours.accuracy,
            "sklearn_accuracy": theirs.accuracy,
            "same_predictions": bool(np.array_equal(ours.predictions, theirs.predictions)),
            "glassnet_seconds": ours.seconds,
            "sklearn_seconds": theirs.seconds,
            "cells": {"tn": cm.tn, "fp": cm.fp, "fn": cm.fn, "tp": cm.tp},
            "findings": [f.code for f in cells[name][2]],
        }
    output.print(table)
    for name, (cm, noun, health) in cells.items():
        output.print(
            f"\n[bold]{name}[/bold], glassnet on the held-out rows: TN={cm.tn}  FP={cm.fp} "
            f"(type I)  FN={cm.fn} (type II)  TP={cm.tp}"
        )
        output.print(cm.explain(noun=noun))
        # Read on the command line: any advice names glassnet train's options.
        output.print(health.rich("cli"))
        if len(health):
            output.print(
                "The advice names options of [bold]glassnet train[/bold] (see glassnet train "
                "--help); the demo itself takes --max-iter and --seed."
            )
    with user_errors(output):
        written = _write_report(report, *runs["moons"], seed=seed, max_iter=max_iter)
    output.print(f"\nReport of the two-moons run: {written}")
    output.result = {"data_sets": results, "report": str(written)}
    output.emit()


def _write_report(
    path: Path,
    run: _Run,
    X_test: np.ndarray,
    y_test: np.ndarray,
    n_train: int,
    *,
    seed: int,
    max_iter: int,
) -> Path:
    """Write the HTML report of the glassnet run (a scaler and the network)."""
    import pandas as pd

    from glassnet.report import training_report, write_html

    columns = pd.DataFrame(
        {
            "column": ["x1", "x2"],
            "kind": ["numeric", "numeric"],
            "missing": [0, 0],
            "treatment": ["standard-scaled (training rows)"] * 2,
        }
    )
    data = {
        "file": "make_moons(1000, noise=0.2) (generated, no file)",
        "rows": n_train + len(y_test),
        "train_rows": n_train,
        "test_rows": len(y_test),
        "target": "moon (0: lower, 1: upper)",
        "split": "stratified, 30 % held out",
        "columns": columns,
        "notes": [],
    }
    command = f"glassnet demo --seed {seed} --max-iter {max_iter}"
    # A command's report: its advice names glassnet train's options, as printed.
    health = run.model.diagnose()
    html = training_report(run.pipeline, X_test, y_test, data=data, command=command, health=health)
    return write_html(html, path)
