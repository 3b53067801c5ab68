"""The training run of ``glassnet train``, without the printing: rows in, facts out.

`prepare_rows` reads, checks and splits the data; `model_metadata` is what the model
file says about the run; `report_summary` what the HTML report says about the data.
The command line (``glassnet.cli.train``) calls these and prints what they return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import glassnet
from glassnet.metrics import ConfusionMatrix
from glassnet.workflow.data import (
    DataError,
    check_prediction_columns,
    check_target,
    infer_task,
    read_csv,
)
from glassnet.workflow.mistakes import identifier_columns, identifier_notice, row_fingerprints
from glassnet.workflow.preprocess import (
    ColumnPlan,
    drop_incomplete_rows,
    feature_names,
    parse_fill_missing,
    plan_columns,
)
from glassnet.workflow.split import split_rows

DEFAULT_SPLIT = "stratified:0.2"
DEFAULT_REGRESSION_SPLIT = "random:0.2"  # numbers have no classes to stratify by


@dataclass
class PreparedRows:
    """The data of a run, read, checked and split.

    Attributes
    ----------
    plan : ColumnPlan
        The columns and what is done to each.
    train, test : pandas.DataFrame
        The training and test rows (every column).
    notes : list of str
        Facts the user should hear (delimiter, dropped rows, ignored columns).
    task : {'classification', 'regression'}
        What the target is: classes, or numbers.
    """

    plan: ColumnPlan
    train: pd.DataFrame
    test: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    task: str = "classification"


def prepare_rows(
    data: Path,
    target: str,
    drop: list[str],
    fill_missing: list[str],
    split: str | None,
    test: Path | None,
    seed: int,
    task: str = "auto",
) -> PreparedRows:
    """Read, check and split: the plan, the training and test rows, and notices.

    Parameters
    ----------
    data : pathlib.Path
        The CSV file to learn from.
    target : str
        The column to predict.
    drop : list of str
        Columns to leave out.
    fill_missing : list of str
        The ``--fill-missing`` words.
    split : str or None
        ``head:N``, ``random:F`` or ``stratified:F``; None for the default.
    test : pathlib.Path or None
        A separate file of test rows (instead of `split`).
    seed : int
        Seeds the split.
    task : {'auto', 'classification', 'regression'}, default='auto'
        What the target is; 'auto' decides by the column (``infer_task``).

    Returns
    -------
    PreparedRows

    Raises
    ------
    DataError
        When a file, a column or the split cannot be used; the message says why.
    """
    if split is not None and test is not None:
        raise DataError("Give either --split or --test, not both.")
    notes = []
    table = read_csv(data)
    if table.delimiter != ",":
        notes.append(f"{data}: columns separated by {table.delimiter_name}s.")
    if target in table.frame.columns:
        task = infer_task(table.frame[target], task)
    if task == "regression" and split is not None and split.startswith("stratified"):
        raise DataError(
            f"--split {split}: a stratified split keeps the share of each class, and a "
            "regression target has no classes. Use random:0.2 or head:N."
        )
    checked = check_target(table.frame, target, data, task=task)
    if checked.notice:
        notes.append(checked.notice)
    frame = checked.frame
    plan = plan_columns(frame, target, data, drop)
    identifiers = identifier_columns(frame, plan.numeric)
    if identifiers:
        notes.append(identifier_notice(identifiers))
    fill = parse_fill_missing(fill_missing)
    frame, dropped = drop_incomplete_rows(frame, plan, fill)
    if dropped:
        notes.append(
            f"{len(dropped)} rows with a missing value were dropped (--fill-missing drop)."
        )
    if test is None:
        default = DEFAULT_REGRESSION_SPLIT if task == "regression" else DEFAULT_SPLIT
        rows = split_rows(split or default, frame[target].to_numpy(), seed, data)
        return PreparedRows(plan, frame.iloc[rows.train], frame.iloc[rows.test], notes, task)
    test_table = read_csv(test)
    test_checked = check_target(test_table.frame, target, test, task=task)
    extra = check_prediction_columns(test_checked.frame, plan.columns, test, target)
    if extra:
        notes.append(f"{test}: columns not used by the model are ignored: {', '.join(extra)}.")
    test_frame, _ = drop_incomplete_rows(test_checked.frame, plan, fill)
    return PreparedRows(plan, frame, test_frame, notes, task)


def model_metadata(
    data: Path,
    plan: ColumnPlan,
    pipeline: Any,
    cm: ConfusionMatrix | None,
    command: str,
    seconds: float,
    train_rows: pd.DataFrame,
    scores: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Say what the model file should record about the run.

    Parameters
    ----------
    data : pathlib.Path
        The training file.
    plan : ColumnPlan
        Its columns.
    pipeline : sklearn.pipeline.Pipeline
        The fitted pipeline (its last step is the network).
    cm : ConfusionMatrix or None
        On the test rows (None for a regression).
    command : str
        The command line that trained it ("" when not known).
    seconds : float
        Training time.
    train_rows : pandas.DataFrame
        The rows trained on, every column: fingerprinted, so that ``glassnet
        evaluate`` can say when it is given them.
    scores : dict, optional
        A regression's scores on the test rows (``glassnet.metrics.regression_scores``).

    Returns
    -------
    dict
        JSON-friendly metadata for `glassnet.workflow.model_file.save_model`.
    """
    model = pipeline[-1]
    return {
        "data": data.name,
        "target": plan.target,
        "columns": list(plan.columns),
        "numeric": list(plan.numeric),
        "categorical": {k: list(v) for k, v in plan.categorical.items()},
        "dropped": list(plan.dropped),
        "features": feature_names(pipeline),
        "task": "classification" if hasattr(model, "classes_") else "regression",
        "classes": [str(c) for c in getattr(model, "classes_", [])],
        "epochs": int(model.n_iter_),
        "train_seconds": round(seconds, 3),
        "test_accuracy": None if cm is None else cm.accuracy(),
        "test_scores": dict(scores or {}),
        "command": command,
        "glassnet_version": glassnet.__version__,
        "training_rows": row_fingerprints(train_rows),
    }


def report_summary(
    plan: ColumnPlan, data: Path, n_train: int, n_test: int, notes: list[str], split: str
) -> dict[str, Any]:
    """Describe the data of a run as the HTML report's data section wants it.

    Returns
    -------
    dict
        ``file``, ``rows``, ``train_rows``, ``test_rows``, ``target``, ``split``,
        ``columns`` (a data frame: column, kind, missing, treatment) and ``notes``.
    """
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
    return {
        "file": str(data),
        "rows": plan.n_rows,
        "train_rows": n_train,
        "test_rows": n_test,
        "target": plan.target,
        "split": split,
        "columns": columns,
        "notes": list(notes),
    }


def baseline_accuracy(y_train: pd.Series, y_test: pd.Series) -> float:
    """Return the accuracy of always answering the training rows' most common class."""
    majority = y_train.mode().iloc[0]
    return float(np.mean(y_test.to_numpy() == majority))


def _treatment(column: str, plan: ColumnPlan) -> str:
    if column in plan.categorical:
        return "one-hot: " + ", ".join(plan.categorical[column])
    missing = plan.missing.get(column, 0)
    return f"{missing} missing values filled, then scaled" if missing else "scaled"
