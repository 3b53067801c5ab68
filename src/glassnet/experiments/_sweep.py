"""A sweep: one search per cell of a grid of data and model settings, saved as it goes.

Each cell makes a data set (two moons, say, with so many rows and so much noise)
and asks :func:`smallest_network` how small a network solves it. Rows are appended
to a CSV file the moment their cell finishes, beside a small JSON file that
describes the sweep, so an interrupted sweep picks up where it stopped and a file
from another sweep is never mixed in.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import numbers
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.datasets import make_circles, make_moons

from glassnet._extras import need
from glassnet._files import write_atomically
from glassnet.experiments._result import SmallestNetwork
from glassnet.experiments._runner import run_tasks
from glassnet.experiments._search import smallest_network

Array = np.ndarray
Key = tuple[str, ...]  # a cell's settings as written in the CSV file

DATASETS: dict[str, Callable[[int, float, int], tuple[Array, Array]]] = {
    "moons": lambda n, noise, seed: make_moons(n, noise=noise, random_state=seed),
    "circles": lambda n, noise, seed: make_circles(n, noise=noise, factor=0.5, random_state=seed),
}
TASKS = ("smallest_network",)
DATA_SETTINGS = ("n_samples", "noise", "test_size")

# What each cell reports, and how a value is read back from the CSV file.
RESULTS: dict[str, Callable[[str], Any]] = {
    "solved": lambda text: {"True": True, "False": False}[text],
    "units": float,
    "layers": float,
    "n_parameters": float,
    "success_rate": float,
    "n_fits": int,
    "seconds": float,
}
_DESCRIBED = {
    "solved": ("solved", "{:.0f}"),
    "units": ("units per layer of the smallest network", "{:.0f}"),
    "layers": ("hidden layers of the smallest network", "{:.0f}"),
    "n_parameters": ("parameters of the smallest network", "{:.0f}"),
    "success_rate": ("share of seeds the smallest network solved", "{:.0%}"),
    "n_fits": ("networks fitted", "{:.0f}"),
    "seconds": ("seconds per cell", "{:.1f}"),
}
# Arguments of sweep itself, which a model grid cannot vary.
_SWEEP_OWNS = {
    "data",
    "task",
    "target",
    "seeds",
    "out",
    "n_jobs",
    "scheduler",
    "data_seed",
    "X",
    "y",
}


def sweep(
    data: str | tuple[Any, Any] = "moons",
    *,
    n_samples: Any = None,
    noise: Any = None,
    test_size: Any = (0.3,),
    model_grid: Mapping[str, Iterable[Any]] | None = None,
    task: str = "smallest_network",
    target: float = 0.97,
    seeds: int = 10,
    out: str | os.PathLike[str] | None = None,
    n_jobs: int | None = None,
    scheduler: Any = None,
    data_seed: int = 0,
    progress: Callable[[int, int, dict[str, Any]], None] | None = None,
    **search_params: Any,
) -> SweepResult:
    """Run the smallest-network search on every cell of a grid of settings.

    The grid crosses the data settings (``n_samples`` × ``noise`` ×
    ``test_size``) with ``model_grid``. Each cell draws its data set with
    ``data_seed`` and calls ``smallest_network(X, y, target=target,
    seeds=seeds, test_size=..., **model settings, **search_params)``.
    On your own data (``data=(X, y)``) there is no noise to vary: each cell
    takes ``n_samples`` of the rows (a stratified draw with ``data_seed``; all
    of them by default) and crosses that with ``test_size`` and ``model_grid``.

    Parameters
    ----------
    data : {'moons', 'circles'} or (X, y), default='moons'
        The problem: scikit-learn's ``make_moons``, or ``make_circles`` with
        ``factor=0.5``; or a data set, ``X`` numeric of shape (n_rows,
        n_features) (already encoded and scaled) and ``y`` its labels.
    n_samples, noise, test_size : value or sequence of values
        The data settings to cross: rows drawn (default 1000; with ``(X, y)``,
        rows taken, default all), standard deviation of the Gaussian noise
        (default 0.1; not with ``(X, y)``), and share of the rows held out for
        scoring (default 0.3).
    model_grid : dict of str to list, optional
        Settings of the search or the network to cross with the data, e.g.
        ``{'activation': ['tanh', 'relu'], 'max_units': [8, 16]}``.
    task : {'smallest_network'}, default='smallest_network'
        What each cell runs. Plain fits (``'fit'``) are not implemented yet.
    target : float, default=0.97
        The accuracy a network must reach; see :func:`smallest_network`.
    seeds : int, default=10
        Seeds per architecture; see :func:`smallest_network`.
    out : str or path, optional
        A ``.csv`` or ``.parquet`` file that receives each row as soon as its
        cell finishes, with ``out + '.sweep.json'`` describing the sweep beside
        it. A CSV file is appended to; a Parquet file, which cannot be, is
        rewritten whole (a temporary file renamed over it) after each cell. When the
        file exists, cells already in it are read, not run again; the file must
        come from the same sweep (data, data_seed, task, target, seeds, search
        parameters, names of the grid's settings and glassnet version), but the
        grid's values may differ, so a grid can grow.
    n_jobs : int or None, default=None
        Run the cells in that many joblib processes (-1: one per processor).
        None runs them here, one after the other. The table is the same.
    scheduler : str, dask.distributed.Client or None, default=None
        Run the cells on a Dask cluster instead: the scheduler's address
        (``'tcp://10.0.0.5:8786'``, connected for this sweep and closed after)
        or a connected ``Client`` (left open). Its workers need glassnet
        installed; ``out`` is still written by this process only. The table is
        the same; give ``n_jobs`` or ``scheduler``, not both.
    data_seed : int, default=0
        ``random_state`` of the data generator, the same for every cell.
    progress : callable, optional
        Called in this process as ``progress(done, total, row)`` after each
        cell run now: cells finished so far, cells to run in this call, and the
        cell's settings and results as one dict (``row['n_fits']`` networks).
    **search_params
        Passed to every :func:`smallest_network` call, e.g. ``max_units=16`` or
        ``max_iter=500``.

    Returns
    -------
    SweepResult
        ``table`` with one row per cell, ``heatmap()``, and how many cells were
        run now and how many were read from ``out``.

    Raises
    ------
    ValueError
        When the grid has no cells, a setting is out of range or repeated,
        ``data``, ``task`` or ``out``'s suffix is unknown, ``out`` belongs to
        another sweep, both ``n_jobs`` and ``scheduler`` are given, or no Dask
        scheduler answers at the address (``SchedulerError``, after 10 s at most).
    NotImplementedError
        For ``task='fit'``.

    Notes
    -----
    Only this process writes ``out``: each CSV row is one unbuffered write of a
    whole line followed by ``fsync``, so a crash loses at most the cells that
    were running, and a half-written last line is cut off on the next run; a
    Parquet file is replaced atomically, so it always holds whole cells.
    Rows read back keep the ``seconds`` of the run that made them. Two sweeps
    must not write the same file at the same time.

    Examples
    --------
    >>> from glassnet.experiments import sweep
    >>> result = sweep(n_samples=[200, 400], noise=[0.05, 0.3], seeds=2, max_units=4)
    >>> result.table[["n_samples", "noise", "solved", "units"]]
       n_samples  noise  solved  units
    0        200   0.05    True    4.0
    1        200   0.30   False    NaN
    2        400   0.05    True    4.0
    3        400   0.30   False    NaN
    """
    arrays = _check_names(data, task)
    if arrays is None:
        data_grid = {
            "n_samples": (1000,) if n_samples is None else n_samples,
            "noise": (0.1,) if noise is None else noise,
            "test_size": test_size,
        }
    else:
        if noise is not None:
            raise ValueError(
                f"noise={noise!r} is a setting of the generated problems (moons, circles); "
                "your own data has the noise it has. Leave noise out, or vary n_samples "
                "(rows taken) and test_size."
            )
        data_grid = {
            "n_samples": (len(arrays[1]),) if n_samples is None else n_samples,
            "test_size": test_size,
        }
    settings, cells = _grid(data_grid, model_grid or {}, search_params)
    if arrays is not None:
        _check_rows_taken(data_grid["n_samples"], arrays[1])
    named = data if arrays is None else _fingerprint(*arrays)
    description = {
        "task": task,
        "data": named,
        "data_seed": data_seed,
        "settings": list(settings),
        "target": target,
        "seeds": seeds,
        "search_params": search_params,
    }
    stream = _stream(Path(out), description, settings) if out is not None else None
    finished = stream.read() if stream is not None else {}
    todo = [cell for cell in cells if _key(cell) not in finished]
    run = functools.partial(
        _run_cell,
        data=data if arrays is None else arrays,
        data_seed=data_seed,
        target=target,
        seeds=seeds,
        **search_params,
    )
    try:
        results = run_tasks(run, todo, n_jobs=n_jobs, scheduler=scheduler)
        for done, (cell, row) in enumerate(results, start=1):
            if stream is not None:
                stream.append(cell, row)
            finished[_key(cell)] = row
            if progress is not None:
                progress(done, len(todo), {**cell, **row})
    finally:
        if stream is not None:
            stream.close()
    table = pd.DataFrame(
        [{**cell, **finished[_key(cell)]} for cell in cells], columns=[*settings, *RESULTS]
    )
    return SweepResult(
        table=table,
        settings=settings,
        task=task,
        data=named,
        target=target,
        seeds=seeds,
        n_run=len(todo),
        n_skipped=len(cells) - len(todo),
        out=None if out is None else Path(out),
    )


def _run_cell(
    cell: dict[str, Any],
    *,
    data: str | tuple[Array, Array],
    data_seed: int,
    target: float,
    seeds: int,
    **params: Any,
) -> dict[str, Any]:
    """Draw one cell's data, search it, and return the cell's results (see RESULTS)."""
    start = time.perf_counter()
    if isinstance(data, str):
        X, y = DATASETS[data](cell["n_samples"], cell["noise"], data_seed)
    else:
        X, y = _rows_taken(*data, cell["n_samples"], data_seed)
    model = {name: value for name, value in cell.items() if name not in ("n_samples", "noise")}
    found = smallest_network(X, y, target=target, seeds=seeds, **model, **params)
    return _results(found, seconds=time.perf_counter() - start)


def _results(found: SmallestNetwork, seconds: float) -> dict[str, Any]:
    """One cell's row: the answer in numbers, NaN where nothing solved."""
    hidden = found.hidden_layer_sizes
    return {
        "solved": bool(found.solved),
        "units": float(hidden[0]) if hidden else np.nan,
        "layers": float(len(hidden)) if hidden else np.nan,
        "n_parameters": float(found.n_parameters) if hidden else np.nan,
        "success_rate": float(found.success_rate) if hidden else np.nan,
        "n_fits": len(found.scores),
        "seconds": float(seconds),
    }


# ------------------------------------------------------------------ the grid


def _check_names(data: Any, task: str) -> tuple[Array, Array] | None:
    """Check ``data`` and ``task``; return the arrays of ``data=(X, y)``, else None."""
    arrays = None
    if isinstance(data, tuple):
        arrays = _check_arrays(data)
    elif data not in DATASETS:
        raise ValueError(
            f"data={data!r} is unknown; use one of {', '.join(DATASETS)}, or pass your own "
            "data set as data=(X, y)."
        )
    if task == "fit":
        raise NotImplementedError(
            "task='fit' (one plain fit per cell) is not implemented yet; use "
            "task='smallest_network'."
        )
    if task not in TASKS:
        raise ValueError(f"task={task!r} is unknown; use one of {', '.join(TASKS)}.")
    return arrays


def _check_arrays(data: tuple[Any, Any]) -> tuple[Array, Array]:
    if len(data) != 2:
        raise ValueError(f"data is a tuple of {len(data)} items; give data=(X, y).")
    X, y = np.asarray(data[0]), np.asarray(data[1])
    if X.ndim != 2 or not np.issubdtype(X.dtype, np.number):
        raise ValueError(
            f"data=(X, y): X must be a numeric 2-D array (rows x features), not {X.dtype} of "
            f"shape {X.shape}; encode and scale it first (glassnet sweep --data does)."
        )
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"data=(X, y): y must hold one label per row of X ({len(X)}), not shape {y.shape}."
        )
    if not np.isfinite(X).all():
        row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"data=(X, y): X row {row} holds NaN or infinity; fill or drop it.")
    return X, y


