"""``glassnet.report``: the HTML report of ``glassnet train --report``, from Python.

The command line knows the CSV file, the split and what was done to each column;
a Python caller hands over a fitted model and its test rows, so the data section
says what can be read from them (columns, kinds, missing values) and what cannot
be known (the training rows, unless given).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._extras import need


def report(
    model: Any,
    X_test: Any,
    y_test: Any,
    path: str | os.PathLike[str] = "report.html",
    *,
    X_train: Any = None,
    title: str | None = None,
    data_name: str = "data given in Python",
) -> Path:
    """Write the HTML report of a fitted model, evaluated on held-out rows.

    The same self-contained page as ``glassnet train --report``: data, model,
    training curves, diagnosis, evaluation, and how to train the model again.

    Parameters
    ----------
    model : MLPClassifier or sklearn.pipeline.Pipeline
        A fitted glassnet ``MLPClassifier``, or a fitted Pipeline ending in one.
    X_test : array-like or pandas.DataFrame of shape (n_samples, n_features)
        Test rows, as ``model.predict`` takes them.
    y_test : array-like of shape (n_samples,)
        Their true labels (a named pandas Series names the target).
    path : str or path-like, default='report.html'
        The HTML file to write (replaced in one rename).
    X_train : array-like, optional
        The training rows, to count them and their missing values in the report.
    title : str, optional
        The page title; by default "Training report: <data_name>".
    data_name : str, default='data given in Python'
        What the report calls the data (a file name, a data set).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        If ``model`` is not a glassnet MLPClassifier or a Pipeline ending in one.
    sklearn.exceptions.NotFittedError
        If the model is not fitted.
    """
    need("plot")
    import pandas as pd

    from glassnet.report.html import write_html
    from glassnet.report.training import training_report

    n_test = len(y_test)
    n_train = None if X_train is None else len(X_train)
    data = {
        "file": data_name,
        "rows": "not given" if n_train is None else n_train + n_test,
        "train_rows": "an unknown number of" if n_train is None else n_train,
        "test_rows": n_test,
        "target": str(getattr(y_test, "name", None) or "y"),
        "split": "test rows given by the caller",
        "columns": _columns(model, X_test, X_train, pd),
    }
    html = training_report(
        model,
        X_test,
        y_test,
        data=data,
        command="",
        title=title,
        code=f"model = {model!r}\nmodel.fit(X_train, y_train)",
    )
    return write_html(html, path)


def _columns(model: Any, X_test: Any, X_train: Any, pd: Any) -> Any:
    """Tabulate the input columns: their kind, missing values and treatment."""
    named = isinstance(X_test, pd.DataFrame)
    frames = [X for X in (X_train, X_test) if X is not None]
    frames = [X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X)) for X in frames]
    columns = list(frames[-1].columns)
    # Arrays have no column names: x0, x1, ... as scikit-learn's get_feature_names_out.
    shown = [str(c) for c in columns] if named else [f"x{i}" for i in columns]
    treatment = (
        "as the pipeline's steps do ("
        + " → ".join(type(step).__name__ for _, step in model.steps)
        + ")"
        if hasattr(model, "steps")
        else "used as given"
    )
    return pd.DataFrame(
        {
            "column": shown,
            "kind": [
                "numeric" if pd.api.types.is_numeric_dtype(frames[-1][c]) else "categorical"
                for c in columns
            ],
            "missing": [int(sum(X[c].isna().sum() for X in frames)) for c in columns],
            "treatment": treatment,
        }
    )
