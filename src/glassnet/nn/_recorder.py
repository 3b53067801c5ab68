"""Measuring a network's health while it trains, minibatch by minibatch.

Every minibatch leaves its layer outputs and gradients in the network's work arrays;
the recorder reads them before the next minibatch overwrites them, and keeps only
sums: how often each hidden unit was *active*, the sum and sum of squares of each
layer's outputs, each layer's squared gradient norm. At the end of an epoch the sums
go into the :class:`~glassnet.nn._history.TrainingHistory`, which turns them into
fractions, means and norms only when someone asks. A handful of BLAS calls per
minibatch and layer: the measurements cost a few per cent of training time (see
``benchmarks/engine_vs_sklearn.py``).

A unit is *active* on a sample when its output is in the region where the activation
passes gradient back; each activation says where (``Activation.active_rule``):

- ReLU family (relu, leaky_relu, elu, selu, gelu, swish, mish, softplus): input > 0.
  A relu unit inactive on every sample outputs exactly 0 and gets no gradient: it is
  dead. The others still pass a small gradient back and can recover.
- logistic: ``margin <= a <= 1 - margin``; tanh: ``|a| <= level``. Outside, the unit
  is saturated (its derivative is below 8 % of its peak for the defaults).
- identity: always active.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.nn._history import HISTOGRAM_BINS, TrainingHistory

Array = np.ndarray


@dataclass(frozen=True)
class SaturationThresholds:
    """When a logistic or tanh unit counts as saturated.

    Attributes
    ----------
    logistic : float, default=0.02
        A logistic output below ``logistic`` or above ``1 - logistic`` is saturated:
        the derivative ``a (1 - a)`` is then below 0.0196, 8 % of its peak of 0.25.
    tanh : float, default=0.97
        A tanh output with ``|a| > tanh`` is saturated: ``1 - a**2`` is below 0.06,
        6 % of its peak of 1.
    share : float, default=0.99
        A unit saturated on more than this share of an epoch's samples counts as a
        saturated unit.

    Notes
    -----
    Saturation as outputs piling up at the asymptotes of a bounded activation is
    the picture of Glorot & Bengio (2010), "Understanding the difficulty of training
    deep feedforward neural networks" (their Fig. 2 shows sigmoid top-layer outputs
    stuck at 0); measuring it as the share of outputs near the asymptotes follows
    Rakitianskaia & Engelbrecht (2015), "Measuring saturation in neural networks".
    The numbers are conventions (the derivative falls smoothly); these defaults
    flag units that pass back less than a tenth of the gradient they could.
    """

    logistic: float = 0.02
    tanh: float = 0.97
    share: float = 0.99

    @classmethod
    def from_param(cls, value: dict | None) -> SaturationThresholds:
        """Build from the estimator's ``saturation`` parameter (a dict or None)."""
        if value is None:
            return cls()
        if not isinstance(value, dict) or not set(value) <= {"logistic", "tanh", "share"}:
            raise ValueError(
                "saturation must be None or a dict with some of the keys 'logistic' "
                f"(default 0.02), 'tanh' (0.97) and 'share' (0.99); got {value!r}."
            )
        out = cls(**{k: float(v) for k, v in value.items()})
        if not (0 < out.logistic < 0.5 and 0 < out.tanh < 1 and 0 < out.share <= 1):
            raise ValueError(
                "saturation thresholds must satisfy 0 < logistic < 0.5, 0 < tanh < 1 and "
                f"0 < share <= 1; got {value!r}."
            )
        return out


