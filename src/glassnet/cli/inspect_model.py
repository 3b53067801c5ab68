"""``glassnet inspect``: what is inside a model file, without training or predicting.

The architecture and parameters come from the fitted network, the training summary
from the file's metadata, and the preprocessing from the fitted ``ColumnTransformer``
itself (the values that fill missing cells, the scaling, the categories), so what is
shown is what the model will do, not what the command line asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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


def inspect_model(
    model: Annotated[Path, typer.Argument(help="The model file (from glassnet train).")],
    require_signature: bool = RequireSignatureOption,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Show a model's architecture, parameters, training summary and preprocessing.

    Everything shown comes from the file, whoever wrote it: it is printed as text.
    """
    from glassnet.workflow.describe import (
        describe_architecture,
        describe_preprocessing,
        input_names,
        non_default_params,
    )
    from glassnet.workflow.model_file import load_model, read_metadata

    output = Output(json_mode, quiet)
    with user_errors(output):
        metadata = read_metadata(model)
        pipeline, _ = load_model(model, require_signature=require_signature)
        network = pipeline.steps[-1][1]
        architecture = describe_architecture(network)
        steps = pipeline.named_steps.get("prepare")
        preprocessing = describe_preprocessing(steps) if steps is not None else []
    training = {key: metadata[key] for key in _SUMMARY if key in metadata}
    features = metadata.get("features") or input_names(pipeline)
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
