"""``EarlyStopping``: stop when a watched number stops improving, and keep the best weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.callbacks._monitor import Monitor, check_monitor
from glassnet.nn._callbacks import Callback


class EarlyStopping(Callback):
    """Stop training when the watched number has not improved for ``patience`` epochs.

    Unlike the estimator's own stopping rule (``tol``/``n_iter_no_change``, which
    watches the training loss or, with ``early_stopping=True``, the validation
    accuracy), it can watch the validation loss, and it keeps the weights of the best
    epoch.

    Parameters
    ----------
    monitor : {'auto', 'validation_loss', 'loss', 'validation_score'}, default='auto'
        The record's column to watch: a loss (lower is better) or the validation
        accuracy (higher is better). 'auto' watches the validation loss when the
        model holds out validation rows (``early_stopping=True``), the training loss
        otherwise.
    patience : int, default=10
        Epochs without improvement after which training stops.
    min_delta : float, default=0.0
        The least improvement on the best value that counts.
    restore_best : bool, default=True
        At the end of training, put back the weights of the best epoch.

    Attributes
    ----------
    best_ : float
        The best value of the watched column.
    best_epoch_ : int or None
        Its epoch, numbered as in ``history_``.
    stopped_epoch_ : int or None
        The epoch after which this callback stopped training, None if it did not.
        With ``partial_fit``, which trains one epoch per call whatever a callback
        says, check it to end your loop; the best weights are restored when it
        fires.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from glassnet import MLPClassifier
    >>> from glassnet.callbacks import EarlyStopping
    >>> X, y = make_moons(300, noise=0.3, random_state=0)
    >>> stop = EarlyStopping(patience=5)
    >>> model = MLPClassifier((16,), early_stopping=True, n_iter_no_change=1000,
    ...                       max_iter=500, random_state=0, callbacks=[stop]).fit(X, y)
    >>> stop.monitor_, stop.stopped_epoch_ == stop.best_epoch_ + 5
    ('validation_loss', True)
    """

    def __init__(
        self,
        monitor: str = "auto",
        patience: int = 10,
        min_delta: float = 0.0,
        restore_best: bool = True,
    ) -> None:
        check_monitor(monitor, "EarlyStopping")
        if not isinstance(patience, int | np.integer) or isinstance(patience, bool) or patience < 1:
            raise ValueError(
                f"EarlyStopping(patience={patience!r}): give a whole number of epochs, 1 or more."
            )
        self.monitor = monitor
        self.patience = int(patience)
        self.min_delta = min_delta
        self.restore_best = restore_best
        self._reset()

    def _reset(self) -> None:
        self.monitor_: str | None = None
        self.best_: float | None = None
        self.best_epoch_: int | None = None
        self.stopped_epoch_: int | None = None
        self._watch: Monitor | None = None
        self._wait = 0
        self._best_weights: list[np.ndarray] | None = None

    def on_train_begin(self, model: Any) -> None:
        """Start watching afresh: each fit is a new run."""
        self._reset()
        self._watch = Monitor.start(self.monitor, self.min_delta, model, "EarlyStopping")
        self.monitor_ = self._watch.name

    def on_epoch_end(self, model: Any, record: dict[str, Any]) -> bool:
        """Keep the best epoch's weights; return True after ``patience`` epochs without it."""
        if self._watch is None:  # a partial_fit on a model trained before this callback
            self.on_train_begin(model)
        if self._watch.update(record):
            self.best_, self.best_epoch_ = self._watch.best, self._watch.best_epoch
            self._wait = 0
            if self.restore_best:
                self._best_weights = [w.copy() for w in (*model.coefs_, *model.intercepts_)]
            return False
        self._wait += 1
        if self._wait < self.patience:
            return False
        self.stopped_epoch_ = int(record["epoch"])
        self._restore(model)
        return True

    def on_train_end(self, model: Any) -> None:
        """Put back the best epoch's weights (``restore_best``)."""
        self._restore(model)

    def _restore(self, model: Any) -> None:
        if not self.restore_best or self._best_weights is None:
            return
        # In place: during training coefs_ are views into the network's parameters.
        for current, best in zip(
            (*model.coefs_, *model.intercepts_), self._best_weights, strict=True
        ):
            current[...] = best

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
            f"min_delta={self.min_delta}, restore_best={self.restore_best})"
        )
