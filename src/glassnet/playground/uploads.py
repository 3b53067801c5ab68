"""CSV files the students upload: kept on disk under their SHA-256, read with limits.

A file is read from the request while it streams and refused as soon as it passes
the size limit, so nothing larger is ever stored. Files are named by the hash of
their bytes, so a link to a run on an uploaded file names the file, not a path on
the server, and the same file uploaded twice is stored once.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pandas as pd

from glassnet.playground.datasets import COURSE_COLUMNS, MAX_CLASSES
from glassnet.workflow.data import DataError, read_csv


class UploadError(ValueError):
    """An upload the playground refuses; the message says why and what to do.

    Attributes
    ----------
    status : int
        The HTTP status to answer with.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Uploads:
    """The uploaded files, at most ``max_files`` of them, oldest dropped first.

    Parameters
    ----------
    max_bytes : int
        Largest file accepted.
    max_files : int
        Files kept; the oldest is removed when a new one would pass this.
    """

    def __init__(self, max_bytes: int, max_files: int = 64) -> None:
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.folder = Path(tempfile.mkdtemp(prefix="glassnet-playground-"))
        self._files: OrderedDict[str, Path] = OrderedDict()
        self._lock = threading.Lock()

    def close(self) -> None:
        """Remove every uploaded file."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def path(self, digest: str) -> Path:
        """Return the stored file with this SHA-256 (UploadError when it is not here)."""
        with self._lock:
            found = self._files.get(digest)
            if found is not None:
                self._files.move_to_end(digest)
        if found is None or not found.exists():
            raise UploadError(
                "the uploaded CSV file of this run is no longer on the server (it keeps "
                f"the latest {self.max_files} uploads, and none after a restart); upload it again.",
                status=404,
            )
        return found

    async def receive(self, name: str, chunks: AsyncIterator[bytes]) -> tuple[str, Path]:
        """Store a file from its streamed chunks; returns its SHA-256 and path.

        Raises UploadError (413) the moment the stream passes ``max_bytes``; the
        partial file is removed.
        """
        safe = _safe_name(name)
        digest = hashlib.sha256()
        part = self.folder / f"incoming-{threading.get_ident()}-{id(chunks)}"
        size = 0
        try:
            with part.open("wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise UploadError(
                            f"{safe} is larger than the playground's limit of "
                            f"{self.max_bytes / 1e6:g} MB; upload a smaller sample of it.",
                            status=413,
                        )
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise UploadError(f"{safe} is empty; choose a CSV file with a header and rows.")
            key = digest.hexdigest()
            folder = self.folder / key
            folder.mkdir(exist_ok=True)
            path = folder / safe
            part.replace(path)
        finally:
            part.unlink(missing_ok=True)
        with self._lock:
            self._files[key] = path
            self._files.move_to_end(key)
            while len(self._files) > self.max_files:
                _, old = self._files.popitem(last=False)
                shutil.rmtree(old.parent, ignore_errors=True)
        return key, path


def describe(path: Path) -> dict[str, Any]:
    """Describe the columns of an uploaded CSV for the page's menus, and suggest a choice.

    Raises
    ------
    UploadError
        When the file is not a table (the reason from :func:`read_csv`), or has
        fewer than two numeric columns and a third to label by.
    """
    try:
        frame = read_csv(path).frame
    except DataError as err:
        raise UploadError(str(err).replace(str(path.parent) + "/", "")) from err
    columns = []
    for name in frame.columns:
        values = frame[name]
        columns.append(
            {
                "name": str(name),
                "numeric": bool(pd.api.types.is_numeric_dtype(values)),
                "missing": int(values.isna().sum()),
                "distinct": int(values.nunique()),
            }
        )
    numeric = [c["name"] for c in columns if c["numeric"] and c["missing"] < len(frame)]
    labels = [c["name"] for c in columns if 2 <= c["distinct"] <= MAX_CLASSES]
    if len(numeric) < 2 or not labels or len(frame.columns) < 3:
        raise UploadError(
            f"{path.name} needs two numeric columns to place the points and a column of "
            f"2 to {MAX_CLASSES} classes to colour them; it has {len(numeric)} numeric "
            f"column(s) ({', '.join(numeric) or 'none'}) among {len(frame.columns)}."
        )
    suggested = _suggest(list(frame.columns), numeric, labels)
    return {"name": path.name, "rows": len(frame), "columns": columns, "suggested": suggested}


def _suggest(names: list[str], numeric: list[str], labels: list[str]) -> dict[str, str]:
    """Suggest the course's columns when they are there; else a label-like one and two numbers."""
    if all(c in names for c in COURSE_COLUMNS):
        return dict(zip(("x1", "x2", "label"), COURSE_COLUMNS, strict=True))
    usual = ("survived", "label", "target", "class", "y")
    label = next((n for n in labels if n.lower() in usual), labels[-1])
    inputs = [n for n in numeric if n != label]
    return {"x1": inputs[0], "x2": inputs[1] if len(inputs) > 1 else inputs[0], "label": label}


def _safe_name(name: str) -> str:
    """Make a file name without folders or odd characters, ending in .csv."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "upload").name).strip("._") or "upload"
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    return stem[:76] + ".csv"
