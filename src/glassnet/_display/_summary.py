"""``model.summary()``: the network layer by layer, as Keras prints it, plus its health.

One row per layer (the inputs, each hidden layer, the outputs): units, activation,
parameters (the weights and biases that feed the layer) and, once the model is
fitted with a per-layer record, each layer's share of dead and of saturated units
and its gradient norm in the last epoch. A number that is not there is a dash, and
a footnote says why.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._display import _html as h
from glassnet.nn._activations import get_activation
from glassnet.nn._params import hidden_sizes, per_layer

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("layer", "units", "activation", "parameters", "dead", "saturated", "grad norm")

_NOT_FITTED = "Parameters and the last epoch's health are known once the model is fitted."
_NO_LAYERS = (
    "No per-layer numbers: the model was fitted with record='epochs'; fit it with "
    "record='layers' (the default) to measure each layer."
)
_DIVERGED = "Training diverged: the record's last epoch has no per-layer numbers."
_DEAD = (
    "dead: measured for relu layers only, whose units can die (output 0, so no gradient, "
    "on every sample of an epoch); other activations always pass some gradient back."
)
_SATURATED = (
    "saturated: measured for bounded activations only (logistic, tanh), whose units "
    "saturate near their asymptotes."
)
_OUTPUT = "The output layer is not checked for dead or saturated units."


@dataclass(frozen=True)
class LayerRow:
    """One layer of a :class:`ModelSummary`; None where a number is not known."""

    layer: str
    units: int | None
    activation: str
    parameters: int | None
    dead: float | None = None
    saturated: float | None = None
    grad_norm: float | None = None


@dataclass(frozen=True)
class ModelSummary:
    """A network's layers, parameters and last-epoch health, as ``model.summary()`` returns.

    ``print`` it for a plain-text table; in a notebook it shows as an HTML table;
    :meth:`to_frame` gives the numbers as a pandas DataFrame.

    Attributes
    ----------
    name : str
        The estimator's class name.
    rows : list of LayerRow
        'input', 'hidden 1', ..., 'output'.
    epochs : int or None
        Epochs in the training record (None before fitting).
    notes : list of str
        Why some numbers are dashes.
    """

    name: str
    rows: list[LayerRow]
    epochs: int | None
    notes: list[str] = field(default_factory=list)

    @property
    def n_parameters(self) -> int | None:
        """Weights and biases in total, or None before fitting."""
        counts = [row.parameters for row in self.rows]
        return None if any(c is None for c in counts) else sum(counts)

    def _cells(self) -> list[list[str]]:
        out = []
        for i, row in enumerate(self.rows):
            blank = i == 0  # the inputs have no activation, parameters or health
            out.append(
                [
                    row.layer,
                    h.MISSING if row.units is None else str(row.units),
                    row.activation,
                    h.MISSING if row.parameters is None else f"{row.parameters:,}",
                    "" if blank else h.percent(row.dead),
                    "" if blank else h.percent(row.saturated),
                    "" if blank else h.number(row.grad_norm),
                ]
            )
        return out

    def _headline(self) -> str:
        total = self.n_parameters
        parts = [f"{total:,} parameters" if total is not None else "not fitted"]
        if self.epochs is not None:
            parts.append(f"{self.epochs} epoch{'s' if self.epochs != 1 else ''} trained")
        return f"{self.name}: " + ", ".join(parts)

    def __str__(self) -> str:
        header = [*COLUMNS[:-1], "grad norm (last epoch)"]
        cells = self._cells()
        widths = [max(len(r[j]) for r in [header, *cells]) for j in range(len(header))]

        def line(row: list[str]) -> str:
            return "  ".join(
                c.ljust(w) if j in (0, 2) else c.rjust(w)
                for j, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()

        rule = "\u2500" * len(line(header))
        lines = [self._headline(), rule, line(header), rule, *map(line, cells), rule]
        total = self.n_parameters
        if total is not None:
            lines.append(f"Total parameters: {total:,}")
        width = max(len(rule), 60)
        lines += [
            textwrap.fill(note, width, initial_indent=f"{h.MISSING} ", subsequent_indent="  ")
            for note in self.notes
        ]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return h.view(self.html_body(), "summary")

    def html_body(self) -> str:
        """Return the table and its notes, without the style sheet (for embedding)."""
        header = [*COLUMNS[:-1], "grad norm (last epoch)"]
        total = self.n_parameters
        foot = [f"Total parameters: {total:,}"] if total is not None else []
        foot += [f"{h.MISSING} {note}" for note in self.notes]
        return (
            h.title(self._headline())
            + h.table(header, self._cells(), left=(0, 2))
            + h.footnotes(foot)
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the table as a DataFrame, NaN where a number is not known.

        Returns
        -------
        pandas.DataFrame
            Columns layer, units, activation, parameters, dead_share,
            saturated_share, grad_norm.
        """
        import pandas as pd

        def num(value: Any) -> float:
            return math.nan if value is None else float(value)

        return pd.DataFrame(
            {
                "layer": [r.layer for r in self.rows],
                "units": [num(r.units) for r in self.rows],
                "activation": [r.activation for r in self.rows],
                "parameters": [num(r.parameters) for r in self.rows],
                "dead_share": [num(r.dead) for r in self.rows],
                "saturated_share": [num(r.saturated) for r in self.rows],
                "grad_norm": [num(r.grad_norm) for r in self.rows],
            }
        )


