"""The number a callback watches for progress, and when it counts as progress.

``EarlyStopping``, ``ReduceLROnPlateau`` and ``ModelCheckpoint`` all watch one column
of the epoch's record: a loss (lower is better) or the validation accuracy (higher is
better), improved when it beats the best so far by more than ``min_delta``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# The record's columns a callback may watch, each with whether higher is better.
MONITORS = {"loss": False, "validation_loss": False, "validation_score": True}


def check_monitor(monitor: object, owner: str) -> None:
    """Raise ValueError unless ``monitor`` is 'auto' or one of ``MONITORS``."""
    if monitor != "auto" and monitor not in MONITORS:
        valid = ", ".join(repr(name) for name in ("auto", *MONITORS))
        raise ValueError(f"{owner}(monitor={monitor!r}) is not a column it can watch; use {valid}.")


@dataclass
class Monitor:
    """One training run's watch over a column of the record.

    Attributes
    ----------
    name : str
        The record's column.
    min_delta : float
        The least change over the best that counts as progress.
    best : float
        The best value so far (infinite before the first epoch).
    best_epoch : int or None
        The epoch (as numbered in ``history_``) that reached it.
    """

    name: str
    min_delta: float
    best: float = math.inf
    best_epoch: int | None = None

    @classmethod
    def start(cls, monitor: str, min_delta: float, model: Any, owner: str) -> Monitor:
        """Begin watching ``monitor`` on ``model``'s training; 'auto' picks the column.

        'auto' is the validation loss when the model holds out validation rows
        (``early_stopping=True`` with 'sgd' or 'adam'), the training loss otherwise.

        Raises
        ------
        ValueError
            If the column is a validation one and the model has no validation rows, or
            ``min_delta`` is negative.
        """
        check_monitor(monitor, owner)
        if not (isinstance(min_delta, int | float) and min_delta >= 0):
            raise ValueError(f"{owner}(min_delta={min_delta!r}): give a number of 0 or more.")
        validates = bool(model.early_stopping) and model.solver != "lbfgs"
        if monitor == "auto":
            monitor = "validation_loss" if validates else "loss"
        if monitor != "loss" and not validates:
            raise ValueError(
                f"{owner}(monitor={monitor!r}) needs validation rows, which the model holds "
                f"out only with early_stopping=True and solver='sgd' or 'adam' (it has "
                f"early_stopping={model.early_stopping!r}, solver={model.solver!r}). Set "
                "early_stopping=True (and a large n_iter_no_change, to let the callback "
                "decide), or watch monitor='loss'."
            )
        sign = -1.0 if MONITORS[monitor] else 1.0
        return cls(monitor, float(min_delta), best=sign * math.inf)

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger value is progress (the validation accuracy)."""
        return MONITORS[self.name]

    def update(self, record: dict[str, Any]) -> bool:
        """Take an epoch's record; return whether it improved on the best (and keep it)."""
        value = record.get(self.name)
        if value is None or not math.isfinite(value):
            return False
        if self.higher_is_better:
            improved = value > self.best + self.min_delta
        else:
            improved = value < self.best - self.min_delta
        if improved:
            self.best, self.best_epoch = float(value), int(record["epoch"])
        return improved