def _fingerprint(X: Array, y: Array) -> str:
    """Name a data set by its content, so that a results file of other data is refused."""
    digest = hashlib.sha256()
    for part in (X, y.astype(str)):
        digest.update(str(part.shape).encode())
        digest.update(np.ascontiguousarray(part).tobytes())
    return f"arrays {digest.hexdigest()[:16]} ({X.shape[0]} rows x {X.shape[1]} features)"


def _check_rows_taken(values: list[Any], y: Array) -> None:
    for n in values:
        if n > len(y):
            raise ValueError(
                f"n_samples={n} rows, but the data has {len(y)}; give at most {len(y)}."
            )


def _rows_taken(X: Array, y: Array, n: int, seed: int) -> tuple[Array, Array]:
    """``n`` of the rows, drawn stratified by label (all of them when ``n`` is all)."""
    if n == len(y):
        return X, y
    from sklearn.model_selection import train_test_split

    try:
        X_n, _, y_n, _ = train_test_split(X, y, train_size=n, stratify=y, random_state=seed)
    except ValueError as err:
        raise ValueError(
            f"n_samples={n}: cannot take {n} of the {len(y)} rows with every class in "
            f"proportion ({err}); take more rows."
        ) from err
    return X_n, y_n


def _grid(
    data_grid: dict[str, Any], model_grid: Mapping[str, Any], search_params: dict[str, Any]
) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """Return the settings' names and one dict of settings per cell, data settings first."""
    axes = {name: _values(name, value, scalar_ok=True) for name, value in data_grid.items()}
    _check_data_values(axes)
    for name, values in model_grid.items():
        if name in axes or name in _SWEEP_OWNS:
            raise ValueError(
                f"model_grid cannot vary {name!r}, an argument of sweep itself; pass "
                f"{name}=... to sweep instead."
            )
        if name in search_params:
            raise ValueError(
                f"{name!r} is both in model_grid ({values!r}) and passed as {name}="
                f"{search_params[name]!r}; keep one of the two."
            )
        axes[name] = _values(f"model_grid[{name!r}]", values, scalar_ok=False)
    cells = [dict(zip(axes, values, strict=True)) for values in product(*axes.values())]
    return tuple(axes), cells


