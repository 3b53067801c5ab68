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

from glassnet import _display_slot
from glassnet.nn._activations import ACTIVATIONS, get_activation

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
HISTOGRAM_BINS = 40
# The families by name, for code that holds names (the record keeps names, so that it
# pickles); each activation's family is on its Activation object.
RELU_FAMILY = tuple(name for name, act in ACTIVATIONS.items() if act.family == "relu")
BOUNDED = tuple(name for name, act in ACTIVATIONS.items() if act.family == "bounded")


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
        self._rows: list[dict[str, Any]] | None = []
        self._columns: dict[str, Array] | None = None  # as loaded, until rows are asked for
        self._blocks: list[tuple[dict[str, Any], Array]] = []  # (block, epoch indices)
        self._cache: dict[str, Any] = {}

    @property
    def _epochs(self) -> list[dict[str, Any]]:
        """One dict per epoch; built from the loaded columns the first time it is read."""
        if self._rows is None:
            self._rows = _rows(self._columns or {})
            self._columns = None
        return self._rows

    # ------------------------------------------------------------ recording

    def append(self, scalars: dict[str, Any]) -> int:
        """Store one epoch's epoch-level numbers; returns its number (1-based)."""
        rows = self._epochs
        epoch = len(rows) + 1
        scalars["epoch"] = epoch
        rows.append(scalars)
        if self._cache:
            self._cache.clear()
        return epoch

    def load_epochs(self, columns: dict[str, Array]) -> None:
        """Store many epochs' epoch-level numbers at once, as one array per key.

        For a record still empty (``fit_many`` writes its networks' records when they
        finish); NaN means not measured, as None in an epoch's dict.
        """
        if len(self):
            raise ValueError("load_epochs fills an empty record; append() adds epochs.")
        n = len(next(iter(columns.values()))) if columns else 0
        self._rows, self._columns = None, {"epoch": np.arange(1.0, n + 1), **columns}
        self._cache.clear()

    def set_layers(self, epochs: list[int], block: dict[str, Any]) -> None:
        """Store the recorder's per-layer sums for some epochs (1-based numbers).

        ``block`` holds one entry per epoch (in the order of ``epochs``) under each
        key; epochs keep a reference into it rather than a copy.
        """
        self._blocks.append((block, np.asarray(epochs, dtype=np.intp) - 1))
        # A run that flushes after every epoch (callbacks, fit_epochs) would leave one
        # block per epoch, and every read walks the blocks: merging equal-sized
        # neighbours, as a binary counter carries, keeps them logarithmic in the epochs.
        blocks = self._blocks
        while len(blocks) > 1 and blocks[-1][1].size >= blocks[-2][1].size:
            merged = _merged(blocks[-2:])
            if len(merged) != 1:
                break
            blocks[-2:] = merged
        self._cache.clear()

    def _block_of(self, i: int) -> tuple[dict[str, Any], int] | None:
        """Return the block holding epoch ``i`` (0-based) and its row in it, or None."""
        for block, epochs in self._blocks:
            row = int(np.searchsorted(epochs, i))
            if row < epochs.size and epochs[row] == i:
                return block, row
        return None

    # ------------------------------------------------------------ saving

    def __getstate__(self) -> dict[str, Any]:
        # Saved (pickle, skops) as a few long arrays rather than one small block per
        # epoch (a run with callbacks flushes every epoch), and no caches.
        state = self.__dict__.copy()
        state["_cache"] = {}
        state["_blocks"] = _merged(self._blocks)
        del state["_rows"], state["_columns"]
        state["_epochs"] = self._columns if self._columns is not None else _columns(self._rows)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        epochs = state.pop("_epochs")
        # Columns stay columns until someone reads an epoch's dict: fit_many's 48
        # histories, sent back from joblib workers, took 17 ms to turn into dicts.
        if isinstance(epochs, dict):
            state["_rows"], state["_columns"] = None, epochs
        else:  # an older list of dicts
            state["_rows"], state["_columns"] = list(epochs), None
        self.__dict__.update(state)

    # ------------------------------------------------------------ sequence of dicts

    def __len__(self) -> int:
        if self._rows is None:
            return len(next(iter(self._columns.values()))) if self._columns else 0
        return len(self._rows)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]
        record = {key: self._epochs[i].get(key) for key in EPOCH_KEYS}
        found = self._block_of(i)
        if found is not None:
            block, e = found
            record["grad_norm"] = float(block["total_grad_norm"][e])
            record["weight_norm"] = float(block["weight_norm"][e])
            record["layers"] = [
                {"layer": self.layer_names[j]}
                | {
                    name: (None if np.isnan(v) else float(v))
                    for name, v in zip(LAYER_COLUMNS, row, strict=True)
                }
                for j, row in enumerate(self._block_table(block)[e])
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

    def _repr_html_(self) -> str:
        return _display_slot.build("history_html", self)  # HTML is built outside the engine

    @property
    def has_layers(self) -> bool:
        """Whether the per-layer measurements were recorded (``record`` not 'epochs')."""
        return bool(self._blocks)

    # ------------------------------------------------------------ epoch arrays

    def _scalar(self, key: str) -> Array:
        # Cached: diagnose() reads the same columns several times, at the end of fit.
        cached = self._cache.get(("scalar", key))
        if cached is None:
            # None (a number not measured that epoch) becomes NaN in a float array.
            if self._rows is None:
                column = (self._columns or {}).get(key)
                cached = np.full(len(self), np.nan) if column is None else column.copy()
            else:
                cached = np.array([e.get(key) for e in self._rows], dtype=float)
            block_key = {"grad_norm": "total_grad_norm", "weight_norm": "weight_norm"}.get(key)
            if block_key is not None:  # worked out when the recorder flushed
                for block, epochs in self._blocks:
                    cached[epochs] = block[block_key]
            self._cache[("scalar", key)] = cached
        return cached.copy()  # callers may change theirs

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

    def _block_table(self, block: dict[str, Any]) -> Array:
        """``(k, n_layers, len(LAYER_COLUMNS))``: the numbers of a block of k epochs.

        Worked out from the recorder's sums once, vectorised over the epochs.
        """
        if "table" in block:
            return block["table"]
        L, H = len(self.layer_names), len(self.activations)
        k = block["grad_norm"].shape[0]
        table = np.full((k, L, len(LAYER_COLUMNS)), np.nan)
        table[:, :, 0] = block["grad_norm"]
        table[:, :, 1] = np.sqrt(block["weight_sq"][:, :L])  # weights, then biases
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            table[:, :, 2] = np.sqrt(block["update_sq"][:, :L]) / table[:, :, 1]
            n = block["moment_rows"][:, None] * np.array(self.units[1:-1])  # (k, H)
            mean = block["moments"][:, :, 0] / n
            table[:, :H, 3] = mean
            table[:, :H, 4] = np.sqrt(np.maximum(block["moments"][:, :, 1] / n - mean**2, 0.0))
        share = self.thresholds.share
        for h, active in enumerate(self._block_active(block)):
            act = get_activation(self.activations[h])
            if act.family == "relu":
                table[:, h, 8] = np.mean(active == 0, axis=1)
            if act.mask_derivative:  # inactive everywhere: no gradient at all, dead
                table[:, h, 5] = table[:, h, 8]
            if act.family == "bounded":
                table[:, h, 6] = np.mean(active < 1.0 - share, axis=1)
            table[:, h, 7] = active.mean(axis=1)
        block["table"] = table
        return table

    def _block_active(self, block: dict[str, Any]) -> list[Array]:
        """Per hidden layer, ``(k, units)`` shares of samples each unit was active on."""
        rows = np.asarray(block["rows"], dtype=float)[:, None]
        return [
            np.ones((rows.shape[0], units)) if counts is None else counts / rows
            for counts, units in zip(block["active_counts"], self.units[1:-1], strict=True)
        ]

    def _layer_table(self) -> Array:
        """``(n_epochs, n_layers, len(LAYER_COLUMNS))``: every epoch's per-layer numbers."""
        self._need_layers()
        if "table" not in self._cache:
            table = np.full((len(self), len(self.layer_names), len(LAYER_COLUMNS)), np.nan)
            for block, epochs in self._blocks:
                table[epochs] = self._block_table(block)
            self._cache["table"] = table
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
        """``(n_epochs, n_hidden)``: share of a relu layer's units that are dead.

        A relu unit is dead in an epoch when it output exactly 0 on every sample of
        the epoch: its gradient was 0 throughout, and it cannot come back by itself.
        NaN for other activations: the rest of the ReLU family (leaky_relu, elu,
        ...) never outputs exactly 0 for negative inputs; see ``off_fraction``.
        """
        return self._column("dead_fraction", hidden=True)

    @property
    def off_fraction(self) -> Array:
        """``(n_epochs, n_hidden)``: share of a ReLU-family layer's units never switched on.

        Units whose input was negative on every sample of the epoch. For relu these
        are the dead units; leaky_relu, elu and the others still pass a small
        gradient back for negative inputs, so their switched-off units can recover.
        NaN for logistic, tanh and identity layers.
        """
        return self._column("off_fraction", hidden=True)

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
        out = [np.full((len(self), units), np.nan) for units in self.units[1:-1]]
        for block, epochs in self._blocks:
            for h, active in enumerate(self._block_active(block)):
                out[h][epochs] = active
        return out

    @property
    def histograms(self) -> list[tuple[Array, Array]]:
        """Per hidden layer, ``(counts (n_epochs, bins), edges (bins + 1,))`` of its outputs.

        Only with ``record='full'``; values outside the range are counted in the end
        bins.
        """
        if not any(block["histograms"] is not None for block, _ in self._blocks):
            raise ValueError(
                "Activation histograms are kept only with record='full'; fit the model "
                "again with MLPClassifier(record='full')."
            )
        out = []
        for h, act in enumerate(self.activations):
            counts = np.full((len(self), HISTOGRAM_BINS), np.nan)
            for block, epochs in self._blocks:
                if block["histograms"] is not None:
                    counts[epochs] = [per_epoch[h] for per_epoch in block["histograms"]]
            lo, hi = get_activation(act).histogram_range
            out.append((counts, np.linspace(lo, hi, HISTOGRAM_BINS + 1)))
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
        ``saturated_fraction``, ``mean_active_fraction``, ``off_fraction`` (NaN where
        a measurement does not apply to the layer).

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
    "off_fraction",
)


