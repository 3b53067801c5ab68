"""Callbacks: the caller's code, run when training starts, after every epoch and at its end.

``MLPClassifier(callbacks=[...])`` takes two kinds, mixed freely:

- a plain callable, ``callback(record)``, called after every epoch with that epoch's
  record (a dict: ``history_[-1]``); returning True stops training;
- an object with any of :class:`Callback`'s hooks, which also reach the model:
  ``on_train_begin(model)``, ``on_epoch_end(model, record)`` (returning True stops
  training) and ``on_train_end(model)``. ``glassnet.callbacks`` ships some.

When each hook runs:

- ``on_train_begin``: once the network is initialised, before the first epoch, in
  every ``fit`` and ``fit_epochs``, and in the ``partial_fit`` call that starts a
  model (the one that draws its weights): later ``partial_fit`` calls continue that
  run. A callback that keeps state across epochs resets it here, so that one
  callback serves fit after fit (and the copies ``GridSearchCV`` makes);
- ``on_epoch_end``: after every epoch (every iteration for 'lbfgs'), ``history_`` up
  to date; every callback runs, even after one of them has asked to stop;
- ``on_train_end``: when ``fit`` or ``fit_epochs`` ends by itself (``max_iter``, the
  stopping rule, a callback, Ctrl-C), after the early-stopping weights are restored.
  Not after ``partial_fit`` (its caller decides when a run of calls ends), nor when
  training diverges or a ``fit_epochs`` loop breaks out.

The estimator calls the three functions below and knows nothing else of callbacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

HOOKS = ("on_train_begin", "on_epoch_end", "on_train_end")


class Callback:
    """A callback that reaches the model; every hook does nothing until overridden.

    Subclass it and override the hooks you need; any object with these methods
    will do as well (the base class is a convenience, not a requirement).
    """

    def on_train_begin(self, model: Any) -> None:
        """Run once the network is initialised, before its first epoch.

        Parameters
        ----------
        model : MLPClassifier
            The estimator being trained: ``coefs_`` hold the initial weights.
        """

    def on_epoch_end(self, model: Any, record: dict[str, Any]) -> bool | None:
        """Run after every epoch; return True to stop training.

        Parameters
        ----------
        model : MLPClassifier
            The estimator being trained, its weights and ``history_`` up to date.
        record : dict
            The epoch's record, ``model.history_[-1]``.

        Returns
        -------
        bool or None
            True stops training after this epoch.
        """
        return None

    def on_train_end(self, model: Any) -> None:
        """Run when training ends by itself (see the module's description).

        Parameters
        ----------
        model : MLPClassifier
            The trained estimator.
        """


def has_hooks(callback: object) -> bool:
    """Whether ``callback`` has any of the hooks (else it is a plain callable)."""
    return any(callable(getattr(callback, hook, None)) for hook in HOOKS)


def check_callbacks(callbacks: object) -> None:
    """Raise ValueError unless ``callbacks`` is None or a sequence of callbacks.

    Parameters
    ----------
    callbacks : object
        The estimator's ``callbacks`` parameter.
    """
    if callbacks is None:
        return
    if not isinstance(callbacks, Sequence) or isinstance(callbacks, str):
        raise ValueError(
            f"callbacks must be a list of callables or callback objects, got a "
            f"{type(callbacks).__name__}; pass callbacks=[your_callback] (a list, even "
            "for one)."
        )
    for i, callback in enumerate(callbacks):
        if not (callable(callback) or has_hooks(callback)):
            raise ValueError(
                f"callbacks must be a list of callables or callback objects: callbacks[{i}] "
                f"is {callback!r:.60}, neither a function taking an epoch's record nor an "
                "object with on_train_begin, on_epoch_end or on_train_end. Pass a function "
                "or a glassnet.callbacks object."
            )


def train_begin(callbacks: Sequence[Any] | None, model: Any) -> None:
    """Run every callback's ``on_train_begin(model)``."""
    for callback in callbacks or ():
        hook = getattr(callback, "on_train_begin", None)
        if callable(hook):
            hook(model)


def epoch_end(callbacks: Sequence[Any] | None, model: Any, record: dict[str, Any]) -> bool:
    """Run every callback on the epoch's record; return True if any asks to stop."""
    stop = False
    for callback in callbacks or ():
        if has_hooks(callback):
            hook = getattr(callback, "on_epoch_end", None)
            answer = hook(model, record) if callable(hook) else None
        else:
            answer = callback(record)
        stop = bool(answer) or stop
    return stop


def train_end(callbacks: Sequence[Any] | None, model: Any) -> None:
    """Run every callback's ``on_train_end(model)``."""
    for callback in callbacks or ():
        hook = getattr(callback, "on_train_end", None)
        if callable(hook):
            hook(model)


def learning_rate(model: Any) -> float | None:
    """Return the step size the next epoch of ``model``'s training will start with.

    Parameters
    ----------
    model : MLPClassifier
        An estimator being trained (or trained) with 'sgd' or 'adam'.

    Returns
    -------
    float or None
        The optimiser's ``learning_rate`` (Adam's with its bias correction folded
        in, as the record shows it); None for 'lbfgs', which has no step size.
    """
    optimizer = getattr(model, "_optimizer", None)
    return None if optimizer is None else float(optimizer.learning_rate)


def scale_learning_rate(model: Any, factor: float) -> None:
    """Multiply the step size of ``model``'s optimiser by ``factor``, from the next step.

    Scales the optimiser's initial rate with it, from which Adam and SGD's
    'invscaling' schedule recompute the rate, so the change lasts; the record's
    ``learning_rate`` shows it from the next epoch on.

    Parameters
    ----------
    model : MLPClassifier
        An estimator being trained with 'sgd' or 'adam'.
    factor : float
        Positive; below 1 to reduce the rate.

    Raises
    ------
    ValueError
        If the model has no optimiser ('lbfgs', or not training).
    """
    optimizer = getattr(model, "_optimizer", None)
    if optimizer is None:
        raise ValueError(
            f"the model has no step size to change (solver={model.solver!r}): only "
            "solver='sgd' and 'adam' have a learning rate, and only while they train."
        )
    optimizer.scale_learning_rate(factor)
