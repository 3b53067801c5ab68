"""``LivePlot``: the training curves, redrawn in one figure as training goes."""

from __future__ import annotations

import copy
import io
import os
import time
from pathlib import Path
from typing import Any

from glassnet._extras import need
from glassnet._files import write_atomically
from glassnet.callbacks._display import notebook_display
from glassnet.nn._callbacks import Callback


class LivePlot(Callback):
    """Redraw the training curves every few epochs, in one figure updated in place.

    Three panels: the training and validation loss, each layer's gradient norm,
    and the hidden units' health (dead, switched-off or saturated shares), as in
    ``glassnet.diagnostics.plots``. In a Jupyter notebook the figure is shown in the
    cell's output and replaced at each redraw; elsewhere it is written to ``path``
    as a PNG file (replaced in one rename), for an image viewer that reloads it.

    Parameters
    ----------
    every : int, default=5
        Redraw after every ``every`` epochs, and once more when training ends;
        less often when drawing (a second or so) would take longer than the epochs
        between two redraws: it never takes more than about half of the time.
    path : str or path-like, default='training.png'
        Where the figure goes outside a notebook.
    figsize : tuple of float, default=(13.5, 3.8)
        The figure's size in inches.

    Notes
    -----
    Gradient norms and unit health need the per-layer record (``record='layers'``,
    the default); with ``record='epochs'`` only the loss is drawn. Needs matplotlib
    (``pip install 'glassnet[plot]'``).
    """

    def __init__(
        self,
        every: int = 5,
        path: str | os.PathLike[str] = "training.png",
        figsize: tuple[float, float] = (13.5, 3.8),
    ) -> None:
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(
                f"LivePlot(every={every!r}): give a whole number of epochs, 1 or more."
            )
        self.every = every
        self.path = path
        self.figsize = figsize
        self.redraws_ = 0
        self._handle: Any = None

    def on_train_begin(self, model: Any) -> None:
        """Start a new figure."""
        need("plot")
        self.redraws_ = 0
        self._handle = None
        self._cost = 0.0  # seconds the last redraw took
        self._drawn = time.perf_counter()  # when it ended
        self._drawn_epoch = 0  # the last epoch it showed

    def on_epoch_end(self, model: Any, record: dict[str, Any]) -> None:
        """Redraw every ``every`` epochs."""
        if not hasattr(self, "_drawn"):  # a partial_fit on a model trained before this
            self.on_train_begin(model)
        waited = time.perf_counter() - self._drawn
        if record["epoch"] % self.every == 0 and waited >= self._cost:
            self._draw(model)

    def on_train_end(self, model: Any) -> None:
        """Draw the whole run (unless its last epoch is drawn already)."""
        if len(model.history_) != self._drawn_epoch:
            self._draw(model)

    def _draw(self, model: Any) -> None:
        from matplotlib.figure import Figure

        from glassnet.diagnostics.plots import plot_gradient_norms, plot_loss, plot_unit_health

        started = time.perf_counter()
        history = model.history_
        if not len(history):
            return
        panels = [plot_loss]
        if history.has_layers:
            panels.append(plot_gradient_norms)
            if history.activations:  # hidden layers, whose units can be unhealthy
                panels.append(plot_unit_health)
        # A Figure outside pyplot: no window, no global state, nothing to close.
        figure = Figure(figsize=self.figsize, layout="constrained")
        for panel, ax in zip(
            panels, figure.subplots(1, len(panels), squeeze=False)[0], strict=True
        ):
            panel(history, ax=ax)
        figure.suptitle(f"Training: epoch {len(history)}")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=80)
        self._show(buffer.getvalue())
        self.redraws_ += 1
        self._drawn = time.perf_counter()
        self._cost = self._drawn - started
        self._drawn_epoch = len(history)

    def _show(self, png: bytes) -> None:
        display = notebook_display()
        if display is None:
            write_atomically(Path(self.path), png)
        elif self._handle is None:
            self._handle = display.display(display.Image(data=png, format="png"), display_id=True)
        else:
            self._handle.update(display.Image(data=png, format="png"))

    def __deepcopy__(self, memo: dict[int, Any]) -> LivePlot:
        # GridSearchCV deep-copies its estimator's parameters; a copy starts afresh.
        clone = copy.copy(self)
        clone._handle = None
        return clone

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_handle"] = None  # the notebook's handle stays in this process
        return state

    def __repr__(self) -> str:
        return f"LivePlot(every={self.every}, path={str(self.path)!r})"
