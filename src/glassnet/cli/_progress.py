"""A Rich progress bar fed by MLPClassifier's per-epoch callback."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class EpochProgress:
    """Show training as it happens: epoch, loss, validation score, time left.

    Use it as a context manager around ``fit``, and pass it in ``callbacks``::

        with EpochProgress(console, max_iter=model.max_iter) as progress:
            model.set_params(callbacks=[progress]).fit(X, y)

    Parameters
    ----------
    console : rich.console.Console
        Where to draw.
    max_iter : int
        Epochs at most (the bar's length; training may stop earlier).
    enabled : bool, default=True
        False draws nothing (``--quiet``, ``--json``) but still counts epochs.
    """

    def __init__(self, console: Console, max_iter: int, enabled: bool = True) -> None:
        self.max_iter = max_iter
        self.epochs = 0
        self.last: dict[str, Any] = {}
        self._progress = Progress(
            TextColumn("[bold]training[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[scores]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._task = self._progress.add_task("epochs", total=max_iter, scores="")

    def __enter__(self) -> EpochProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Training may stop early (converged, early stopping, Ctrl-C): end the bar there.
        self._progress.update(self._task, total=self.epochs, completed=self.epochs)
        self._progress.stop()

    def __call__(self, record: dict[str, Any]) -> None:
        """Take one epoch's record (the MLPClassifier callback protocol)."""
        self.epochs += 1
        self.last = record
        scores = f"loss {record['loss']:.4f}"
        if record.get("validation_score") is not None:
            scores += f"  validation accuracy {record['validation_score']:.3f}"
        self._progress.update(self._task, completed=self.epochs, scores=scores)
