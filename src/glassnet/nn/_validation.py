"""Plain-language explanations of bad input.

scikit-learn's validation decides *whether* input is acceptable; when it is not,
these helpers work out *what* is wrong in the user's terms (which column, which
rows, which values) and what to do about it. They run only on the error path, so
good input pays nothing for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

_SHOW = 5  # how many offending rows or values a message lists


def _rows(positions: Sequence[int]) -> str:
    shown = ", ".join(str(int(p)) for p in positions[:_SHOW])
    return shown + (", ..." if len(positions) > _SHOW else "")


def _columns(X: Any) -> list[tuple[str, np.ndarray]]:
    """Return ``(label, values)`` per column, labels being names or 'column 3'."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        return [(f"column {name!r}", X.iloc[:, j].to_numpy()) for j, name in enumerate(X.columns)]
    arr = np.asarray(X, dtype=object)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        return []
    return [(f"column {j}", arr[:, j]) for j in range(arr.shape[1])]


def _as_float(values: np.ndarray) -> tuple[np.ndarray | None, list[int]]:
    """Convert to float; on failure return the rows that are not numbers."""
    try:
        return values.astype(float), []
    except (TypeError, ValueError):
        bad = []
        for row, v in enumerate(values):
            try:
                float(v)
            except (TypeError, ValueError):
                bad.append(row)
        return None, bad


def explain_bad_features(X: Any, name: str = "X") -> str | None:
    """Describe what makes ``X`` unusable as a numeric feature matrix.

    Parameters
    ----------
    X : array-like or DataFrame
        The input that scikit-learn's validation rejected.
    name : str, default='X'
        What to call the input in the message.

    Returns
    -------
    str or None
        A message naming the column, the rows and what to do, or None when
        nothing specific was found (the caller then keeps scikit-learn's message).
    """
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2 and 0 in shape:
        return (
            f"{name} is empty: found array with {shape[0]} sample(s) and {shape[1]} "
            f"feature(s) (shape={tuple(shape)}) while a minimum of 1 is required. Check "
            "the file, the rows you filtered and the columns you dropped."
        )
    for label, values in _columns(X):
        if any(isinstance(v, complex | np.complexfloating) for v in values):
            return None  # scikit-learn's "Complex data not supported" says it already
        numbers, bad_rows = _as_float(values)
        if numbers is None:
            distinct = list(dict.fromkeys(values[r] for r in bad_rows))
            examples = ", ".join(repr(v) for v in distinct[:3])
            return (
                f"{name} {label} holds values that are not numbers ({examples}; rows "
                f"{_rows(bad_rows)}). Encode it as numbers first (for example with "
                "sklearn.preprocessing.OneHotEncoder) or drop the column."
            )
        nan_rows = np.flatnonzero(np.isnan(numbers))
        if nan_rows.size:
            return (
                f"Input {name} contains NaN: {label} has {nan_rows.size} missing values "
                f"(rows {_rows(nan_rows)}). Fill them (for example with "
                "sklearn.impute.SimpleImputer, or pandas fillna) or drop those rows."
            )
        inf_rows = np.flatnonzero(np.isinf(numbers))
        if inf_rows.size:
            return (
                f"Input {name} contains infinity: {label} has {inf_rows.size} infinite "
                f"values (rows {_rows(inf_rows)}). Replace them with finite numbers or "
                "drop those rows."
            )
    return None


def explain_bad_target(y: Any) -> str | None:
    """Describe what makes ``y`` unusable as classification targets, or None."""
    if y is None:
        return None
    arr = np.asarray(y, dtype=object)
    flat = arr.reshape(len(arr), -1) if arr.ndim else arr.reshape(1, 1)
    missing = [
        row
        for row, values in enumerate(flat)
        if any(v is None or (isinstance(v, float) and np.isnan(v)) for v in values)
    ]
    if missing:
        return (
            f"y has {len(missing)} missing labels (rows {_rows(missing)}). Drop those rows "
            "or fill in their labels before training."
        )
    return None


def check_same_length(X: Any, y: Any) -> None:
    """Raise a ValueError when X and y do not describe the same number of samples."""
    n_x, n_y = _length(X), _length(y)
    if n_x is not None and n_y is not None and n_x != n_y:
        raise ValueError(
            f"X has {n_x} rows but y has {n_y} labels; they must describe the same "
            "samples. Check that both come from the same rows of your data."
        )


def _length(a: Any) -> int | None:
    shape = getattr(a, "shape", None)
    if shape is not None:
        return int(shape[0]) if len(shape) else None
    try:
        return len(a)
    except TypeError:
        return None