def _values(name: str, values: Any, *, scalar_ok: bool) -> list[Any]:
    """Return the values of one setting as a list; refuse an empty or repeating one."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        if not scalar_ok:
            raise ValueError(
                f"{name} is {values!r}, a single value; give a list such as [{values!r}], "
                "or pass the setting to sweep as a keyword to use it in every cell."
            )
        values = [values]
    values = list(values)
    if not values:
        raise ValueError(
            f"{name} is empty, so the grid has no cells; give at least one value, e.g. "
            f"{name}=[{_EXAMPLES.get(name, '...')}]."
        )
    texts = [str(value) for value in values]
    repeated = sorted({text for text in texts if texts.count(text) > 1})
    if repeated:
        raise ValueError(f"{name} lists {', '.join(repeated)} more than once; give each once.")
    return values


_EXAMPLES = {"n_samples": "1000", "noise": "0.1", "test_size": "0.3"}


def _check_data_values(axes: dict[str, list[Any]]) -> None:
    """Refuse data settings that cannot make a data set, before any cell runs."""
    for n in axes["n_samples"]:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
            raise ValueError(f"n_samples={n!r}; it must be a whole number of rows, at least 2.")
    for noise in axes.get("noise", ()):
        if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not noise >= 0:
            raise ValueError(f"noise={noise!r}; it must be a number, 0 or more.")
    for share in axes["test_size"]:
        if isinstance(share, bool) or not isinstance(share, numbers.Real) or not 0 < share < 1:
            raise ValueError(
                f"test_size={share!r} is the share of rows held out for scoring; give "
                "fractions strictly between 0 and 1, e.g. test_size=[0.3]."
            )


def _key(cell: Mapping[str, Any]) -> Key:
    # Cells are matched by their settings as written to the file, so values read
    # back from the CSV compare exactly whatever their type (0.1, 'tanh', None).
    return tuple(str(value) for value in cell.values())


# ------------------------------------------------------------------ the file


def _stream(path: Path, description: dict[str, Any], settings: tuple[str, ...]) -> _CsvStream:
    """Return the stream that writes ``out``, chosen by its suffix."""
    if path.suffix == ".parquet":
        return _ParquetStream(path, description, settings)
    if path.suffix != ".csv":
        raise ValueError(
            f"out={str(path)!r} must be a .csv or .parquet file, e.g. out='sweep.csv'."
        )
    return _CsvStream(path, description, settings)


class _CsvStream:
    """The CSV file of a sweep and the JSON file that says which sweep it is.

    Nothing is written until the first cell finishes, so a sweep that fails at
    once (a misspelt parameter, say) leaves no file that would refuse the fix.
    """

    def __init__(self, path: Path, description: dict[str, Any], settings: tuple[str, ...]) -> None:
        # Imported here: glassnet/__init__.py sets __version__ only after its own imports.
        from glassnet import __version__

        self.path = path
        self.sidecar = Path(f"{path}.sweep.json")
        # Through JSON and back, so that tuples compare equal to the lists read later.
        self.description = json.loads(
            json.dumps({**description, "glassnet": __version__}, default=repr, sort_keys=True)
        )
        self.columns = [*settings, *RESULTS]
        self._handle: io.RawIOBase | None = None
        self._new = True  # the file has no header yet

    def read(self) -> dict[Key, dict[str, Any]]:
        """Check that the file belongs to this sweep and return its finished cells."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return {}
        self._check_same_sweep()
        text = self._whole_lines()
        if not text:
            return {}
        self._new = False
        lines = csv.reader(io.StringIO(text, newline=""))
        header = next(lines)
        if header != self.columns:
            raise ValueError(
                f"{self.path} has columns {header}, not {self.columns}; it was edited. "
                f"Choose another out= or delete {self.path} and {self.sidecar.name}."
            )
        n_settings = len(self.columns) - len(RESULTS)
        finished: dict[Key, dict[str, Any]] = {}
        for number, fields in enumerate(lines, start=2):
            finished.setdefault(tuple(fields[:n_settings]), self._parse(fields, number))
        return finished

    def append(self, cell: Mapping[str, Any], row: Mapping[str, Any]) -> None:
        """Write one finished cell as one whole line, and make sure it is on disk."""
        if self._handle is None:
            if self._new:
                write_atomically(self.sidecar, json.dumps(self._signed(), indent=2) + "\n")
            self._handle = open(self.path, "ab", buffering=0)
            if self._new:
                self._write_line(self.columns)
        self._write_line([*_key(cell), *(_field(name, row[name]) for name in RESULTS)])

    def close(self) -> None:
        """Close the file, if a row was written."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _write_line(self, fields: list[str]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(fields)
        # One unbuffered write of a complete line: a crash leaves whole rows only.
        self._handle.write(buffer.getvalue().encode())
        os.fsync(self._handle.fileno())

    def _signed(self) -> dict[str, Any]:
        canonical = json.dumps(self.description, sort_keys=True).encode()
        return {"sweep": hashlib.sha256(canonical).hexdigest()[:16], **self.description}

    def _check_same_sweep(self) -> None:
        if not self.sidecar.exists():
            raise ValueError(
                f"{self.path} exists, but {self.sidecar.name}, which says which sweep wrote "
                "it, does not; its rows cannot be trusted to match this sweep. Choose "
                f"another out= or delete {self.path}."
            )
        saved = _flat(json.loads(self.sidecar.read_text(encoding="utf-8")))
        now = _flat(self.description)
        differences = [
            f"{name}: {saved.get(name, '(not set)')!r} in the file, "
            f"{now.get(name, '(not set)')!r} now"
            for name in sorted(set(saved) | set(now))
            if saved.get(name) != now.get(name)
        ]
        if differences:
            raise ValueError(
                f"{self.path} holds the results of a different sweep, and mixing them would "
                "give a table whose rows do not compare. It differs in "
                + "; ".join(differences)
                + f". Choose another out= or delete {self.path} and {self.sidecar}."
            )

    def _whole_lines(self) -> str:
        """Return the file's text up to its last newline, cutting off a half-written line."""
        data = self.path.read_bytes()
        whole = data[: data.rfind(b"\n") + 1]
        if len(whole) < len(data):  # the process died while writing a line
            with open(self.path, "r+b") as handle:
                handle.truncate(len(whole))
        return whole.decode()

    def _parse(self, fields: list[str], number: int) -> dict[str, Any]:
        named = dict(zip(self.columns, fields, strict=False))
        row = {}
        for name, parse in RESULTS.items():
            try:
                row[name] = parse(named[name])
            except (KeyError, ValueError) as err:
                raise ValueError(
                    f"{self.path}, line {number}: cannot read {name} from {fields} ({err!r}); "
                    "the file was edited or damaged. Delete that line to run the cell again."
                ) from err
        return row