class Recorder:
    """Accumulates per-layer measurements over the minibatches of training.

    Parameters
    ----------
    net : Network
        The network being trained; its work arrays are read after each minibatch.
    history : TrainingHistory
        Where finished epochs are written.
    level : {'epochs', 'layers', 'full'}
        'epochs' keeps only epoch-level numbers (loss, learning rate, norms of the
        whole network); 'layers' adds the per-layer and per-unit measurements;
        'full' also keeps histograms of every hidden layer's outputs.
    n_batches : int
        Minibatches per epoch at most (1 for L-BFGS); sizes the buffers.
    need_norm : bool, default=True
        Whether ``after_batch`` must return the gradient's norm (for clipping);
        otherwise it may return NaN and leave the norm to ``flush``.

    Notes
    -----
    A small network trains in tens of microseconds per minibatch, so every NumPy
    call here counts. Each minibatch writes one row of per-batch buffers: a copy of
    the gradient (small networks; large ones square it and sum each layer's part
    with one ``reduceat``) and, per hidden layer, one BLAS product for the active
    counts. Each epoch copies the parameters into a snapshot row and sums the last
    minibatch's outputs and their squares. Only every ``chunk`` epochs (and whenever
    someone needs the history) are the buffers reduced into per-epoch numbers, in
    a few vectorised calls for the whole chunk.
    """

    def __init__(
        self,
        net: Any,
        history: TrainingHistory,
        level: str,
        n_batches: int,
        need_norm: bool = True,
    ) -> None:
        self.net = net
        self.need_norm = need_norm
        self.history = history
        self.level = level
        self.layers = level != "epochs"
        # Boundaries of each layer's weights, then biases, in the flat vectors.
        sizes = [p.size for p in (*net.coefs, *net.intercepts)]
        self._offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        self._units = net.layer_units[1:-1]
        self._counted = [rule is not None for rule in net.active_rules[:-1]]
        n_params, n_layers = net.params.size, net.n_layers
        # Small networks copy each minibatch's gradient (one cheap call) and reduce the
        # copies per layer at flush; large ones square and reduce it right away.
        self._copy_grads = n_params <= 4096
        per_batch = (n_params if self._copy_grads else 2 * n_layers) + sum(self._units)
        # Epochs per chunk: buffers of at most ~128k numbers (1 MB), at least one epoch.
        cap = 2**17
        self.chunk = max(1, min(1000, cap // n_params, cap // (n_batches * per_batch)))
        rows = self.chunk * n_batches
        dtype = net.dtype
        self._sq = np.empty_like(net.grads)
        self._grad_sq = np.empty((0 if self._copy_grads else rows, 2 * n_layers), dtype=dtype)
        self._indicator = None
        if n_params * n_layers <= 2**20:
            # Column j sums the parameters of segment j (weights of each layer, then biases).
            segment = np.searchsorted(self._offsets, np.arange(n_params), side="right") - 1
            self._indicator = np.zeros((n_params, 2 * n_layers))
            self._indicator[np.arange(n_params), segment] = 1.0
        self._grad_rows = np.empty((rows, n_params) if self._copy_grads else (0, 0), dtype=dtype)
        # Active counts: a row per minibatch, summed per epoch at flush; unless that
        # would be large (millions of rows), then a row per epoch, added to as we go.
        self._accumulate = n_batches * sum(self._units) > 8 * cap
        count_rows = self.chunk if self._accumulate else rows
        self._counts = [np.zeros((count_rows, u), dtype=dtype) for u in self._units]
        self._count_tmp = [np.empty(u, dtype=dtype) for u in self._units]
        self._snapshots = np.empty((self.chunk + 1, n_params), dtype=dtype)
        # Squares at flush go here: a fresh temporary of this size (up to 1 MB) costs
        # more in page faults than the arithmetic.
        self._scratch = np.empty((max(self._grad_rows.shape[0], self.chunk), n_params))
        self._snapshots[0] = net.params
        self._hist: list[list[Array]] = []
        # Buffered epochs: (number, first per-batch row, training rows), one tuple each.
        self._epochs: list[tuple[int, int, int]] = []
        self._moments = np.full((self.chunk, len(self._units)), np.nan)  # sums of squares
        self._unit_sums = np.full((self.chunk, sum(self._units)), np.nan, dtype=dtype)
        bounds = np.cumsum([0, *self._units]).tolist()
        self._unit_slices = [slice(lo, hi) for lo, hi in itertools.pairwise(bounds)]
        self._full = level == "full"
        self._moment_rows = np.full(self.chunk, np.nan)
        self._batch = 0  # next row of the per-batch buffers
        self._rows = 0
        self._norm_total = 0.0
        self._plan: list = []
        self._views: list[tuple] = []
        self._moment_plan: list[tuple[Array, Array, Array, int]] = []
        if self.layers and self._copy_grads and not (self._accumulate or self._full or need_norm):
            # The usual case for a small network: a leaner after_batch, since a step of
            # such a network costs tens of microseconds and every branch shows.
            self.after_batch = self._after_batch_small  # type: ignore[method-assign]

    def start_epoch(self, rows: int) -> None:
        """Begin an epoch over ``rows`` training rows."""
        self._norm_total = 0.0
        self._rows = rows
        if not self.layers:
            self._batch = 0
        self._first = self._batch
        if self.level == "full":
            self._hist.append([np.zeros(HISTOGRAM_BINS) for _ in self._units])

    def _refresh(self) -> list[tuple]:
        """Re-read the network's work arrays after its minibatch size changed."""
        plan = self._plan = self.net.plan
        self._ones = self.net.ones
        self._batch_rows = self._ones.size
        hidden = plan[:-1]
        # Per hidden layer: its output, the same as a flat vector (for its sum of
        # squares), and where its per-unit sums go in a row of the unit-sum buffer.
        self._moment_plan = [
            (s.a, s.a.reshape(-1), sl, h)
            for h, (s, sl) in enumerate(zip(hidden, self._unit_slices, strict=True))
        ]
        self._views = [
            (s.active, counts, tmp)
            for s, counts, tmp in zip(hidden, self._counts, self._count_tmp, strict=True)
            if s.active is not None
        ]
        return self._views

    def skip(self, n: int) -> None:
        """Note a minibatch of ``n`` rows skipped (its weights were all 0)."""
        self._rows -= n

    def after_batch(self) -> float:
        """Take this minibatch's measurements; return its gradient's L2 norm."""
        grads = self.net.grads
        b = self._batch
        self._batch = b + 1
        if not self.layers:
            norm = math.sqrt(grads @ grads)
            self._norm_total += norm
            return norm
        # The norms are worked out at flush; here only when clipping needs one now.
        norm = math.nan
        if self._copy_grads:  # small: keep the gradient, reduce it per layer at flush
            np.copyto(self._grad_rows[b], grads)
            if self.need_norm:
                norm = math.sqrt(grads @ grads)
        else:
            sq = self._sq
            np.multiply(grads, grads, out=sq)
            seg = np.add.reduceat(sq, self._offsets, out=self._grad_sq[b])
            if self.need_norm:
                norm = math.sqrt(sum(seg.tolist()))
        if self.net.plan is not self._plan:
            self._refresh()
        ones = self._ones
        if self._accumulate:
            k = len(self._epochs)
            for active, counts, tmp in self._views:
                np.dot(ones, active, out=tmp)
                counts[k] += tmp
        else:
            for active, counts, _ in self._views:
                np.dot(ones, active, out=counts[b])
        if self._full:
            for h, step in enumerate(self.net.plan[:-1]):
                lo, hi = step.act.histogram_range
                hist = np.histogram(np.clip(step.a, lo, hi), HISTOGRAM_BINS, (lo, hi))[0]
                self._hist[-1][h] += hist
        return norm

    def _after_batch_small(self) -> float:
        """:meth:`after_batch` for a small network, without clipping or histograms."""
        b = self._batch
        self._batch = b + 1
        np.copyto(self._grad_rows[b], self.net.grads)
        if self.net.plan is not self._plan:
            self._refresh()
        ones = self._ones
        for active, counts, _ in self._views:
            np.dot(ones, active, out=counts[b])
        return math.nan

    def end_epoch(self, **scalars: float | None) -> None:
        """Close the epoch: its scalars go to the history now, its layer sums later."""
        n_batches = self._batch - self._first
        params = self.net.params
        if not self.layers:
            scalars["grad_norm"] = self._norm_total / n_batches if n_batches else math.nan
            scalars["weight_norm"] = math.sqrt(params @ params)
            self.history.append(scalars)
            return
        scalars["grad_norm"] = scalars["weight_norm"] = None  # filled in at flush
        epoch = self.history.append(scalars)
        k = len(self._epochs)
        if n_batches:
            # Output moments of the epoch's last minibatch (still in the work arrays):
            # per-unit sums by BLAS, and the layer's sum of squares.
            sums, squares, ones = self._unit_sums[k], self._moments[k], self._ones
            for a, flat, sl, h in self._moment_plan:
                np.dot(ones, a, out=sums[sl])
                squares[h] = flat @ flat
            self._moment_rows[k] = self._batch_rows
        self._epochs.append((epoch, self._first, self._rows))
        np.copyto(self._snapshots[k + 1], params)
        if k + 1 == self.chunk:
            self.flush()

    def _segment_squares(self, rows: Array) -> Array:
        """Per row, the squared norm of each layer's weights, then each layer's biases."""
        squares = np.square(rows, out=self._scratch[: rows.shape[0]])
        if self._indicator is not None:
            return squares @ self._indicator  # one BLAS product for all segments
        return np.add.reduceat(squares, self._offsets, axis=1)

    def _per_epoch(self, rows: Array, starts: Array, end: int) -> Array:
        """Sum each epoch's rows of a per-minibatch buffer (``starts``: first rows)."""
        k = starts.size
        if k and end == k * (end // k) and (starts == np.arange(k) * (end // k)).all():
            # Every epoch had the same number of minibatches: a reshape, no segments.
            return rows[:end].reshape(k, end // k, *rows.shape[1:]).sum(axis=1, dtype=float)
        out = np.zeros((k, *rows.shape[1:]))
        for e, (lo, hi) in enumerate(itertools.pairwise([*starts.tolist(), end])):
            out[e] = rows[lo:hi].sum(axis=0, dtype=float)
        return out

    def flush(self) -> None:
        """Reduce the buffered epochs into per-epoch numbers and hand them to the history."""
        k = len(self._epochs)
        if not k:
            return
        numbers, firsts, epoch_rows = zip(*self._epochs, strict=True)
        starts = np.array(firsts, dtype=np.intp)
        end = self._batch
        L = self.net.n_layers
        snaps = self._snapshots
        weight_sq = self._segment_squares(snaps[1 : k + 1])
        update_sq = self._segment_squares(
            np.subtract(snaps[1 : k + 1], snaps[:k], out=self._scratch[:k])
        )
        if self._copy_grads:
            grad_sq = self._segment_squares(self._grad_rows[:end])
        else:
            grad_sq = self._grad_sq[:end].astype(float)
        sizes = np.diff(np.append(starts, end))[:, None]
        # Per minibatch: each layer's norm, and the whole gradient's; averaged per epoch.
        norms = np.sqrt(np.hstack([grad_sq[:, :L] + grad_sq[:, L:], grad_sq.sum(axis=1)[:, None]]))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_norms = self._per_epoch(norms, starts, end) / sizes  # NaN: no minibatch
        if self._accumulate:
            counts = [
                c[:k].astype(float) if counted else None
                for c, counted in zip(self._counts, self._counted, strict=True)
            ]
            for c in self._counts:
                c[:k] = 0.0
        else:
            counts = [
                self._per_epoch(c, starts, end) if counted else None
                for c, counted in zip(self._counts, self._counted, strict=True)
            ]
        self.history.set_layers(
            list(numbers),
            {
                "grad_norm": mean_norms[:, :L],
                "total_grad_norm": mean_norms[:, L],
                "weight_sq": weight_sq,
                "weight_norm": np.sqrt(weight_sq.sum(axis=1)),
                "update_sq": update_sq,
                "rows": np.array(epoch_rows, dtype=float),
                "active_counts": counts,
                "moments": np.stack(
                    [
                        np.column_stack(
                            [self._unit_sums[:k, sl].sum(axis=1) for sl in self._unit_slices]
                        )
                        if self._units
                        else np.zeros((k, 0)),
                        self._moments[:k],
                    ],
                    axis=-1,
                ),
                "moment_rows": self._moment_rows[:k].copy(),
                "histograms": self._hist or None,
            },
        )
        snaps[0] = snaps[k]
        self._epochs, self._hist = [], []
        self._moments[:k] = np.nan
        self._unit_sums[:k] = np.nan
        self._moment_rows[:k] = np.nan
        self._batch = 0
