"""Likely mistakes worth a notice: an identifier among the features, a test on training rows.

Neither is an error (a column may look like an identifier and still carry signal,
and scoring on training rows is a fine sanity check), so both are notices that say
what was seen and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

# Names people give identifier columns: id, ID, PassengerId, customer_id, row-id.
_ID_NAME = re.compile(r"(?i:(^|[_\-\s])id$|^(index|row|rowid|key|uuid)$)|[a-z](Id|ID)$")
# Fewer rows than this and "a different value in every row" proves little.
_MIN_ROWS = 20
# Row fingerprints kept in a model file: at most this many training rows (a seeded
# sample of larger files), 16 hexadecimal digits each.
MAX_FINGERPRINTS = 10_000


def identifier_columns(frame: pd.DataFrame, numeric: Iterable[str]) -> list[str]:
    """Name the numeric feature columns that look like row identifiers.

    A column looks like one when its name says so (``id``, ``PassengerId``,
    ``customer_id``) or when it holds a different whole number in every row.

    Parameters
    ----------
    frame : pandas.DataFrame
        The training rows.
    numeric : iterable of str
        The numeric feature columns.

    Returns
    -------
    list of str
    """
    found = []
    for column in numeric:
        values = frame[column].dropna()
        counting = (
            len(values) >= _MIN_ROWS
            and values.is_unique
            and bool(np.all(np.asarray(values, dtype=float) % 1 == 0))
        )
        if _ID_NAME.search(str(column)) or counting:
            found.append(column)
    return found


def identifier_notice(columns: list[str]) -> str:
    """Say that identifier-like columns are features, and how to leave them out."""
    names = ", ".join(columns)
    return (
        f"{names} look{'s' if len(columns) == 1 else ''} like "
        f"{'an identifier' if len(columns) == 1 else 'identifiers'} (named like one, or a "
        "different whole number in every row): a network can only memorise such a "
        f"column, not learn from it. Leave it out with --drop {' '.join(columns)}."
    )


def row_fingerprints(frame: pd.DataFrame, seed: int = 0) -> dict[str, Any]:
    """Fingerprint the rows a model is trained on, to recognise them later.

    Each row is hashed over all of its columns as the file has them (the dropped ones
    too, so that two passengers with the same age and class stay apart).

    Parameters
    ----------
    frame : pandas.DataFrame
        The training rows, every column.
    seed : int, default 0
        Seeds the sample kept when there are more than `MAX_FINGERPRINTS` rows.

    Returns
    -------
    dict
        ``columns`` (hashed, in order), ``rows`` (how many were trained on) and
        ``hashes`` (hexadecimal, at most `MAX_FINGERPRINTS`): JSON for the metadata.
    """
    columns = sorted(map(str, frame.columns))
    hashes = _hashes(frame, columns)
    if len(hashes) > MAX_FINGERPRINTS:
        rng = np.random.default_rng(seed)
        hashes = rng.choice(hashes, MAX_FINGERPRINTS, replace=False)
    return {
        "columns": columns,
        "rows": len(frame),
        "hashes": sorted(f"{int(h):016x}" for h in hashes),
    }


def training_rows_share(frame: pd.DataFrame, fingerprints: Mapping[str, Any]) -> float | None:
    """Estimate the share of `frame`'s rows the model was trained on.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows about to be scored, every column.
    fingerprints : mapping
        What `row_fingerprints` stored.

    Returns
    -------
    float or None
        Between 0 and 1; None when the file lacks a column of the fingerprint (its
        rows cannot be compared) or when there is nothing to compare.
    """
    columns = list(fingerprints.get("columns", []))
    stored = fingerprints.get("hashes", [])
    trained = int(fingerprints.get("rows", 0))
    if not columns or not stored or not trained or len(frame) == 0:
        return None
    by_name = {str(c): c for c in frame.columns}
    if any(c not in by_name for c in columns):
        return None
    known = {int(h, 16) for h in stored}
    hits = sum(int(h) in known for h in _hashes(frame.rename(columns=str), columns))
    sampled = len(stored) / trained  # share of the training rows fingerprinted
    return min(1.0, hits / sampled / len(frame))


def _hashes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    # Hashed as text, so that a column read as int in one file and as float or
    # object in another (a gap elsewhere in the file) still gives the same row.
    text = frame.rename(columns=str)[columns].astype(str)
    return pd.util.hash_pandas_object(text, index=False).to_numpy()
