"""A model file and a CSV file, read and checked against each other.

``glassnet predict``, ``glassnet evaluate`` and ``compete init`` (its baselines) read
their data through `read_model_data`, so all check the columns the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from glassnet.workflow.data import DataError, check_prediction_columns, read_csv
from glassnet.workflow.model_file import ModelFileError, load_model

# How many offending values an error message quotes before "...".
_SHOWN = 3


@dataclass(frozen=True)
class ModelData:
    """A model file and a CSV file checked against each other.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
        The fitted pipeline from the model file.
    metadata : dict
        The model file's metadata (``target``, ``columns``, ...).
    frame : pandas.DataFrame
        Every row and column of the CSV file.
    features : pandas.DataFrame
        The model's input columns, in training order: what ``pipeline`` takes.
    target : str or None
        The column the model predicts, when the metadata names it.
    ignored : list of str
        Columns of the file the model does not use (the target excepted).
    notes : list of str
        Facts the user should hear about (delimiter, ignored columns).
    """

    pipeline: Any
    metadata: dict
    frame: pd.DataFrame
    features: pd.DataFrame
    target: str | None
    ignored: list[str]
    notes: list[str]


def read_model_data(
    model: Path, data: Path, skip: list[str] | None = None, require_signature: bool = False
) -> ModelData:
    """Load a model, read a CSV file and check that it has the model's input columns.

    Parameters
    ----------
    model : pathlib.Path
        The model file.
    data : pathlib.Path
        The CSV file.
    skip : list of str, optional
        Columns the command uses itself (an id column): not reported as ignored.
    require_signature : bool, default False
        Load the model only if its signature verifies (see ``load_model``).

    Returns
    -------
    ModelData
        The pipeline, the metadata, the rows and the model's input columns.

    Raises
    ------
    ModelFileError
        When the model file cannot be loaded, does not name its input columns, or
        holds a model that fails on the file's first row other than by a ValueError
        (which explains the input).
    DataError
        When the CSV file cannot be read, lacks an input column (the message names
        it) or has text where the model was trained on numbers.
    """
    pipeline, metadata = load_model(model, require_signature=require_signature)
    columns = _training_columns(pipeline, metadata, model)
    target = metadata.get("target")
    table = read_csv(data)
    notes = []
    if table.delimiter != ",":
        notes.append(f"{data}: columns separated by {table.delimiter_name}s.")
    frame = table.frame
    extra = check_prediction_columns(frame, columns, data, target)
    ignored = [column for column in extra if column not in (skip or [])]
    if ignored:
        notes.append(f"{data}: columns not used by the model are ignored: {', '.join(ignored)}.")
    numeric = [column for column in metadata.get("numeric", []) if column in columns]
    features = _as_numbers(frame[columns], numeric, data)
    _try_one_row(pipeline, features, model)
    return ModelData(pipeline, metadata, frame, features, target, ignored, notes)


def _try_one_row(pipeline: Any, features: pd.DataFrame, model: Path) -> None:
    """Predict the first row: a model whose fitted numbers are not numbers fails here.

    Loading checks the network's weights; a stranger's file may still hold, say, a
    scaler whose means are text, and that would end in a traceback mid-prediction.
    """
    try:
        # A classifier's probabilities, or a regressor's numbers.
        answer = getattr(pipeline, "predict_proba", None) or pipeline.predict
        answer(features.iloc[:1])
    except ValueError:
        raise  # the input's problem, explained by the pipeline (or an empty file)
    except Exception as err:
        raise ModelFileError(
            f"{model} holds a model that cannot predict ({type(err).__name__}: {err}). It was "
            "not written by glassnet, or was changed after; train the model again."
        ) from err


def _training_columns(pipeline: Any, metadata: dict, model: Path) -> list[str]:
    """Name the columns the model takes, from the metadata or else the fitted pipeline."""
    columns = metadata.get("columns")
    if columns is None and hasattr(pipeline, "feature_names_in_"):
        columns = pipeline.feature_names_in_.tolist()
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ModelFileError(
            f"{model} does not say which columns the model was trained on (no 'columns' "
            "in its metadata); save it again with glassnet train."
        )
    return columns


def _as_numbers(features: pd.DataFrame, numeric: list[str], data: Path) -> pd.DataFrame:
    """Read the numeric columns as numbers; refuse text the imputer cannot read.

    pandas reads a column with one stray word ("unknown") as text, and scikit-learn
    would then fail with "could not convert string to float" naming no column.
    """
    features = features.copy()
    for column in numeric:
        if pd.api.types.is_numeric_dtype(features[column]):
            continue
        values = pd.to_numeric(features[column], errors="coerce")
        bad = features[column].notna() & values.isna()
        if bad.any():
            rows = np.flatnonzero(bad.to_numpy())
            examples = ", ".join(repr(v) for v in features[column].iloc[rows[:_SHOWN]])
            where = ", ".join(str(r + 1) for r in rows[:_SHOWN]) + (
                ", ..." if len(rows) > _SHOWN else ""
            )
            raise DataError(
                f"column {column!r} of {data} should hold numbers, as when the model was "
                f"trained, but has text in {len(rows)} rows (data rows {where}: {examples}); "
                "fix those values or leave them empty to have them filled."
            )
        features[column] = values
    return features
