"""From columns of a table to the numbers a network learns from.

`plan_columns` decides what each column is (numeric, categorical, or text to be
dropped); `parse_fill_missing` reads the ``--fill-missing`` options; and
`build_pipeline` turns both into a scikit-learn ``Pipeline`` whose preparation
step is fitted, like the model, on the training rows only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

from glassnet.nn import MLPClassifier, MLPRegressor
from glassnet.workflow.data import DataError, unknown_columns_message

FILL_STRATEGIES = ("mean", "median", "most_frequent", "drop")
_MODELS = {"classification": MLPClassifier, "regression": MLPRegressor}
SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "none": None}
# A text column is a category when it has at most this many distinct values ...
MAX_CATEGORIES = 20
# ... and they repeat: at most this fraction of its values are distinct.
MAX_CATEGORY_FRACTION = 0.5
# Text that is mostly numbers is a number column with a few typos or decimal commas.
_NUMERIC_LOOKING_FRACTION = 0.9


@dataclass(frozen=True)
class ColumnPlan:
    """What becomes of each column of a table.

    Attributes
    ----------
    target : str
        The column to predict.
    columns : tuple of str
        The feature columns, in file order: `numeric` and `categorical` together.
    numeric : tuple of str
        Columns used as numbers (missing values filled, then scaled).
    categorical : dict of str to tuple of str
        Columns one-hot encoded, each with its categories (sorted, as text).
    dropped : tuple of str
        Columns left out because the user asked (``--drop``).
    missing : dict of str to int
        The number of missing values in each feature column.
    n_rows : int
        The number of rows the plan was made from.
    """

    target: str
    columns: tuple[str, ...]
    numeric: tuple[str, ...]
    categorical: dict[str, tuple[str, ...]]
    dropped: tuple[str, ...]
    missing: dict[str, int]
    n_rows: int

    def describe(self) -> list[str]:
        """Describe the plan in a few lines, e.g. ``"one-hot encoded: Sex (female, male)"``.

        Returns
        -------
        list of str
            One line each for numeric, one-hot encoded and dropped columns (when any).
        """
        lines = []
        if self.numeric:
            numeric = ", ".join(self._with_missing(column) for column in self.numeric)
            lines.append(f"numeric: {numeric}")
        if self.categorical:
            encoded = ", ".join(
                f"{column} ({', '.join(categories)}{self._missing_note(column, '; ')})"
                for column, categories in self.categorical.items()
            )
            lines.append(f"one-hot encoded: {encoded}")
        if self.dropped:
            lines.append(f"dropped: {', '.join(self.dropped)}")
        return lines

    def _with_missing(self, column: str) -> str:
        note = self._missing_note(column, "")
        return f"{column} ({note})" if note else column

    def _missing_note(self, column: str, separator: str) -> str:
        count = self.missing[column]
        return f"{separator}{count} missing" if count else ""


@dataclass(frozen=True)
class FillMissing:
    """How missing feature values are filled (``--fill-missing``).

    Attributes
    ----------
    strategy : {"mean", "median", "most_frequent", "drop"}
        For numeric columns. ``"drop"`` removes the rows with a missing value
        before training (see `drop_incomplete_rows`). Categorical columns always
        take their most frequent category.
    constants : dict of str to str
        Per-column values, from ``COLUMN=VALUE``; they override the strategy for
        numeric and categorical columns alike.
    """

    strategy: str = "mean"
    constants: dict[str, str] = field(default_factory=dict)


def plan_columns(
    frame: pd.DataFrame, target: str, path: str | Path, drop: Iterable[str] = ()
) -> ColumnPlan:
    """Sort the columns other than the target and ``drop`` into numeric and categorical.

    A column pandas reads as numbers is numeric, even with few values (``Pclass``
    stays 1, 2, 3). A text column is categorical when it has at most 20 distinct
    values, at most half as many as it has values; other text columns (names,
    tickets) are refused, since they cannot be encoded usefully.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data. Passing the training rows only gives a plan whose categories
        are exactly the ones the encoder learns.
    target : str
        The column to predict; it is not a feature.
    path : str or pathlib.Path
        The file the data came from, for messages.
    drop : iterable of str, default=()
        Columns to leave out.

    Returns
    -------
    ColumnPlan
        Numeric, categorical and dropped columns, and missing counts.

    Raises
    ------
    DataError
        When a name in ``drop`` is not a column or is the target, when a column
        is empty or is text with too many distinct values (the message lists them
        and the ``--drop`` options that leave them out), or when no column is left.
    """
    dropped = tuple(dict.fromkeys(drop))
    _check_drop(frame, target, dropped, path)
    columns = [column for column in frame.columns if column != target and column not in dropped]
    if not columns:
        raise DataError(
            f"{path} has no column left to learn from besides target {target!r}; "
            "drop fewer columns."
        )
    numeric, categorical, refused = [], {}, {}
    for column in columns:
        values = frame[column].dropna()
        if values.empty:
            refused[column] = f"{column!r} has no values in any of its {len(frame)} rows"
        elif pd.api.types.is_numeric_dtype(frame[column]):
            numeric.append(column)
        elif _is_categorical(values):
            categorical[column] = tuple(sorted(str(value) for value in values.unique()))
        else:
            refused[column] = _why_not_categorical(column, values)
    if refused:
        raise DataError(
            f"{path}: {'; '.join(refused.values())}. Columns of text become categories only "
            f"with at most {MAX_CATEGORIES} distinct values, each repeated on average (at "
            f"most half as many distinct values as rows). Leave them out with "
            f"{drop_options(list(refused))}."
        )
    return ColumnPlan(
        target=target,
        columns=tuple(columns),
        numeric=tuple(numeric),
        categorical=categorical,
        dropped=dropped,
        missing={column: int(frame[column].isna().sum()) for column in columns},
        n_rows=len(frame),
    )


def drop_options(columns: Sequence[str]) -> str:
    """Spell the command-line options that drop ``columns``: ``--drop Name --drop Ticket``.

    Parameters
    ----------
    columns : sequence of str
        The columns to drop.

    Returns
    -------
    str
        One ``--drop`` option per column; names with spaces are quoted.
    """
    return " ".join(f"--drop {_shell_word(column)}" for column in columns)


def parse_fill_missing(specs: str | Sequence[str] | None) -> FillMissing:
    """Read ``--fill-missing`` options: at most one strategy, any ``COLUMN=VALUE``.

    Parameters
    ----------
    specs : str or sequence of str or None
        E.g. ``["median", "Embarked=S"]``. Without a strategy, it is ``"mean"``.

    Returns
    -------
    FillMissing
        The strategy and the per-column constants.

    Raises
    ------
    DataError
        For an unknown strategy, two strategies, or ``COLUMN=`` without a value.
    """
    specs = [specs] if isinstance(specs, str) else list(specs or [])
    strategies, constants = [], {}
    for spec in specs:
        column, equals, value = spec.partition("=")
        if equals:
            if not column or not value:
                raise DataError(
                    f"--fill-missing {spec!r} needs both a column and a value, "
                    "e.g. --fill-missing Embarked=S or --fill-missing Age=30."
                )
            constants[column] = value
        elif spec in FILL_STRATEGIES:
            strategies.append(spec)
        else:
            raise DataError(
                f"--fill-missing {spec!r} is not a strategy; use one of "
                f"{', '.join(FILL_STRATEGIES)}, or COLUMN=VALUE for a constant."
            )
    if len(strategies) > 1:
        raise DataError(
            f"--fill-missing was given {len(strategies)} strategies ({', '.join(strategies)}); "
            "give one (and any number of COLUMN=VALUE)."
        )
    return FillMissing(strategy=strategies[0] if strategies else "mean", constants=constants)


def drop_incomplete_rows(
    frame: pd.DataFrame, plan: ColumnPlan, fill: FillMissing
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """With the ``"drop"`` strategy, remove the rows with a missing feature value.

    Columns with a ``COLUMN=VALUE`` constant are filled, so they do not count.
    With any other strategy the frame is returned as it is.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data (training and test rows alike).
    plan : ColumnPlan
        The feature columns.
    fill : FillMissing
        The ``--fill-missing`` options.

    Returns
    -------
    frame : pandas.DataFrame
        The complete rows, renumbered from 0.
    dropped : tuple of int
        The positions of the rows removed, for the user to hear about.
    """
    if fill.strategy != "drop":
        return frame, ()
    checked = [column for column in plan.columns if column not in fill.constants]
    incomplete = frame[checked].isna().any(axis=1).to_numpy()
    return frame.loc[~incomplete].reset_index(drop=True), tuple(np.flatnonzero(incomplete).tolist())


def select_features(frame: pd.DataFrame, plan: ColumnPlan) -> pd.DataFrame:
    """Select the feature columns of ``frame`` in the plan's order: what the pipeline takes.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data, with the plan's columns.
    plan : ColumnPlan
        The plan.

    Returns
    -------
    pandas.DataFrame
        ``frame[list(plan.columns)]``.
    """
    return frame[list(plan.columns)]


def build_preprocessor(
    plan: ColumnPlan, fill: FillMissing | None = None, scale: str = "standard"
) -> ColumnTransformer:
    """Build the unfitted ``ColumnTransformer`` that fills, scales and one-hot encodes.

    Numeric columns: ``SimpleImputer`` with the strategy (the mean when the
    strategy is ``"drop"``, so that predictions on incomplete rows still work),
    then the scaler. Categorical columns: ``SimpleImputer("most_frequent")``,
    then ``OneHotEncoder(handle_unknown="ignore")``, not scaled. A column with a
    constant gets its own imputer. Output columns are named after their inputs:
    ``Age``, ``Sex_female``.

    Parameters
    ----------
    plan : ColumnPlan
        The columns and what they are.
    fill : FillMissing, optional
        The ``--fill-missing`` options; ``FillMissing()`` (the mean) by default.
    scale : {"standard", "minmax", "none"}, default="standard"
        The scaler for numeric columns.

    Returns
    -------
    sklearn.compose.ColumnTransformer
        To be fitted on the training rows.

    Raises
    ------
    DataError
        For an unknown strategy or scaler, a constant for a column that is not a
        feature, or a constant that is not a number for a numeric column.
    """
    fill = fill or FillMissing()
    _check_fill(fill, plan)
    if scale not in SCALERS:
        raise DataError(f"--scale {scale!r} is not a scaler; use one of {', '.join(SCALERS)}.")
    strategy = "mean" if fill.strategy == "drop" else fill.strategy
    transformers = []
    numeric = [column for column in plan.numeric if column not in fill.constants]
    categorical = [column for column in plan.categorical if column not in fill.constants]
    if numeric:
        transformers.append(("numeric", _numeric_steps(_imputer(strategy), scale), numeric))
    if categorical:
        transformers.append(("categorical", _categorical_steps("most_frequent"), categorical))
    for number, (column, value) in enumerate(fill.constants.items()):
        if column in plan.numeric:
            steps = _numeric_steps(_imputer("constant", float(value)), scale)
        else:
            steps = _categorical_steps("constant", value)
        transformers.append((f"constant_{number}", steps, [column]))
    return ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=False)


def build_pipeline(
    plan: ColumnPlan,
    fill: FillMissing | None = None,
    scale: str = "standard",
    model_params: Mapping[str, Any] | None = None,
    task: str = "classification",
) -> Pipeline:
    """Build the unfitted ``Pipeline([("prepare", ...), ("model", MLPClassifier(...))])``.

    Fitting it on the training rows fits the imputers, scalers and encoder on
    those rows only, so that nothing is learnt from the test rows.

    Parameters
    ----------
    plan : ColumnPlan
        The columns and what they are.
    fill : FillMissing, optional
        The ``--fill-missing`` options; the mean by default.
    scale : {"standard", "minmax", "none"}, default="standard"
        The scaler for numeric columns.
    model_params : mapping, optional
        Keyword arguments for `glassnet.MLPClassifier` (or `MLPRegressor`).
    task : {"classification", "regression"}, default="classification"
        The model: an MLPClassifier, or an MLPRegressor.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Fit it with ``pipeline.fit(select_features(train, plan), train[plan.target])``.
    """
    return Pipeline(
        [
            ("prepare", build_preprocessor(plan, fill, scale)),
            ("model", _MODELS[task](**dict(model_params or {}))),
        ]
    )


def feature_names(pipeline: Pipeline) -> list[str]:
    """Name the network's inputs, e.g. ``["Pclass", "Age", "Sex_female", ...]``.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A pipeline from `build_pipeline`, fitted.

    Returns
    -------
    list of str
        One name per input column of the model, in order.
    """
    return [str(name) for name in pipeline.named_steps["prepare"].get_feature_names_out()]


def _check_drop(frame: pd.DataFrame, target: str, dropped: Sequence[str], path: str | Path) -> None:
    unknown = [column for column in dropped if column not in frame.columns]
    if unknown:
        message = unknown_columns_message(unknown, list(frame.columns), str(path))
        raise DataError(f"--drop: {message}")
    if target in dropped:
        raise DataError(f"--drop {target!r} names the target column; it cannot be dropped.")


def _is_categorical(values: pd.Series) -> bool:
    distinct = values.nunique()
    return distinct <= MAX_CATEGORIES and distinct <= MAX_CATEGORY_FRACTION * len(values)


def _why_not_categorical(column: str, values: pd.Series) -> str:
    reason = f"{column!r} is text with {values.nunique()} distinct values in {len(values)} rows"
    # Decimal commas (7,25) or a few words in a column of numbers: say so, it is fixable.
    as_numbers = pd.to_numeric(values.astype(str).str.replace(",", "."), errors="coerce")
    if as_numbers.notna().mean() >= _NUMERIC_LOOKING_FRACTION:
        example = values[as_numbers.isna()].iloc[0] if as_numbers.isna().any() else values.iloc[0]
        reason += f" but looks numeric (e.g. {example!r}): fix the values to use it"
    return reason


def _check_fill(fill: FillMissing, plan: ColumnPlan) -> None:
    if fill.strategy not in FILL_STRATEGIES:
        raise DataError(
            f"--fill-missing {fill.strategy!r} is not a strategy; use one of "
            f"{', '.join(FILL_STRATEGIES)}."
        )
    unknown = [column for column in fill.constants if column not in plan.columns]
    if unknown:
        raise DataError(
            "--fill-missing: "
            + unknown_columns_message(unknown, list(plan.columns), "the feature columns")
        )
    for column, value in fill.constants.items():
        if column in plan.numeric and not _is_number(value):
            raise DataError(
                f"--fill-missing {column}={value}: column {column!r} is numeric, so its "
                f"value must be a number, e.g. {column}=0."
            )


def _is_number(text: str) -> bool:
    try:
        return np.isfinite(float(text))
    except ValueError:
        return False


def _imputer(strategy: str, fill_value: Any = None) -> SimpleImputer:
    # keep_empty_features: a column with no value in the training rows still gives an
    # input (filled with 0 or the constant), so the inputs match the plan's columns.
    return SimpleImputer(strategy=strategy, fill_value=fill_value, keep_empty_features=True)


def _numeric_steps(imputer: SimpleImputer, scale: str) -> Pipeline:
    scaler = SCALERS[scale]
    steps = [("impute", imputer)]
    if scaler is not None:
        steps.append(("scale", scaler()))
    return Pipeline(steps)


def _categorical_steps(strategy: str, fill_value: str | None = None) -> Pipeline:
    return Pipeline(
        [
            ("impute", _imputer(strategy, fill_value)),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )


def _shell_word(text: str) -> str:
    return text if text and all(c.isalnum() or c in "_.-" for c in text) else repr(text)
