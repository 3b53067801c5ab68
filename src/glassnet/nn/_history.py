"""The training record: what every epoch measured, as arrays, tables and dicts.

:class:`TrainingHistory` is what ``MLPClassifier.history_`` holds. During training it
only stores the recorder's raw sums, one entry per epoch; fractions, means, standard
deviations and ratios are computed from them when asked for, so recording stays cheap.

Layers are numbered as in ``coefs_``: weight layer ``i`` maps layer ``i``'s outputs
to layer ``i + 1``; layer ``i`` for the hidden measurements (activations, dead and
saturated units) is hidden layer ``i + 1`` of ``hidden_layer_sizes``, the outputs of
weight layer ``i``. Names in tables: ``'hidden 1'``, ``'hidden 2'``, ..., ``'output'``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

Array = np.ndarray

EPOCH_KEYS = (
    "epoch",
    "loss",
    "validation_loss",
    "validation_score",
    "learning_rate",
    "grad_norm",
    "weight_norm",
    "seconds",
)
RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu", "gelu", "swish", "mish", "softplus")
BOUNDED = ("logistic", "tanh")


class TrainingHistory(Sequence):
    """Per-epoch, per-layer measurements of one training run.

    A sequence of per-epoch dicts (``history_[-1]`` is the last epoch's record, as
    callbacks receive it), with the same numbers as NumPy arrays (attributes below)
    and as tidy pandas tables (:meth:`epochs_frame`, :meth:`layers_frame`,
    :meth:`units_frame`).

    Parameters
    ----------
    units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activations : list of str
        The hidden layers' activation names.
    thresholds : SaturationThresholds
        When a logistic or tanh unit counts as saturated.

    Attributes
    ----------
    layer_names : list of str
        ``'hidden 1'``, ..., ``'output'``: the outputs of each weight layer.
    """

    def __init__(self, units: list[int], activations: list[str], thresholds: Any) -> None:
        self.units = list(units)
        self.activations = list(activations)
        self.thresholds = thresholds
        n_hidden = len(units) - 2
        self.layer_names = [f"hidden {i + 1}" for i in range(n_hidden)] + ["output"]
        self._epochs: list[dict[str, Any]] = []
        self._layers: list[dict[str, Any] | None] = []
        self._cache: dict[str, Any] = {}

    # ------------------------------------------------------------ recording

    def append(self, scalars: dict[str, Any]) -> int:
        """Store one epoch's epoch-level numbers; returns its number (1-based)."""
        epoch = len(self._epochs) + 1
        scalars["epoch"] = epoch
        self._epochs.append(scalars)
        self._layers.append(None)
        self._cache.clear()
        return epoch

    def set_layers(self, epochs: list[int], block: dict[str, Any]) -> None:
        """Store the recorder's per-layer sums for some epochs (1-based numbers).

        ``block`` holds one entry per epoch (in the order of ``epochs``) under each
        key; epochs keep a reference into it rather than a copy.
        """
        for e, epoch in enumerate(epochs):
            self._layers[epoch - 1] = (block, e)
        self._cache.clear()

    def set_scalars(self, epochs: list[int], key: str, values: list[float]) -> None:
        """Fill in an epoch-level number worked out after the epoch (1-based numbers)."""
        for epoch, value in zip(epochs, values, strict=True):
            self._epochs[epoch - 1][key] = value
        self._cache.clear()

    def _raw(self, i: int) -> dict[str, Any] | None:
        """Epoch ``i``'s (0-based) per-layer sums, or None when not recorded."""
        ref = self._layers[i]
        if ref is None:
            return None
        block, e = ref
        counts, hist = block["active_counts"], block["histograms"]
        return {
            "grad_norm": block["grad_norm"][e],
            "weight_sq": block["weight_sq"][e],
            "update_sq": block["update_sq"][e],
            "rows": block["rows"][e],
            "active_counts": [None if c is None else c[e] for c in counts],
            "moments": block["moments"][e],
            "histograms": None if hist is None else hist[e],
        }

    # ------------------------------------------------------------ sequence of dicts

    def __len__(self) -> int:
        return len(self._epochs)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]
        record = {key: self._epochs[i].get(key) for key in EPOCH_KEYS}
        if self._layers[i] is not None:
            record["layers"] = [
                {"layer": self.layer_names[j]}
                | {
                    name: (None if np.isnan(v) else float(v))
                    for name, v in zip(LAYER_COLUMNS, row, strict=True)
                }
                for j, row in enumerate(self._epoch_layers(self._raw(i)))
            ]
        return record

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TrainingHistory | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        detail = "with per-layer measurements" if self.has_layers else "epoch-level only"
        return f"<TrainingHistory: {len(self)} epochs, {detail}>"

    @property
    def has_layers(self) -> bool:
        """Whether the per-layer measurements were recorded (``record`` not 'epochs')."""
        return any(layer is not None for layer in self._layers)

    # ------------------------------------------------------------ epoch arrays

    def _scalar(self, key: str) -> Array:
        return np.array(
            [np.nan if e.get(key) is None else e[key] for e in self._epochs], dtype=float
        )

    @property
    def epoch(self) -> Array:
        """Epoch numbers, from 1."""
        return np.arange(1, len(self) + 1)

    @property
    def loss(self) -> Array:
        """Training loss per epoch."""
        return self._scalar("loss")

    @property
    def validation_loss(self) -> Array:
        """Validation loss per epoch (NaN without early stopping)."""
        return self._scalar("validation_loss")

    @property
    def validation_score(self) -> Array:
        """Validation accuracy per epoch (NaN without early stopping)."""
        return self._scalar("validation_score")

    @property
    def learning_rate(self) -> Array:
        """Learning rate in effect during each epoch (NaN for L-BFGS)."""
        return self._scalar("learning_rate")

    @property
    def grad_norm(self) -> Array:
        """Mean over each epoch's minibatches of the whole gradient's L2 norm."""
        return self._scalar("grad_norm")

    @property
    def weight_norm(self) -> Array:
        """L2 norm of all weights and biases at the end of each epoch."""
        return self._scalar("weight_norm")

    @property
    def seconds(self) -> Array:
        """Wall time of each epoch."""
        return self._scalar("seconds")

    # ------------------------------------------------------------ layer arrays

    def _need_layers(self) -> None:
        if not self.has_layers:
            raise ValueError(
                "This model kept no per-layer measurements (it was trained with "
                "record='epochs'). Fit it again with record='layers' (the default)."
            )

    def _epoch_layers(self, raw: dict[str, Any] | None) -> Array:
        """One epoch's ``(n_layers, len(LAYER_COLUMNS))`` numbers from the recorder's sums."""
        L, H = len(self.layer_names), len(self.activations)
        table = np.full((L, len(LAYER_COLUMNS)), np.nan)
        if raw is None:
            return table
        table[:, 0] = raw["grad_norm"]
        table[:, 1] = np.sqrt(raw["weight_sq"][:L])  # weights, then biases: keep weights
        with np.errstate(divide="ignore", invalid="ignore"):
            table[:, 2] = np.sqrt(raw["update_sq"][:L]) / table[:, 1]
        share, rows = self.thresholds.share, raw["rows"]
        for h in range(H):
            if raw["moments"] is not None:
                moments, batch_rows = raw["moments"]
                total, squares = (np.float64(m) for m in moments[h])
                n = batch_rows * self.units[h + 1]
                with np.errstate(over="ignore", invalid="ignore"):
                    table[h, 3] = mean = total / n
                    table[h, 4] = np.sqrt(np.maximum(squares / n - mean**2, 0.0))
            counts = raw["active_counts"][h]
            active = np.ones(self.units[h + 1]) if counts is None else counts / rows
            if self.activations[h] in RELU_FAMILY:
                table[h, 5] = np.mean(active == 0)
            if self.activations[h] in BOUNDED:
                table[h, 6] = np.mean(active < 1.0 - share)
            table[h, 7] = active.mean()
        return table

    def _layer_table(self) -> Array:
        """``(n_epochs, n_layers, len(LAYER_COLUMNS))``: every epoch's per-layer numbers."""
        self._need_layers()
        if "table" not in self._cache:
            shape = (len(self), len(self.layer_names), len(LAYER_COLUMNS))
            rows = [self._epoch_layers(self._raw(i)) for i in range(len(self))]
            self._cache["table"] = np.array(rows).reshape(shape)
        return self._cache["table"]

    def _column(self, name: str, hidden: bool) -> Array:
        table = self._layer_table()[:, :, LAYER_COLUMNS.index(name)]
        return table[:, : len(self.activations)] if hidden else table

    @property
    def layer_grad_norm(self) -> Array:
        """``(n_epochs, n_layers)``: mean over minibatches of each layer's gradient norm.

        Weights and biases of weight layer ``i`` together.
        """
        return self._column("grad_norm", hidden=False)

    @property
    def layer_weight_norm(self) -> Array:
        """``(n_epochs, n_layers)``: L2 norm of each layer's weight matrix after the epoch."""
        return self._column("weight_norm", hidden=False)

    @property
    def update_ratio(self) -> Array:
        """``(n_epochs, n_layers)``: size of each epoch's change to the weights.

        The norm of the epoch's change to each weight matrix over the matrix's norm
        after the epoch.
        """
        return self._column("update_ratio", hidden=False)

    @property
    def activation_mean(self) -> Array:
        """``(n_epochs, n_hidden)``: mean output of each hidden layer over the epoch."""
        return self._column("activation_mean", hidden=True)

    @property
    def activation_std(self) -> Array:
        """``(n_epochs, n_hidden)``: standard deviation of each hidden layer's outputs."""
        return self._column("activation_std", hidden=True)

    @property
    def dead_fraction(self) -> Array:
        """``(n_epochs, n_hidden)``: share of a ReLU-family layer's units active on no sample.

        For relu such a unit output exactly 0 on every sample of the epoch and got no
        gradient: it is dead. The other members of the family (leaky_relu, elu, ...)
        still pass a small gradient back: theirs are switched off, and may recover.
        NaN for layers outside the family.
        """
        return self._column("dead_fraction", hidden=True)

    @property
    def saturated_fraction(self) -> Array:
        """``(n_epochs, n_hidden)``: share of a logistic/tanh layer's units saturated.

        A unit counts as saturated when its output was saturated on more than
        ``thresholds.share`` of the epoch's samples. NaN for other layers.
        """
        return self._column("saturated_fraction", hidden=True)

    @property
    def active_fraction(self) -> list[Array]:
        """Per hidden layer, ``(n_epochs, units)``: how often each unit was active.

        The share of the epoch's samples on which the unit's output was in the region
        that passes gradient back (see ``glassnet.nn._recorder``).
        """
        self._need_layers()
        out = []
        for h, units in enumerate(self.units[1:-1]):
            rows = [
                np.full(units, np.nan)
                if r is None
                else np.ones(units)
                if r["active_counts"][h] is None
                else r["active_counts"][h] / r["rows"]
                for r in map(self._raw, range(len(self)))
            ]
            out.append(np.array(rows, dtype=float).reshape(len(self), units))
        return out

    @property
    def histograms(self) -> list[tuple[Array, Array]]:
        """Per hidden layer, ``(counts (n_epochs, bins), edges (bins + 1,))`` of its outputs.

        Only with ``record='full'``; values outside the range are counted in the end
        bins.
        """
        from glassnet.nn._recorder import HISTOGRAM_BINS, histogram_range

        raws = [self._raw(i) for i in range(len(self))]
        if not any(r is not None and r["histograms"] is not None for r in raws):
            raise ValueError(
                "Activation histograms are kept only with record='full'; fit the model "
                "again with MLPClassifier(record='full')."
            )
        out = []
        for h, act in enumerate(self.activations):
            counts = np.array(
                [
                    np.full(HISTOGRAM_BINS, np.nan)
                    if r is None or r["histograms"] is None
                    else r["histograms"][h]
                    for r in raws
                ]
            )
            out.append((counts, np.linspace(*histogram_range(act), HISTOGRAM_BINS + 1)))
        return out

    # ------------------------------------------------------------ tables

    def epochs_frame(self) -> pd.DataFrame:
        """One row per epoch: loss, validation loss and score, learning rate, norms, seconds.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        return pd.DataFrame({key: getattr(self, key) for key in EPOCH_KEYS})

    def layers_frame(self) -> pd.DataFrame:
        """One row per (epoch, layer): the per-layer measurements, tidy for plotting.

        Columns: ``epoch``, ``layer`` (``'hidden 1'``, ..., ``'output'``),
        ``activation``, ``units``, then ``grad_norm``, ``weight_norm``,
        ``update_ratio``, ``activation_mean``, ``activation_std``, ``dead_fraction``,
        ``saturated_fraction``, ``mean_active_fraction`` (NaN where a measurement
        does not apply to the layer).

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        table = self._layer_table()
        n, L = table.shape[:2]
        frame = pd.DataFrame(table.reshape(n * L, -1), columns=list(LAYER_COLUMNS))
        acts = [*self.activations, "output"]
        frame.insert(0, "epoch", np.repeat(self.epoch, L))
        frame.insert(1, "layer", np.tile(self.layer_names, n))
        frame.insert(2, "activation", np.tile(acts, n))
        frame.insert(3, "units", np.tile(self.units[1:], n))
        return frame

    def units_frame(self) -> pd.DataFrame:
        """One row per (epoch, hidden layer, unit): the share of samples the unit was active on.

        Returns
        -------
        pandas.DataFrame
            Columns ``epoch``, ``layer``, ``unit`` (from 0), ``active_fraction``.
        """
        import pandas as pd

        frames = []
        for name, frac in zip(self.layer_names, self.active_fraction, strict=False):
            n, units = frac.shape
            frames.append(
                pd.DataFrame(
                    {
                        "epoch": np.repeat(self.epoch, units),
                        "layer": name,
                        "unit": np.tile(np.arange(units), n),
                        "active_fraction": frac.reshape(-1),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(len(self)))


LAYER_COLUMNS = (
    "grad_norm",
    "weight_norm",
    "update_ratio",
    "activation_mean",
    "activation_std",
    "dead_fraction",
    "saturated_fraction",
    "mean_active_fraction",
)
