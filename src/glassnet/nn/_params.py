"""Validation of MLPClassifier's hyperparameters, with messages that say what to do.

scikit-learn validates through a private framework; glassnet checks its parameters
here, in plain code, when ``fit`` starts (``__init__`` stores them untouched).
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

from glassnet.nn._activations import Activation, get_activation
from glassnet.nn._callbacks import check_callbacks
from glassnet.nn._init import get_initializer
from glassnet.nn._optimizers import SOLVERS


def check_params(est: Any) -> tuple[list[int], list[Activation], list[float]]:
    """Validate an MLPClassifier's hyperparameters.

    Parameters
    ----------
    est : MLPClassifier
        The estimator whose parameters to check.

    Returns
    -------
    sizes : list of int
        Units of each hidden layer.
    activations : list of Activation
        One per hidden layer.
    dropout : list of float
        One per hidden layer.

    Raises
    ------
    ValueError
        Naming the parameter, the value received and what is accepted.
    """
    sizes = hidden_sizes(est.hidden_layer_sizes)
    acts = [get_activation(a) for a in per_layer("activation", est.activation, sizes)]
    get_initializer(est.init)
    dropout = [float(p) for p in per_layer("dropout", est.dropout, sizes)]
    _check_choice("solver", est.solver, SOLVERS)
    _check_choice("learning_rate", est.learning_rate, ("constant", "invscaling", "adaptive"))
    # (name, value, low, high, low included); high is always included
    bounds = [
        ("alpha", est.alpha, 0, None, True),
        ("learning_rate_init", est.learning_rate_init, 0, None, False),
        ("power_t", est.power_t, 0, None, True),
        ("tol", est.tol, 0, None, True),
        ("momentum", est.momentum, 0, 1, True),
        ("epsilon", est.epsilon, 0, None, False),
    ]
    for name, value, low, high, low_ok in bounds:
        _check_real(name, value, low, high, low_ok)
    for name in ("validation_fraction", "beta_1", "beta_2"):
        _check_real(name, getattr(est, name), 0, None, True)
        if getattr(est, name) >= 1:
            raise ValueError(f"{name} must be below 1, got {getattr(est, name)!r}.")
    _check_int("max_iter", est.max_iter, 1)
    _check_int("max_fun", est.max_fun, 1)
    if est.n_iter_no_change != np.inf:
        _check_int("n_iter_no_change", est.n_iter_no_change, 1)
    if est.batch_size != "auto":
        _check_int("batch_size", est.batch_size, 1)
    if any(not 0 <= p < 1 for p in dropout):
        raise ValueError(f"dropout must be in [0, 1) for every hidden layer, got {est.dropout!r}.")
    if est.clip_grad_norm is not None:
        _check_real("clip_grad_norm", est.clip_grad_norm, 0, None, False)
    if est.solver == "lbfgs":
        # L-BFGS needs one deterministic loss, and takes no raw gradient steps to clip.
        for name, unused in (("dropout", any(dropout)), ("clip_grad_norm", est.clip_grad_norm)):
            if unused:
                raise ValueError(
                    f"{name} works with solver='sgd' or 'adam', not 'lbfgs'; change the "
                    f"solver or leave {name} unset."
                )
    _check_choice("record", est.record, ("layers", "epochs", "full"))
    if not isinstance(est.health_warnings, bool | np.bool_):
        raise ValueError(f"health_warnings must be True or False, got {est.health_warnings!r}.")
    check_callbacks(est.callbacks)
    if est.dtype is not None and np.dtype(est.dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be None, 'float32' or 'float64', got {est.dtype!r}.")
    return sizes, acts, dropout


def batch_rows(batch_size: int | str, n_samples: int) -> int:
    """Rows per minibatch of the stochastic solvers: 'auto' is ``min(200, n_samples)``."""
    return min(200, n_samples) if batch_size == "auto" else min(batch_size, n_samples)


def hidden_sizes(value: Any) -> list[int]:
    """Return ``hidden_layer_sizes`` as a list of positive ints, or raise ValueError."""
    sizes = list(value) if hasattr(value, "__iter__") else [value]
    for layer, units in enumerate(sizes, start=1):
        if not _is_int(units) or units <= 0:
            raise ValueError(
                f"hidden_layer_sizes must be positive whole numbers of units, got "
                f"{value!r}: hidden layer {layer} has {units!r}. Use for example "
                "hidden_layer_sizes=(16, 8)."
            )
    return [int(s) for s in sizes]


def per_layer(name: str, value: Any, sizes: list[int]) -> list:
    """Expand a per-hidden-layer parameter (one value, or a list of one per layer)."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        return [value] * len(sizes)
    values = list(value)
    if len(values) != len(sizes):
        raise ValueError(
            f"{name} has {len(values)} entries but there are {len(sizes)} hidden layers "
            f"(hidden_layer_sizes={tuple(sizes)}); give one per hidden layer or a single "
            "value for all."
        )
    return values


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral | np.integer) and not isinstance(value, bool)


def _check_choice(name: str, value: Any, valid: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in valid:
        options = ", ".join(repr(v) for v in valid)
        raise ValueError(f"{name}={value!r} is not valid; choose one of {options}.")


def _check_real(name: str, value: Any, low: float, high: float | None, low_ok: bool) -> None:
    ok = isinstance(value, Real) and not isinstance(value, bool) and not np.isnan(value)
    if ok:
        ok = (value >= low if low_ok else value > low) and (high is None or value <= high)
        ok = ok and (high is None or np.isfinite(value))
    if not ok:
        bound = (f">= {low}" if low_ok else f"> {low}") + (f" and <= {high}" if high else "")
        raise ValueError(f"{name} must be a number {bound}, got {value!r}.")


def _check_int(name: str, value: Any, low: int) -> None:
    if not _is_int(value) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}.")
