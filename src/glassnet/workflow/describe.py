"""What is inside a fitted glassnet pipeline, as plain data: layers, settings, preprocessing.

The architecture and parameters come from the fitted network, and the preprocessing
from the fitted ``ColumnTransformer`` itself (the values that fill missing cells, the
scaling, the categories), so what is described is what the model will do, not what a
command line asked for. ``glassnet inspect`` prints it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.nn import MLPClassifier

# Not hyperparameters: how training reports, not what it learns.
_NOT_SHOWN = {"callbacks", "verbose"}


def describe_architecture(network: MLPClassifier) -> dict[str, Any]:
    """Layer sizes, activations and parameter counts of a fitted network.

    Parameters
    ----------
    network : MLPClassifier
        A fitted glassnet classifier.

    Returns
    -------
    dict
        ``layers`` (units, input to output), ``activations`` (one per layer after
        the input), ``weights``, ``biases`` and ``parameters`` (their sum).
    """
    # coefs_[i]: (units in layer i, units in layer i + 1)
    layers = [int(network.coefs_[0].shape[0])] + [int(c.shape[1]) for c in network.coefs_]
    hidden = len(layers) - 2
    activation = network.activation
    names = [activation] * hidden if isinstance(activation, str) else list(activation)
    weights = int(sum(c.size for c in network.coefs_))
    biases = int(sum(b.size for b in network.intercepts_))
    return {
        "layers": layers,
        "activations": [*names, network.out_activation_],
        "weights": weights,
        "biases": biases,
        "parameters": weights + biases,
    }


def non_default_params(network: MLPClassifier) -> dict[str, Any]:
    """List the hyperparameters that differ from ``MLPClassifier()``'s defaults.

    Parameters
    ----------
    network : MLPClassifier
        The classifier.

    Returns
    -------
    dict
        Name to value, JSON-friendly (tuples as lists).
    """
    defaults = MLPClassifier().get_params()
    changed = {}
    for name, value in network.get_params().items():
        if name in _NOT_SHOWN or _same(value, defaults.get(name)):
            continue
        changed[name] = list(value) if isinstance(value, tuple) else value
    return changed


def describe_preprocessing(prepare: Any) -> list[dict[str, Any]]:
    """Describe what the fitted ``ColumnTransformer`` does to each input column.

    Parameters
    ----------
    prepare : sklearn.compose.ColumnTransformer
        The fitted ``"prepare"`` step of a glassnet pipeline.

    Returns
    -------
    list of dict
        One per column: ``column``, ``kind`` ("numeric" or "categorical"), ``fill``
        (the imputer's strategy), ``fill_value`` (what a missing cell becomes), and
        ``scaler`` with its fitted numbers, or ``categories``.
    """
    columns = []
    for name, steps, names in prepare.transformers_:
        if name == "remainder" or isinstance(steps, str):  # "drop" / "passthrough"
            continue
        parts = dict(steps.steps) if hasattr(steps, "steps") else {"": steps}
        imputer, encoder = parts.get("impute"), parts.get("encode")
        scaler = parts.get("scale")
        for i, column in enumerate(names):
            entry: dict[str, Any] = {"column": str(column)}
            entry["kind"] = "categorical" if encoder is not None else "numeric"
            if imputer is not None:
                entry["fill"] = imputer.strategy
                entry["fill_value"] = _plain(imputer.statistics_[i])
            if encoder is not None:
                entry["categories"] = [_plain(c) for c in encoder.categories_[i]]
            else:
                entry["scaler"] = _scaler(scaler, i)
            columns.append(entry)
    return columns


def _scaler(scaler: Any, i: int) -> dict[str, Any]:
    if scaler is None:
        return {"name": "none"}
    if hasattr(scaler, "mean_"):  # StandardScaler: (x - mean) / scale
        return {"name": "standard", "mean": float(scaler.mean_[i]), "std": float(scaler.scale_[i])}
    if hasattr(scaler, "data_min_"):  # MinMaxScaler: to [0, 1] over the training range
        return {
            "name": "minmax",
            "min": float(scaler.data_min_[i]),
            "max": float(scaler.data_max_[i]),
        }
    return {"name": type(scaler).__name__}


def _same(value: Any, default: Any) -> bool:
    try:
        return bool(np.all(value == default)) and type(value) is type(default)
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    # NumPy scalars from fitted attributes, as the Python values JSON and people read.
    return value.item() if isinstance(value, np.generic) else value


def input_names(pipeline: Any) -> list[str]:
    """Name the network's inputs, as the pipeline's preprocessing outputs them ([] if unknown)."""
    try:
        return [str(name) for name in pipeline[:-1].get_feature_names_out()]
    except (AttributeError, ValueError):
        return []
