"""Checking an uploaded submission CSV, with messages that never echo solution data.

A message may quote what the team sent (its header, its IDs, its values) and what
students are given anyway (the expected header, the test IDs, the labels that occur
in the training file, the number of test rows) — never a hidden label.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# How many IDs or lines a message quotes before "...".
SHOWN = 5


class SubmissionError(ValueError):
    """A submission file that cannot be scored; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FileSpec:
    """What a competition's submission file must look like.

    Attributes
    ----------
    id_column, target : str
        The header's two columns.
    ids : sequence of str
        The test IDs, in solution order.
    classes : sequence of str
        The labels (as text) of the training file.
    wants : {"labels", "probabilities"}
        What the metric scores.
    positive_label : str
        The label whose probability a probability submission gives.
    max_bytes : int
        Larger files are refused.
    """

    id_column: str
    target: str
    ids: Sequence[str]
    classes: Sequence[str]
    wants: str
    positive_label: str
    max_bytes: int

    @property
    def header(self) -> str:
        """The expected first line."""
        return f"{self.id_column},{self.target}"


def normalise_label(text: str) -> str:
    """Write a label as the solution does: ``" 1.0 "`` and ``"1"`` are the same label."""
    text = text.strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and number == int(number):
        return str(int(number))
    return text


def read_submission(content: bytes, spec: FileSpec) -> np.ndarray:
    """Check a submission file and return its predictions in solution order.

    Parameters
    ----------
    content : bytes
        The uploaded file.
    spec : FileSpec
        The competition's expectations.

    Returns
    -------
    numpy.ndarray
        Labels (as text) or probabilities (float), aligned with ``spec.ids``.

    Raises
    ------
    SubmissionError
        With a message saying what is wrong and how to fix it.
    """
    rows = _rows(_text(content, spec), spec)
    by_id = _check_ids([row[0] for row in rows], spec)
    values = [rows[by_id[row_id]][1] for row_id in spec.ids]
    lines = [by_id[row_id] + 2 for row_id in spec.ids]  # line 1 is the header
    if spec.wants == "labels":
        return _labels(values, lines, spec)
    return _probabilities(values, lines, spec)


