"""``glassnet inspect``: what is inside a model file, without training or predicting.

The architecture and parameters come from the fitted network, the training summary
from the file's metadata, and the preprocessing from the fitted ``ColumnTransformer``
itself (the values that fill missing cells, the scaling, the categories), so what is
shown is what the model will do, not what the command line asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from glassnet.cli._output import (
    JsonOption,
    Output,
    QuietOption,
    RequireSignatureOption,
    plain,
    user_errors,
)
from glassnet.nn import MLPClassifier
from glassnet.workflow.model_file import ModelFileError, load_model, read_metadata

# The training summary's metadata keys, in the order shown, and their labels.
_SUMMARY = {
    "data": "trained on",
    "target": "target",
    "classes": "classes",
    "epochs": "epochs",
    "train_seconds": "training time (s)",
    "test_accuracy": "test accuracy",
    "dropped": "dropped columns",
    "command": "command",
    "glassnet_version": "glassnet version",
}
# Not hyperparameters: how training reports, not what it learns.
_NOT_SHOWN = {"callbacks", "verbose"}


def inspect_model(
    model: Annotated[Path, typer.Argument(help="The model file (from glassnet train).")],
    require_signature: bool = RequireSignatureOption,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Show a model's architecture, parameters, training summary and preprocessing.

    Everything shown comes from the file, whoever wrote it: it is printed as text.
    """
    output = Output(json_mode, quiet)
    with user_errors(output, ModelFileError):
        metadata = read_metadata(model)
        pipeline, _ = load_model(model, require_signature=require_signature)
        network = pipeline.steps[-1][1]
        architecture = describe_architecture(network)
        steps = pipeline.named_steps.get("prepare")
        preprocessing = describe_preprocessing(steps) if steps is not None else []
    training = {key: metadata[key] for key in _SUMMARY if key in metadata}
    features = metadata.get("features") or _feature_names(pipeline)
    output.result = {
        "model": str(model),
        "architecture": architecture,
        "parameters": non_default_params(network),
        "training": training,
        "preprocessing": preprocessing,
        "features": features,
    }
    if output.talking:
        output.print(_architecture_table(architecture, output.result["parameters"]))
        output.print(_training_table(training))
        output.print(_preprocessing_table(preprocessing))
        output.print(plain(f"Network inputs ({len(features)}): {', '.join(map(str, features))}"))
    output.emit()


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


def _feature_names(pipeline: Any) -> list[str]:
    try:
        return [str(name) for name in pipeline[:-1].get_feature_names_out()]
    except (AttributeError, ValueError):
        return []


# ---------------------------------------------------------------- printing


def _architecture_table(architecture: dict[str, Any], params: dict[str, Any]) -> Table:
    table = Table(title="Architecture", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("layers", " → ".join(map(str, architecture["layers"])))
    table.add_row("activations", plain(" → ".join(map(str, architecture["activations"]))))
    table.add_row(
        "parameters",
        f"{architecture['parameters']} ({architecture['weights']} weights, "
        f"{architecture['biases']} biases)",
        end_section=bool(params),
    )
    for name, value in params.items():
        table.add_row(name, plain(value))
    return table


def _training_table(training: dict[str, Any]) -> Table:
    table = Table(title="Training", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in training.items():
        if isinstance(value, list):
            value = ", ".join(map(str, value)) or "none"
        elif isinstance(value, float):
            value = f"{value:.3f}" if key == "test_accuracy" else f"{value:g}"
        elif value == "":  # trained from Python rather than the command line
            value = "not recorded"
        table.add_row(_SUMMARY[key], plain(value))
    return table


def _preprocessing_table(preprocessing: list[dict[str, Any]]) -> Table:
    table = Table(title="Preprocessing (fitted on the training rows)")
    table.add_column("column", style="bold")
    table.add_column("kind")
    table.add_column("missing values become")
    table.add_column("then")
    for entry in preprocessing:
        fill = f"{_number(entry.get('fill_value'))} ({entry.get('fill', '?')})"
        if entry["kind"] == "categorical":
            then = "one-hot: " + ", ".join(map(str, entry["categories"]))
        else:
            then = _scaler_text(entry["scaler"])
        table.add_row(*(plain(cell) for cell in (entry["column"], entry["kind"], fill, then)))
    return table


def _scaler_text(scaler: dict[str, Any]) -> str:
    if scaler["name"] == "standard":
        return f"standardised: (x - {_number(scaler['mean'])}) / {_number(scaler['std'])}"
    if scaler["name"] == "minmax":
        return f"min-max: {_number(scaler['min'])} → 0, {_number(scaler['max'])} → 1"
    return "not scaled" if scaler["name"] == "none" else scaler["name"]


def _number(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