class _ParquetStream(_CsvStream):
    """A sweep's Parquet file: rewritten whole, atomically, after each finished cell.

    Parquet files cannot be appended to, but they are small here (one row per
    cell): writing all rows to a temporary file and renaming it over the old one
    costs milliseconds, and a crash leaves either the old file or the new one.
    Settings that are neither numbers nor booleans are stored as their text, the
    form cells are matched by.
    """

    def __init__(self, path: Path, description: dict[str, Any], settings: tuple[str, ...]) -> None:
        super().__init__(path, description, settings)
        self._rows: list[dict[str, Any]] = []

    def read(self) -> dict[Key, dict[str, Any]]:
        """Check that the file belongs to this sweep and return its finished cells."""
        if not self.path.exists():
            return {}
        self._check_same_sweep()
        try:
            table = pd.read_parquet(self.path)
        except Exception as err:  # pyarrow raises its own kinds for damaged files
            raise ValueError(
                f"{self.path} cannot be read as Parquet ({type(err).__name__}: {err}); it "
                f"was edited or damaged. Delete it and {self.sidecar.name} to start again."
            ) from err
        if list(table.columns) != self.columns:
            raise ValueError(
                f"{self.path} has columns {list(table.columns)}, not {self.columns}; it was "
                f"edited. Choose another out= or delete {self.path} and {self.sidecar.name}."
            )
        self._new = False
        n_settings = len(self.columns) - len(RESULTS)
        finished: dict[Key, dict[str, Any]] = {}
        for record in table.to_dict("records"):
            values = list(record.values())
            self._rows.append(record)
            key = tuple(_text(value) for value in values[:n_settings])
            finished.setdefault(key, {name: _plain(record[name]) for name in RESULTS})
        return finished

    def append(self, cell: Mapping[str, Any], row: Mapping[str, Any]) -> None:
        """Add one finished cell and replace the file with all the rows so far."""
        if self._new:
            write_atomically(self.sidecar, json.dumps(self._signed(), indent=2) + "\n")
            self._new = False
        settings = {
            name: value if isinstance(value, numbers.Number) else str(value)
            for name, value in cell.items()
        }
        self._rows.append({**settings, **{name: row[name] for name in RESULTS}})
        table = pd.DataFrame(self._rows, columns=self.columns)
        write_atomically(self.path, lambda file: table.to_parquet(file, index=False))

    def close(self) -> None:
        """Nothing stays open between cells."""