def summarize(model: Any) -> ModelSummary:
    """Build ``model.summary()`` for an MLP estimator, fitted or not.

    Parameters
    ----------
    model : MLPClassifier or another estimator of the same base
        Reads ``hidden_layer_sizes``, ``activation``; once fitted ``coefs_``,
        ``intercepts_``, ``out_activation_`` and ``history_``.

    Returns
    -------
    ModelSummary
    """
    history = getattr(model, "history_", None)
    fitted = hasattr(model, "coefs_")
    if fitted:
        units = [model.coefs_[0].shape[0], *(c.shape[1] for c in model.coefs_)]
        params: list[int | None] = [
            int(c.size + b.size) for c, b in zip(model.coefs_, model.intercepts_, strict=True)
        ]
    elif history is not None:  # a fit that diverged keeps its record, not its weights
        units = list(history.units)
        params = [a * b + b for a, b in pairwise(units)]
    else:
        sizes = hidden_sizes(model.hidden_layer_sizes)
        units = [None, *sizes, None]
        params = [None] * (len(sizes) + 1)
    n_hidden = len(units) - 2
    if history is not None and history.activations:
        acts = list(history.activations)
    else:
        acts = [str(a) for a in per_layer("activation", model.activation, [1] * n_hidden)]
    out_act = getattr(model, "out_activation_", None) or h.MISSING

    notes: list[str] = []
    health = _last_epoch(history, n_hidden, notes, fitted)
    rows = [LayerRow("input", units[0], "", 0 if units[0] is not None else None)]
    for i in range(n_hidden + 1):
        name = f"hidden {i + 1}" if i < n_hidden else "output"
        act = acts[i] if i < n_hidden else out_act
        dead, saturated, grad = health[i] if health else (None, None, None)
        rows.append(LayerRow(name, units[i + 1], act, params[i], dead, saturated, grad))
    if health:
        hidden_acts = [get_activation(a) for a in acts]
        if any(not a.mask_derivative for a in hidden_acts):
            notes.append(_DEAD)
        if any(a.family != "bounded" for a in hidden_acts):
            notes.append(_SATURATED)
        notes.append(_OUTPUT)
    epochs = len(history) if history is not None else None
    return ModelSummary(type(model).__name__, rows, epochs, notes)


def _last_epoch(
    history: Any, n_hidden: int, notes: list[str], fitted: bool
) -> list[tuple[float | None, float | None, float | None]] | None:
    """Per weight layer, (dead share, saturated share, gradient norm) in the last epoch.

    None when the record has no per-layer numbers; ``notes`` then says why.
    """
    if history is None or not len(history):
        notes.append(_NOT_FITTED)
        return None
    if not history.has_layers:
        notes.append(_NO_LAYERS)
        return None
    grad = history.layer_grad_norm[-1]  # (n_layers,)
    if not np.isfinite(grad).any():
        notes.append(_DIVERGED if not fitted else _NO_LAYERS)
        return None
    dead, saturated = history.dead_fraction[-1], history.saturated_fraction[-1]  # (n_hidden,)

    def known(value: float) -> float | None:
        return None if math.isnan(value) else float(value)

    return [
        (
            known(dead[i]) if i < n_hidden else None,
            known(saturated[i]) if i < n_hidden else None,
            known(grad[i]),
        )
        for i in range(n_hidden + 1)
    ]