def _text(content: bytes, spec: FileSpec) -> str:
    if len(content) > spec.max_bytes:
        raise SubmissionError(
            f"The file is too large: {len(content):,} bytes; the limit is {spec.max_bytes:,}. "
            "A submission holds only two columns, "
            f"{spec.header}: leave out every other column.",
            status=413,
        )
    if not content.strip():
        raise SubmissionError(
            f"The file is empty. Upload a CSV file whose first line is {spec.header} "
            f"followed by one line per test row ({len(spec.ids)} rows)."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SubmissionError(
            f"The file is not UTF-8 text (byte 0x{content[err.start]:02x} at position "
            f"{err.start} cannot be read). Save it as CSV in UTF-8 (in a spreadsheet: "
            "'CSV UTF-8'), or upload the CSV file itself, not a spreadsheet or archive."
        ) from None


def _rows(text: str, spec: FileSpec) -> list[list[str]]:
    """Split into rows; check the header and that every row has two fields."""
    if "\x00" in text:
        raise SubmissionError("The file holds binary data (NUL bytes); upload a CSV text file.")
    if _plain(text):
        rows = plain_rows(text)
    else:
        # newline="": the csv module's own line ends, CR alone too (Excel's "CSV (Macintosh)").
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            # A row of blank cells only is skipped (join: one call per row, not per cell).
            rows = [row for row in reader if "".join(row).strip()]
        except csv.Error as err:
            raise SubmissionError(_csv_error_message(err, reader.line_num, spec)) from None
    if not rows:
        raise SubmissionError(
            f"The file has no values, only separators. Its first line should be {spec.header}."
        )
    header = [cell.strip() for cell in rows[0]]
    if header != [spec.id_column, spec.target]:
        raise SubmissionError(_header_message(header, spec))
    bad = [n + 2 for n, row in enumerate(rows[1:]) if len(row) != 2]
    if bad:
        raise SubmissionError(
            f"{_count(len(bad), 'line')} should have 2 fields ({spec.header}) but "
            f"{'does' if len(bad) == 1 else 'do'} not: line {_some(bad)}. "
            "Check for extra commas or missing values."
        )
    if len(rows) == 1:
        raise SubmissionError(
            f"The file has a header but no predictions; add one line per test row "
            f"({len(spec.ids)} rows)."
        )
    return [[first.strip(), second.strip()] for first, second in rows[1:]]


# ASCII characters other than LF and CR that str.splitlines ends a line at, and csv not.
_OTHER_LINE_ENDS = re.compile("[\x0b\x0c\x1c\x1d\x1e]")


def _plain(text: str) -> bool:
    """Whether ``line.split(",")`` reads `text` exactly as the csv module would.

    ASCII without quotes (nothing to unquote), without the characters splitlines would
    also end a line at, and shorter than the csv module's field limit (so no field of
    it would have been refused).
    """
    return (
        text.isascii()
        and '"' not in text
        and len(text) <= csv.field_size_limit()
        and _OTHER_LINE_ENDS.search(text) is None
    )


def plain_rows(text: str) -> list[list[str]]:
    """Read the rows of a :func:`_plain` text as the csv module would, blank rows left out.

    Without the csv module's per-row cost: no quotes to undo, and line ends of LF, CRLF
    or CR alone (in such a text, ASCII splitlines splits on those only).
    """
    return [line.split(",") for line in text.splitlines() if line.replace(",", "").strip()]


def _csv_error_message(err: csv.Error, line: int, spec: FileSpec) -> str:
    if "field larger than field limit" in str(err):
        return (
            f"The file cannot be read as CSV: line {line} has a field of more than "
            f"{csv.field_size_limit():,} characters (a quote left open runs to the end of "
            f"the file). Each line holds one ID and one prediction: {spec.header}."
        )
    return f"The file cannot be read as CSV (line {line}: {err}). Save it as CSV again."


def _header_message(header: list[str], spec: FileSpec) -> str:
    received = ",".join(header)[:200]
    if header and header[0] in set(spec.ids):
        return (
            f"The header line is missing: the first line should be {spec.header}, "
            f"but it looks like a prediction ({received}). Add the header line."
        )
    return (
        f"The header should be {spec.header} (those two columns only); "
        f"received {received}. Rename the columns or leave out the extra ones."
    )


def _check_ids(ids: list[str], spec: FileSpec) -> dict[str, int]:
    """Map each test ID to its row; refuse duplicate, unknown and missing IDs."""
    problems = []
    if len(ids) != len(spec.ids):
        problems.append(f"The file has {len(ids)} rows; the test set has {len(spec.ids)}.")
    duplicates = [row_id for row_id, n in Counter(ids).items() if n > 1]
    if duplicates:
        problems.append(
            f"{_count(len(duplicates), 'ID')} {_are(duplicates, 'appears', 'appear')} more than "
            f"once: {_some(duplicates)}."
        )
    known = set(spec.ids)
    unknown = [row_id for row_id in dict.fromkeys(ids) if row_id not in known]
    if unknown:
        problems.append(
            f"{_count(len(unknown), 'ID')} {_are(unknown)} not test IDs ({spec.id_column}): "
            f"{_some([u[:40] for u in unknown])}."
        )
    present = set(ids)
    missing = [row_id for row_id in spec.ids if row_id not in present]
    if missing:
        problems.append(
            f"{_count(len(missing), 'test ID')} {_are(missing)} missing: {_some(missing)}."
        )
    if problems:
        problems.append("Submit exactly one line per test ID, as in sample_submission.csv.")
        raise SubmissionError(" ".join(problems))
    return {row_id: n for n, row_id in enumerate(ids)}


def _labels(values: list[str], lines: list[int], spec: FileSpec) -> np.ndarray:
    # A few distinct texts ("0", "1", "1.0") over many rows: each normalised once.
    normalised = {v: normalise_label(v) for v in set(values)}
    labels = np.array([normalised[v] for v in values], dtype=object)
    classes = set(spec.classes)
    if all(label in classes for label in normalised.values()):
        return labels
    bad = [n for n, label in enumerate(labels) if label not in classes]
    choices = ", ".join(spec.classes)
    if _all_probabilities(values):
        raise SubmissionError(
            f"The {spec.target} column holds probabilities (e.g. {values[bad[0]][:20]} on line "
            f"{lines[bad[0]]}), but this competition scores labels: write one of {choices} "
            "per row (predict, not predict_proba)."
        )
    shown = sorted(bad, key=lambda n: lines[n])
    kind = "numbers" if all(_is_number(c) for c in spec.classes) else "labels"
    empty = " or empty" if any(not values[n] for n in bad) else ""
    raise SubmissionError(
        f"{_count(len(bad), 'prediction')} of {spec.target} {_are(bad)} not one of the labels "
        f"{choices}{empty}: line {_some([f'{lines[n]} ({values[n][:20]!r})' for n in shown])}. "
        f"Every prediction must be one of the {kind} {choices}."
    )


def _probabilities(values: list[str], lines: list[int], spec: FileSpec) -> np.ndarray:
    if all(normalise_label(v) in set(spec.classes) for v in values):
        raise SubmissionError(
            f"The {spec.target} column holds labels ({', '.join(sorted(set(values))[:4])}), "
            f"but this competition scores probabilities: write each row's probability that "
            f"{spec.target} is {spec.positive_label}, a number from 0 to 1 (predict_proba)."
        )
    numbers = np.array([_number(v) for v in values])
    not_numbers = [n for n in np.flatnonzero(np.isnan(numbers))]
    if not_numbers:
        raise SubmissionError(
            f"{_count(len(not_numbers), 'prediction')} of {spec.target} "
            f"{_are(not_numbers, 'is not a number', 'are not numbers')}: line "
            f"{_some(_quoted(not_numbers, values, lines))}. Write a probability from 0 to 1."
        )
    outside = [n for n in np.flatnonzero((numbers < 0) | (numbers > 1))]
    if outside:
        raise SubmissionError(
            f"{_count(len(outside), 'probability', 'probabilities')} of {spec.target} "
            f"{_are(outside, 'lies', 'lie')} outside "
            f"0 to 1: line {_some(_quoted(outside, values, lines))}."
        )
    return numbers


def _quoted(rows: list[int], values: list[str], lines: list[int]) -> list[str]:
    return [f"{lines[n]} ({values[n][:20]!r})" for n in sorted(rows, key=lambda n: lines[n])]


def _number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        return math.nan
    return number if math.isfinite(number) else math.nan


def _is_number(text: str) -> bool:
    return not math.isnan(_number(text))


def _all_probabilities(values: list[str]) -> bool:
    numbers = [_number(v) for v in values]
    return all(0 <= x <= 1 for x in numbers) and any(0 < x < 1 for x in numbers)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _are(items: Sequence[object], one: str = "is", many: str = "are") -> str:
    return one if len(items) == 1 else many


def _some(items: Sequence[object]) -> str:
    shown = ", ".join(str(item) for item in items[:SHOWN])
    return shown + (", ..." if len(items) > SHOWN else "")
