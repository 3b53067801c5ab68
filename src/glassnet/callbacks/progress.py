"""``ProgressBar``: epoch, loss, validation score and time left, in a notebook or a terminal."""

from __future__ import annotations

import copy
import html
import statistics
import sys
import time
from collections import deque
from typing import IO, Any

from glassnet.callbacks._display import notebook_display
from glassnet.nn._callbacks import Callback

_BAR_WIDTH = 24  # characters of the terminal's bar
_MIN_INTERVAL = 0.1  # seconds between redraws: a fast epoch loop must not wait on output
# The time left is the median of the last epochs' durations times the epochs to go: a
# median, so that an epoch slowed by another callback's work (a LivePlot redraw, a
# second or so beside epochs of milliseconds) does not multiply the estimate.
_RECENT_EPOCHS = 20


class ProgressBar(Callback):
    """Show training's progress: epoch, loss, validation score and time left.

    In a Jupyter notebook, a bar in the cell's output, updated in place; elsewhere
    one line on standard error, rewritten after every epoch (at most ten times a
    second) and ended with a summary when training ends.

    Parameters
    ----------
    total : int, optional
        Epochs expected; by default the model's ``max_iter`` (give it for a loop of
        ``partial_fit`` calls, which cannot be known).
    file : file object, optional
        Where the terminal's line goes; standard error by default.

    Examples
    --------
    >>> from glassnet import MLPClassifier  # doctest: +SKIP
    >>> from glassnet.callbacks import ProgressBar  # doctest: +SKIP
    >>> MLPClassifier((16,), callbacks=[ProgressBar()]).fit(X, y)  # doctest: +SKIP
    epoch  87/200 [##########--------------] loss 0.2931  val 0.912  3.1 s left
    """

    def __init__(self, total: int | None = None, file: IO[str] | None = None) -> None:
        self.total = total
        self.file = file
        self._handle: Any = None

    def on_train_begin(self, model: Any) -> None:
        """Start a new bar."""
        self._total = self.total or model.max_iter
        self._first = len(getattr(model, "history_", ()))  # epochs of earlier runs
        self._started = self._shown = self._epoch_ended = time.perf_counter()
        self._durations: deque[float] = deque(maxlen=_RECENT_EPOCHS)
        self._line = ""  # what the bar says: the epoch, then the numbers
        self._numbers = ""
        self._handle = None

    def on_epoch_end(self, model: Any, record: dict[str, Any]) -> None:
        """Redraw the bar (at most ten times a second)."""
        if not hasattr(self, "_total"):  # a partial_fit on a model trained before this
            self.on_train_begin(model)
            self._first = int(record["epoch"]) - 1
        now = time.perf_counter()
        self._durations.append(now - self._epoch_ended)
        self._epoch_ended = now
        done = int(record["epoch"]) - self._first
        self._line, self._numbers = self._text(done, record)
        if now - self._shown >= _MIN_INTERVAL or done in (1, self._total):
            self._show(done, final=False)
            self._shown = now

    def on_train_end(self, model: Any) -> None:
        """Show the last epoch and how long training took."""
        if not hasattr(self, "_total"):
            return
        done = len(model.history_) - self._first
        seconds = time.perf_counter() - self._started
        self._line = f"{done} epochs in {seconds:.1f} s"
        self._numbers = f"loss {model.loss_:.4f}" if hasattr(model, "loss_") else ""
        self._show(done, final=True)

    def _text(self, done: int, record: dict[str, Any]) -> tuple[str, str]:
        width = len(str(self._total))
        parts = []
        if record.get("loss") is not None:
            parts.append(f"loss {record['loss']:.4f}")
        if record.get("validation_score") is not None:
            parts.append(f"val {record['validation_score']:.3f}")
        left = statistics.median(self._durations) * max(self._total - done, 0)
        parts.append(f"{left:.1f} s left")
        return f"epoch {done:>{width}}/{self._total}", "  ".join(parts)

    def _show(self, done: int, final: bool) -> None:
        display = notebook_display()
        # Training that stops early (converged, or a callback stopped it) is done too:
        # its last bar is full, not stuck at the share of max_iter it reached.
        share = min(done / self._total, 1.0) if self._total and not final else 1.0
        if display is not None:
            # Not <code>: themes colour it (the documentation site, pink); white-space
            # pre keeps the gaps between the numbers.
            text = self._line + ((", " if final else "  ") + self._numbers if self._numbers else "")
            page = display.HTML(
                f'<progress value="{share:.4f}" max="1" style="width:20em"></progress> '
                f'<span style="font-family:monospace;white-space:pre">{html.escape(text)}</span>'
            )
            if self._handle is None:
                self._handle = display.display(page, display_id=True)
            else:
                self._handle.update(page)
            return
        filled = round(share * _BAR_WIDTH)
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        file = self.file or sys.stderr
        middle = ", " if final else f" [{bar}] "
        text = self._line + (middle + self._numbers if self._numbers else "")
        if _is_terminal(file):  # one line, rewritten in place
            file.write(f"\r{text}\033[K" + ("\n" if final else ""))
        else:  # a log file or a pipe: whole lines, no control characters
            file.write(text + "\n")
        file.flush()

    def __deepcopy__(self, memo: dict[int, Any]) -> ProgressBar:
        # GridSearchCV deep-copies its estimator's parameters: the stream is shared,
        # not copied (a file cannot be), and a copy starts without a bar.
        clone = copy.copy(self)
        clone._handle = None
        return clone

    def __getstate__(self) -> dict[str, Any]:
        # Sent to another process (joblib): the notebook's handle stays here.
        state = self.__dict__.copy()
        state["_handle"] = None
        return state

    def __repr__(self) -> str:
        return f"ProgressBar(total={self.total!r})"


def _is_terminal(file: IO[str]) -> bool:
    try:
        return file.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
