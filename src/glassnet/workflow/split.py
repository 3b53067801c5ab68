"""Splitting rows into training and test rows, as ``--split`` says.

``head:400`` is the course's split: the first 400 rows train, the rest test.
``random:0.2`` and ``stratified:0.2`` hold out a seeded fifth of the rows, the
latter with the same class proportions in both parts. A separate test file
(``--test``) needs no split; the caller reads it instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from glassnet.workflow.data import DataError

SPLIT_KINDS = ("head", "random", "stratified")
_SPLIT_FORMS = (
    "head:N (the first N rows train, the rest test), random:F or stratified:F "
    "(a fraction F of the rows, between 0 and 1, tests; e.g. random:0.2)"
)


@dataclass(frozen=True)
class SplitSpec:
    """A parsed ``--split`` option.

    Attributes
    ----------
    kind : {"head", "random", "stratified"}
        How rows are chosen.
    size : int or float
        For ``"head"``, the number of training rows; otherwise the test fraction.
    """

    kind: str
    size: int | float

    def __str__(self) -> str:
        return f"{self.kind}:{self.size}"


@dataclass(frozen=True)
class Split:
    """Training and test rows, as positions (0-based, increasing) in the data.

    Attributes
    ----------
    train : numpy.ndarray of int
        The training rows.
    test : numpy.ndarray of int
        The test rows.
    """

    train: np.ndarray
    test: np.ndarray


def parse_split(spec: str) -> SplitSpec:
    """Read a ``--split`` option such as ``"head:400"`` or ``"stratified:0.2"``.

    Parameters
    ----------
    spec : str
        The option's value.

    Returns
    -------
    SplitSpec
        The kind and the size.

    Raises
    ------
    DataError
        When the kind is unknown or the size is not a positive whole number
        (head) or a fraction strictly between 0 and 1 (random, stratified).
    """
    kind, colon, size = spec.strip().partition(":")
    if not colon or kind not in SPLIT_KINDS:
        raise DataError(f"--split {spec!r} is not understood; use {_SPLIT_FORMS}.")
    if kind == "head":
        if not size.strip().isdigit() or int(size) < 1:
            raise DataError(
                f"--split {spec!r}: head takes a whole number of training rows, at least 1, "
                "e.g. head:400."
            )
        return SplitSpec(kind, int(size))
    try:
        fraction = float(size)
    except ValueError:
        fraction = float("nan")
    if not 0 < fraction < 1:
        raise DataError(
            f"--split {spec!r}: {kind} takes the fraction of rows that test, strictly "
            f"between 0 and 1, e.g. {kind}:0.2."
        )
    return SplitSpec(kind, fraction)


def split_rows(
    spec: str | SplitSpec, target: Any, seed: int = 0, path: str | Path | None = None
) -> Split:
    """Split the rows of the data into training and test rows.

    Parameters
    ----------
    spec : str or SplitSpec
        E.g. ``"head:400"``, ``"random:0.2"``, ``"stratified:0.2"``.
    target : array-like of shape (n_samples,)
        The target column: its length is the number of rows, and stratified
        splits keep its class proportions.
    seed : int, default=0
        The seed of random and stratified splits.
    path : str or pathlib.Path, optional
        The file the data came from, for messages.

    Returns
    -------
    Split
        Training and test row positions, both non-empty.

    Raises
    ------
    DataError
        When the spec is malformed, or leaves no training or no test rows, or a
        stratified split has a class too small to be in both parts.
    """
    spec = parse_split(spec) if isinstance(spec, str) else spec
    target = np.asarray(target)
    n_rows = len(target)
    source = f"{path} has" if path is not None else "the data have"
    rows = np.arange(n_rows)
    if spec.kind == "head":
        if spec.size >= n_rows:
            raise DataError(
                f"--split {spec}: {source} {n_rows} rows, so no row would be left to test; "
                f"choose fewer than {n_rows} training rows, or give a test file with --test."
            )
        return Split(train=rows[: spec.size], test=rows[spec.size :])
    n_test = int(np.ceil(spec.size * n_rows))  # as train_test_split rounds
    if n_test >= n_rows or n_test < 1:
        raise DataError(
            f"--split {spec}: {source} {n_rows} rows, too few to hold out {spec.size:g} of "
            "them and train on the rest."
        )
    stratify = target if spec.kind == "stratified" else None
    try:
        train, test = train_test_split(
            rows, test_size=spec.size, random_state=seed, shuffle=True, stratify=stratify
        )
    except ValueError as err:
        classes, counts = np.unique(target, return_counts=True)
        # .tolist() gives plain Python values: 3, not np.int64(3).
        sizes = ", ".join(
            f"{c!r}: {n}" for c, n in zip(classes.tolist(), counts.tolist(), strict=True)
        )
        small = [c for c, n in zip(classes.tolist(), counts.tolist(), strict=True) if n < 2]
        reason = (
            f"class {small[0]!r} has only 1 row" if len(small) == 1 else "some class is too small"
        )
        if len(small) > 1:
            reason = f"classes {', '.join(map(repr, small))} have only 1 row each"
        raise DataError(
            f"--split {spec}: {source} {n_rows} rows with classes {{{sizes}}}, which cannot "
            f"be split keeping their proportions ({reason}); use random:{spec.size:g} or a "
            "larger test fraction."
        ) from err
    # Sorted, so that the rows keep the file's order in reports.
    return Split(train=np.sort(train), test=np.sort(test))