def _field(name: str, value: Any) -> str:
    """Write a result as text: counts as whole numbers (4, not 4.0), NaN as nan."""
    if name in _COUNTS and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: Any) -> str:
    # A number read back from Parquet is a NumPy scalar; it must give the text of
    # the Python value the cell was keyed by (200, not 200.0; 0.1, not 0.1000...).
    return str(value.item() if isinstance(value, np.generic) else value)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _flat(description: dict[str, Any]) -> dict[str, Any]:
    """Put a sweep's search parameters beside its other settings, for comparing."""
    flat = {name: value for name, value in description.items() if name != "sweep"}
    search_params = flat.pop("search_params", {})
    return {**flat, **search_params}


# ------------------------------------------------------------------ the result


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The result of :func:`glassnet.experiments.sweep`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per cell, in grid order: the cell's settings, then solved,
        units (per hidden layer of the smallest solving network), layers,
        n_parameters, success_rate (NaN for these four when nothing solved),
        n_fits (networks trained) and seconds (the cell's running time).
    settings : tuple of str
        The names of the grid's settings, the first columns of ``table``.
    task, data : str
        What each cell ran, on which problem (for ``data=(X, y)``, a fingerprint
        of the arrays and their shape).
    target : float
        The accuracy a network had to reach.
    seeds : int
        Seeds per architecture.
    n_run : int
        Cells run by this call.
    n_skipped : int
        Cells read from ``out`` because an earlier run had finished them.
    out : pathlib.Path or None
        The CSV file the rows were streamed to.
    """

    table: pd.DataFrame = field(repr=False)
    settings: tuple[str, ...]
    task: str
    data: str
    target: float
    seeds: int
    n_run: int
    n_skipped: int
    out: Path | None = None

    def __str__(self) -> str:
        read = f", {self.n_skipped} read from {self.out}" if self.n_skipped else ""
        head = (
            f"{self.task} on {self.data} (accuracy {self.target:g}, {self.seeds} seeds): "
            f"{len(self.table)} cell{'s' if len(self.table) != 1 else ''}, {self.n_run} run now"
            f"{read}"
        )
        table = self.table[list(self.settings)].copy()
        solved = self.table["solved"].to_numpy()
        answers = zip(solved, self.table["units"], self.table["layers"], strict=True)
        table["network"] = [
            str((int(units),) * int(layers)) if ok else "none" for ok, units, layers in answers
        ]
        table["parameters"] = np.where(solved, self.table["n_parameters"].map("{:.0f}".format), "-")
        table["seeds solved"] = np.where(
            solved, self.table["success_rate"].map("{:.0%}".format), "-"
        )
        table["seconds"] = self.table["seconds"].map("{:.1f}".format)
        return head + "\n" + table.to_string(index=False)

    def _repr_html_(self) -> str:
        from glassnet._display import sweep_html

        return sweep_html(self)

    def heatmap(
        self,
        value: str = "units",
        rows: str | None = None,
        columns: str = "n_samples",
        *,
        where: Mapping[str, Any] | None = None,
        ax: Any = None,
    ) -> Any:
        """Draw one result over two settings, e.g. the smallest width by noise and size.

        Parameters
        ----------
        value : str, default='units'
            A result column: solved, units, layers, n_parameters, success_rate,
            n_fits or seconds.
        rows, columns : str, default='noise' (or 'test_size'), 'n_samples'
            The settings along the vertical and the horizontal axis; ``rows``
            defaults to 'test_size' for a sweep on your own data, which has no noise.
        where : dict, optional
            Values for the other settings the sweep varied, e.g.
            ``{'activation': 'relu'}``: the heatmap shows one slice.
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when None.

        Returns
        -------
        matplotlib.axes.Axes
            One annotated square per cell; unsolved cells are hatched, and grey
            with 'none' where the value does not exist.

        Raises
        ------
        ValueError
            When a name is not a result or a setting, or another setting varies
            and ``where`` does not fix it.
        """
        need("plot")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
        from matplotlib.ticker import MaxNLocator

        if rows is None:  # moons and circles vary noise; a data set of yours cannot
            rows = "noise" if "noise" in self.settings else "test_size"
        values, solved, texts = self._pivot(value, rows, columns, where or {})
        if ax is None:
            _, ax = plt.subplots()
        grid = values.to_numpy(dtype=float)  # (n_rows, n_columns)
        cmap = plt.get_cmap("viridis").with_extremes(bad="0.85")
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, origin="lower", aspect="auto")
        for (i, j), cell in np.ndenumerate(grid):
            dark = not np.isnan(cell) and image.norm(cell) < 0.5  # viridis is dark below half
            ax.text(j, i, texts[i, j], ha="center", va="center", color="white" if dark else "black")
            if not solved[i, j]:
                square = Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="//", lw=0)
                ax.add_patch(square)
        ax.set_xticks(range(grid.shape[1]), labels=[_tick(v) for v in values.columns])
        ax.set_yticks(range(grid.shape[0]), labels=[_tick(v) for v in values.index])
        label = _DESCRIBED[value][0]
        bar = ax.figure.colorbar(image, ax=ax, label=label)
        if value in _COUNTS:  # 3 or 4 units, never 3.25
            bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(xlabel=columns, ylabel=rows, title=f"{label}\n(hatched: no network solved)")
        return ax

    def _pivot(
        self, value: str, rows: str, columns: str, where: Mapping[str, Any]
    ) -> tuple[pd.DataFrame, Array, Array]:
        """Return the value, solved flags and cell texts as (rows × columns) tables of a slice."""
        if value not in RESULTS:
            raise ValueError(f"value={value!r} is not a result; use one of {', '.join(RESULTS)}.")
        for name in (rows, columns, *where):
            if name not in self.settings:
                raise ValueError(
                    f"{name!r} is not a setting of this sweep; use one of "
                    f"{', '.join(self.settings)}."
                )
        if rows == columns:
            raise ValueError(f"rows and columns are both {rows!r}; give two different settings.")
        table = self.table
        for name, wanted in where.items():
            table = table[table[name] == wanted]
            if table.empty:
                raise ValueError(
                    f"where={dict(where)!r} matches no cell; {name} took the values "
                    f"{', '.join(map(str, self.table[name].unique()))}."
                )
        for name in self.settings:
            varied = table[name].unique()
            if name not in (rows, columns) and len(varied) > 1:
                raise ValueError(
                    f"the sweep also varies {name} ({', '.join(map(str, varied))}); show one "
                    f"slice with where={{{name!r}: {varied[0]!r}}}."
                )
        table = table.assign(text=_texts(table, value))
        values, solved, texts = (
            table.pivot(index=rows, columns=columns, values=name)
            for name in (value, "solved", "text")
        )
        return values, solved.to_numpy(dtype=bool), texts.to_numpy()


def _texts(table: pd.DataFrame, value: str) -> list[str]:
    """Say each cell's value: 'none' where it does not exist, and for units the network."""
    number = _DESCRIBED[value][1]
    texts = []
    for cell, layers in zip(table[value], table["layers"], strict=True):
        if pd.isna(cell):
            texts.append("none")
        elif value == "units" and layers > 1:  # (2, 2) and (2,) have the same width
            texts.append(", ".join([number.format(cell)] * int(layers)))
        else:
            texts.append(number.format(cell))
    return texts


# Results that are counts: their colour bar is ticked at whole numbers.
_COUNTS = ("units", "layers", "n_parameters", "n_fits")


def _tick(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
