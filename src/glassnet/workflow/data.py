"""Reading a CSV file and checking its columns, with errors that say how to fix the file.

Nothing here prints: problems raise `DataError`, and facts the user should hear
about (the delimiter found, rows dropped for a missing target) are returned for
the command line to show.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from glassnet.workflow.errors import DataError

# Enough lines to see a table's shape, small enough to read before pandas does.
_SAMPLE_BYTES = 64 * 1024
_SAMPLE_RECORDS = 50
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
# A text file has almost no control characters; a binary one is full of them.
_MAX_CONTROL_FRACTION = 0.01
# More classes than this, most rows each in a class of their own: not a classification.
_MAX_CLASSES = 20


@dataclass(frozen=True)
class Table:
    """A CSV file read into a data frame.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows and columns of the file.
    path : pathlib.Path
        The file it was read from.
    delimiter : str
        The field delimiter that was detected: comma, semicolon, tab or ``"|"``.
    """

    frame: pd.DataFrame
    path: Path
    delimiter: str

    @property
    def delimiter_name(self) -> str:
        """The delimiter in words, e.g. ``"semicolon"``, for messages."""
        return _DELIMITERS[self.delimiter]


@dataclass(frozen=True)
class Target:
    """The checked target column and the rows that have a value in it.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows with a target value, renumbered from 0.
    name : str
        The target column.
    classes : tuple
        The distinct target values, sorted.
    dropped_rows : tuple of int
        Positions (0-based, in the frame given to `check_target`) of the rows
        dropped because their target is missing.
    """

    frame: pd.DataFrame
    name: str
    classes: tuple
    dropped_rows: tuple[int, ...]

    @property
    def notice(self) -> str | None:
        """A sentence about the dropped rows for the user, or None when none were dropped."""
        if not self.dropped_rows:
            return None
        return (
            f"{len(self.dropped_rows)} rows have no value in target column {self.name!r} "
            f"and were dropped (data rows {_some_rows(self.dropped_rows)})."
        )


def closest_names(name: str, candidates: Iterable[str]) -> list[str]:
    """Column names that look like ``name``: same but for case first, then similar spellings.

    Parameters
    ----------
    name : str
        The name the user typed.
    candidates : iterable of str
        The names that exist.

    Returns
    -------
    list of str
        At most three candidates, best first; empty when none is close.
    """
    candidates = [str(candidate) for candidate in candidates]
    key = name.strip().casefold()
    same = [candidate for candidate in candidates if candidate.strip().casefold() == key]
    by_key = {candidate.strip().casefold(): candidate for candidate in candidates}
    similar = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)]
    return list(dict.fromkeys(same + similar))[:3]


def unknown_columns_message(names: Sequence[str], columns: Sequence[str], where: str) -> str:
    """Say that ``names`` are not among ``columns``, with the closest names for each.

    Parameters
    ----------
    names : sequence of str
        The names that were not found.
    columns : sequence of str
        The columns that exist.
    where : str
        What was searched, e.g. ``"titanic.csv"``.

    Returns
    -------
    str
        One sentence per missing name, then the list of existing columns.
    """
    parts = []
    for name in names:
        suggestions = closest_names(name, columns)
        hint = f" (did you mean {_quoted(suggestions, 'or')}?)" if suggestions else ""
        parts.append(f"no column {name!r} in {where}{hint}")
    return "; ".join(parts) + f". The columns are: {', '.join(map(str, columns))}."


def read_csv(path: str | Path) -> Table:
    """Read a CSV file, detecting its delimiter, and refuse files that are not tables.

    The delimiter is the one of comma, semicolon, tab and vertical bar that splits
    the first lines into the same number of fields, more than one (quotes are
    respected, so ``"Braund, Mr. Owen Harris"`` is one field). The encoding is
    UTF-8 (with or without a byte-order mark), else Latin-1.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read.

    Returns
    -------
    Table
        The data frame, the path and the delimiter found.

    Raises
    ------
    DataError
        When the file is missing, empty, binary, not a table, or has no data rows.
    """
    path = Path(path)
    sample = _read_sample(path)
    encoding, text = _decode(sample, path)
    delimiter = _detect_delimiter(text, truncated=len(sample) == _SAMPLE_BYTES, path=path)
    try:
        frame = pd.read_csv(path, sep=delimiter, encoding=encoding)
    except pd.errors.EmptyDataError as err:
        raise DataError(f"{path} has no columns; {_A_CSV_FILE}") from err
    except pd.errors.ParserError as err:
        raise DataError(
            f"{path} is not a regular table with delimiter {_DELIMITERS[delimiter]} "
            f"{delimiter!r}: {err}; fix that line (a field with the delimiter in it must "
            'be quoted: "Braund, Mr. Owen Harris").'
        ) from err
    except UnicodeDecodeError as err:
        raise DataError(
            f"{path} is not UTF-8 text after its first {_SAMPLE_BYTES} bytes ({err.reason}); "
            "save it as UTF-8 (in Excel: CSV UTF-8)."
        ) from err
    if frame.empty:
        raise DataError(
            f"{path} has a header (columns {', '.join(map(str, frame.columns))}) "
            f"but no data rows; {_A_CSV_FILE}"
        )
    return Table(frame=frame, path=path, delimiter=delimiter)


TASKS = ("auto", "classification", "regression")


def infer_task(values: pd.Series, task: str = "auto") -> str:
    """Decide whether a target column is classes or numbers to predict.

    Parameters
    ----------
    values : pandas.Series
        The target column (missing values are ignored).
    task : {'auto', 'classification', 'regression'}, default='auto'
        'auto' decides; the other two are returned as they are (the user's choice).

    Returns
    -------
    {'classification', 'regression'}
        'regression' for a numeric column (not booleans) with more than 20 distinct
        values: a measurement, not classes. Anything else is classes.

    Raises
    ------
    DataError
        When ``task`` is not one of ``TASKS``.
    """
    if task not in TASKS:
        raise DataError(f"--task {task!r} is not a task; choose one of {', '.join(TASKS)}.")
    if task != "auto":
        return task
    values = values.dropna()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    return "regression" if numeric and values.nunique() > _MAX_CLASSES else "classification"


def check_target(
    frame: pd.DataFrame,
    target: str,
    path: str | Path,
    option: str = "--target",
    task: str = "classification",
) -> Target:
    """Check that ``target`` is a column with at least two classes; drop rows without one.

    A row with a missing target cannot be learnt from nor scored, so it is
    dropped rather than refused; `Target.notice` says so for the user.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data, e.g. ``read_csv(path).frame``.
    target : str
        The column to predict.
    path : str or pathlib.Path
        The file the data came from, for messages.
    option : str, default='--target'
        How the user names the target where they read the message (the command
        line's option, a menu on a page).
    task : {'classification', 'regression'}, default='classification'
        A regression target must be numbers, and may have any number of them.

    Returns
    -------
    Target
        The rows with a target value, the classes and the dropped rows.

    Raises
    ------
    DataError
        When the column does not exist (the message suggests the closest names),
        has no values, has a single class, or has so many distinct values (more
        than 20, and more than half the rows) that it cannot be classes.
    """
    if target not in frame.columns:
        raise DataError(
            unknown_columns_message([target], list(frame.columns), str(path))
            + f" Choose the column to predict with {option}."
        )
    missing = frame[target].isna().to_numpy()
    kept = frame.loc[~missing].reset_index(drop=True)
    classes = tuple(sorted(pd.unique(kept[target]).tolist()))
    if len(classes) == 0:
        raise DataError(
            f"target column {target!r} in {path} has no values in any of its "
            f"{len(frame)} rows; choose another column with {option}."
        )
    if len(classes) == 1:
        raise DataError(
            f"target column {target!r} in {path} has a single value ({classes[0]!r}) in all "
            f"{len(kept)} rows that have one; a classifier needs at least two classes. "
            f"Check that {option} names the right column and that the file is complete."
        )
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(kept[target]):
            raise DataError(
                f"target column {target!r} in {path} holds text ({classes[0]!r}, ...), not "
                "numbers: it cannot be a regression target. Leave out --task regression to "
                "predict it as classes."
            )
    elif len(classes) > _MAX_CLASSES and len(classes) > len(kept) / 2:
        raise DataError(
            f"target column {target!r} in {path} has {len(classes)} distinct values in "
            f"{len(kept)} rows: it looks like a measurement or an identifier, not classes. "
            f"Check that {option} names the column to predict (numbers are predicted as "
            "numbers with --task regression)."
        )
    return Target(
        frame=kept,
        name=target,
        classes=classes,
        dropped_rows=tuple(np.flatnonzero(missing).tolist()),
    )


def check_prediction_columns(
    frame: pd.DataFrame,
    training_columns: Sequence[str],
    path: str | Path,
    target: str | None = None,
) -> list[str]:
    """Check that data for prediction have the columns the model was trained on.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data to predict for.
    training_columns : sequence of str
        The feature columns the model was trained on.
    path : str or pathlib.Path
        The file the data came from, for messages.
    target : str, optional
        The training target; it may be present (labelled test data) and is not
        reported as extra.

    Returns
    -------
    list of str
        The columns that the model does not use, in file order, for a notice that
        they are ignored.

    Raises
    ------
    DataError
        When a training column is missing; the message names it.
    """
    missing = [column for column in training_columns if column not in frame.columns]
    if missing:
        raise DataError(
            f"{path} lacks {_plural(len(missing), 'column')} the model was trained on: "
            + unknown_columns_message(missing, list(frame.columns), str(path))
            + f" The model needs: {', '.join(training_columns)}."
        )
    used = set(training_columns) | {target}
    return [column for column in frame.columns if column not in used]


_A_CSV_FILE = (
    "a CSV file needs a header line naming the columns, then one line per row, "
    "e.g. 'PassengerId,Survived,Pclass,Age' then '1,0,3,22'."
)


def _read_sample(path: Path) -> bytes:
    if not path.exists():
        raise DataError(
            f"{path} does not exist (looked in {path.resolve().parent}); check the file name."
        )
    if not path.is_file():
        raise DataError(f"{path} is not a file; give the path of a CSV file.")
    with path.open("rb") as file:
        sample = file.read(_SAMPLE_BYTES)
    if not sample.strip():
        raise DataError(f"{path} is empty; {_A_CSV_FILE}")
    return sample


def _decode(sample: bytes, path: Path) -> tuple[str, str]:
    # Text files do not contain NUL bytes; spreadsheets, zips and pickles do.
    not_text = f"{path} is not a text file (its bytes are not text); {_A_CSV_FILE}"
    if b"\x00" in sample:
        if sample.startswith(b"PK"):
            not_text += " It looks like a zip archive or an .xlsx workbook: save it as CSV."
        raise DataError(not_text)
    # Incremental, so that a character cut at the end of the sample is not an error.
    try:
        encoding, text = "utf-8-sig", codecs.getincrementaldecoder("utf-8-sig")().decode(sample)
    except UnicodeDecodeError:
        encoding, text = "latin-1", sample.decode("latin-1")
    control = sum(1 for char in text if char not in "\t\r\n" and unicodedata.category(char) == "Cc")
    if control > _MAX_CONTROL_FRACTION * len(text):
        raise DataError(not_text)
    return encoding, text


def _detect_delimiter(text: str, truncated: bool, path: Path) -> str:
    counts = {delimiter: _field_counts(text, delimiter, truncated) for delimiter in _DELIMITERS}
    regular = {
        delimiter: fields[0]
        for delimiter, fields in counts.items()
        if fields and fields[0] > 1 and len(set(fields)) == 1
    }
    if regular:
        # Ties go to the comma, the first in _DELIMITERS.
        return max(regular, key=regular.get)
    if all(fields and max(fields) == 1 for fields in counts.values()):
        return ","  # a table of one column
    comma = counts[","]
    raise DataError(
        f"{path} does not look like a CSV table: its first lines do not split into the same "
        f"number of fields with any of comma, semicolon, tab or vertical bar (with commas, "
        f"the header has {_plural(comma[0] if comma else 0, 'field')} and the following lines "
        f"{' or '.join(map(str, sorted(set(comma[1:]))))}); {_A_CSV_FILE}"
    )


def _field_counts(text: str, delimiter: str, truncated: bool) -> list[int]:
    try:
        records = []
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if record:  # blank lines
                records.append(len(record))
            if len(records) > _SAMPLE_RECORDS:
                break
    except csv.Error:
        return []
    # The sample may end mid-line; that last record says nothing.
    if truncated or len(records) > _SAMPLE_RECORDS:
        records = records[:-1]
    return records


def _some_rows(positions: Sequence[int], shown: int = 5) -> str:
    # Counted from 1 below the header, as a spreadsheet user counts them.
    listed = ", ".join(str(position + 1) for position in positions[:shown])
    return listed + (", ..." if len(positions) > shown else "")


def _quoted(names: Sequence[str], conjunction: str) -> str:
    quoted = [repr(name) for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
