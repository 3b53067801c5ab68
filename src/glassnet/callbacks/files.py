"""Callbacks that write files: the record as CSV, and the model as ``.glassnet`` files."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from glassnet.callbacks._monitor import Monitor, check_monitor
from glassnet.nn._callbacks import Callback
from glassnet.nn._history import EPOCH_KEYS


class CSVLogger(Callback):
    """Write each epoch's record as a row of a CSV file, as training goes.

    The columns are those of ``history_.epochs_frame()`` (``epoch``, ``loss``,
    ``validation_loss``, ``validation_score``, ``learning_rate``, ``grad_norm``,
    ``weight_norm``, ``seconds``), numbers written in full precision, an empty cell
    where the record has none: the file always holds the rows of ``history_``. Each
    ``fit`` starts it afresh (with ``warm_start``, from the epochs ``history_``
    already holds); ``partial_fit`` calls append to the run they continue. The
    file is opened for each row and closed at once, so it can be read during
    training (``tail -f``); inside ``GridSearchCV`` every fit rewrites it, and the
    last one (the refit) stays.

    Parameters
    ----------
    path : str or path-like
        The CSV file to write; its directory must exist.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path
        self._started = False

    def on_train_begin(self, model: Any) -> None:
        """Start the file: the header and the record so far, replacing any earlier file."""
        with Path(self.path).open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(EPOCH_KEYS)
            # Empty unless a warm start continues the record of an earlier fit.
            writer.writerows([_cell(r.get(k)) for k in EPOCH_KEYS] for r in model.history_)
        self._started = True

    def on_epoch_end(self, model: Any, record: dict[str, Any]) -> None:
        """Append the epoch's row."""
        if not self._started:  # a partial_fit on a model trained before this callback
            self.on_train_begin(model)
        row = [_cell(record.get(key)) for key in EPOCH_KEYS]
        with Path(self.path).open("a", newline="", encoding="utf-8") as file:
            csv.writer(file).writerow(row)

    def __repr__(self) -> str:
        return f"CSVLogger({str(self.path)!r})"


class ModelCheckpoint(Callback):
    """Save the model to a ``.glassnet`` file during training.

    The file is the command line's model file (``glassnet.save``): it loads with
    ``glassnet.load`` and ``glassnet predict``. Each save replaces the file in one
    rename, so a reader never sees half a file. A save takes about a tenth of a
    second (skops writes and checks the whole model, record included): more than an
    epoch of a small network, so early in training, when most epochs improve,
    ``min_delta`` keeps the saves to the ones that matter.

    Parameters
    ----------
    path : str or path-like
        The model file; ``{epoch}`` in it is replaced by the epoch's number
        (``"model-{epoch}.glassnet"`` keeps one file per save).
    best_only : bool, default=True
        Save only epochs that improve on the best value of ``monitor``; False saves
        every epoch.
    monitor : {'auto', 'loss', 'validation_loss', 'validation_score'}, default='auto'
        What "best" means ('auto': the validation loss with ``early_stopping=True``,
        else the training loss).
    min_delta : float, default=0.0
        The least improvement that counts.
    sign : bool, default=False
        Sign each file with the key in ``GLASSNET_SIGNING_KEY``.

    Attributes
    ----------
    saved_ : list of (int, pathlib.Path)
        Each save's epoch and file, in order.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        best_only: bool = True,
        monitor: str = "auto",
        min_delta: float = 0.0,
        sign: bool = False,
    ) -> None:
        check_monitor(monitor, "ModelCheckpoint")
        self.path = path
        self.best_only = best_only
        self.monitor = monitor
        self.min_delta = min_delta
        self.sign = sign
        self.saved_: list[tuple[int, Path]] = []
        self._watch: Monitor | None = None

    def on_train_begin(self, model: Any) -> None:
        """Start watching afresh: each fit is a new run."""
        self._watch = Monitor.start(self.monitor, self.min_delta, model, "ModelCheckpoint")
        self.saved_ = []

    def on_epoch_end(self, model: Any, record: dict[str, Any]) -> None:
        """Save the model if the epoch is the best so far (or always, without best_only)."""
        from glassnet.workflow.from_python import save

        if self._watch is None:  # a partial_fit on a model trained before this callback
            self.on_train_begin(model)
        improved = self._watch.update(record)
        if self.best_only and not improved:
            return
        epoch = int(record["epoch"])
        path = Path(str(self.path).replace("{epoch}", str(epoch)))
        self.saved_.append((epoch, save(model, path, sign=self.sign)))

    def __repr__(self) -> str:
        return (
            f"ModelCheckpoint({str(self.path)!r}, best_only={self.best_only}, "
            f"monitor={self.monitor!r})"
        )


def _cell(value: Any) -> str:
    # repr of a Python float reads back to the same float; NumPy 2's repr would not parse.
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return repr(float(value))
