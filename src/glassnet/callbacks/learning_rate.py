"""``ReduceLROnPlateau``: divide the step size when a watched number stops improving."""

from __future__ import annotations

from typing import Any

from glassnet.callbacks._monitor import Monitor, check_monitor
from glassnet.nn._callbacks import Callback, learning_rate, scale_learning_rate


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when the watched number stalls.

    For ``solver='sgd'`` (any schedule) and ``'adam'``; the record's
    ``learning_rate`` shows the new rate from the next epoch on. Give the estimator a
    ``n_iter_no_change`` larger than ``patience``, or its own stopping rule may end
    training before the rate is ever reduced.

    Parameters
    ----------
    monitor : {'auto', 'loss', 'validation_loss', 'validation_score'}, default='auto'
        The record's column to watch ('auto': the validation loss with
        ``early_stopping=True``, else the training loss).
    factor : float, default=0.1
        What the rate is multiplied by, in (0, 1).
    patience : int, default=5
        Epochs without improvement before the rate is reduced.
    min_delta : float, default=1e-4
        The least improvement on the best value that counts.
    cooldown : int, default=0
        Epochs after a reduction during which no other is made.
    min_lr : float, default=0.0
        The rate is never reduced below this.

    Attributes
    ----------
    reductions_ : list of (int, float)
        Each reduction's epoch (numbered as in ``history_``) and the new rate.
    """

    def __init__(
        self,
        monitor: str = "auto",
        factor: float = 0.1,
        patience: int = 5,
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        check_monitor(monitor, "ReduceLROnPlateau")
        if not 0 < factor < 1:
            raise ValueError(
                f"ReduceLROnPlateau(factor={factor!r}): the rate is multiplied by it, so give "
                "a number between 0 and 1 (0.1 divides the rate by 10)."
            )
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"ReduceLROnPlateau({name}={value!r}): give a whole number of epochs."
                )
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.reductions_: list[tuple[int, float]] = []
        self._watch: Monitor | None = None

    def on_train_begin(self, model: Any) -> None:
        """Start watching afresh; refuse 'lbfgs', which has no learning rate."""
        if model.solver == "lbfgs":
            raise ValueError(
                "ReduceLROnPlateau changes the step size of solver='sgd' or 'adam'; "
                "'lbfgs' chooses its own steps by line search. Use solver='adam' or "
                "'sgd', or remove ReduceLROnPlateau from callbacks."
            )
        self._watch = Monitor.start(self.monitor, self.min_delta, model, "ReduceLROnPlateau")
        self.reductions_ = []
        self._wait = 0
        self._cooling = 0

    def on_epoch_end(self, model: Any, record: dict[str, Any]) -> None:
        """Count epochs without improvement; reduce the rate after ``patience`` of them."""
        if self._watch is None:  # a partial_fit on a model trained before this callback
            self.on_train_begin(model)
        if self._cooling:
            self._cooling -= 1
        if self._watch.update(record):
            self._wait = 0
            return
        if self._cooling:
            return
        self._wait += 1
        rate = learning_rate(model)
        if self._wait < self.patience or rate is None or rate <= self.min_lr:
            return
        scale_learning_rate(model, max(self.factor, self.min_lr / rate))
        self.reductions_.append((int(record["epoch"]), learning_rate(model)))
        self._wait = 0
        self._cooling = self.cooldown

    def __repr__(self) -> str:
        return (
            f"ReduceLROnPlateau(monitor={self.monitor!r}, factor={self.factor}, "
            f"patience={self.patience}, min_delta={self.min_delta}, cooldown={self.cooldown}, "
            f"min_lr={self.min_lr})"
        )