def _merged(blocks: list[tuple[dict[str, Any], Array]]) -> list[tuple[dict[str, Any], Array]]:
    """Join the recorder's blocks into one, when they hold the same kinds of measurement."""
    if len(blocks) < 2:
        return [({k: v for k, v in b.items() if k != "table"}, e) for b, e in blocks]
    first = blocks[0][0]
    same = all(
        (b["histograms"] is None) == (first["histograms"] is None)
        and [c is None for c in b["active_counts"]] == [c is None for c in first["active_counts"]]
        for b, _ in blocks
    )
    if not same:
        return [({k: v for k, v in b.items() if k != "table"}, e) for b, e in blocks]
    arrays = ("grad_norm", "total_grad_norm", "weight_sq", "weight_norm", "update_sq", "rows")
    merged: dict[str, Any] = {
        key: np.concatenate([b[key] for b, _ in blocks])
        for key in (*arrays, "moments", "moment_rows")
    }
    merged["active_counts"] = [
        None if c is None else np.concatenate([b["active_counts"][h] for b, _ in blocks])
        for h, c in enumerate(first["active_counts"])
    ]
    merged["histograms"] = (
        None if first["histograms"] is None else [e for b, _ in blocks for e in b["histograms"]]
    )
    return [(merged, np.concatenate([e for _, e in blocks]))]


def _columns(rows: list[dict[str, Any]]) -> dict[str, Array]:
    """Epoch-level numbers as one float array per key (None as NaN).

    Compact in any format (pickle, skops), where a list of dicts costs a node per number.
    """
    keys = sorted({key for epoch in rows for key in epoch})
    return {
        key: np.array(
            [np.nan if epoch.get(key) is None else epoch[key] for epoch in rows], dtype=float
        )
        for key in keys
    }


def _rows(columns: dict[str, Array]) -> list[dict[str, Any]]:
    """Undo ``_columns``: one dict per epoch, NaN back to None."""
    # v != v is NaN's test on Python floats: np.isnan per number is slower.
    lists = {
        key: [None if v != v else (int(v) if key == "epoch" else v) for v in values.tolist()]
        for key, values in columns.items()
    }
    keys = list(lists)
    return [dict(zip(keys, row, strict=True)) for row in zip(*lists.values(), strict=True)]
