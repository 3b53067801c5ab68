"""``glassnet export``: a trained model, preprocessing included, as an ONNX file.

The conversion is `glassnet.export.to_onnx`'s; the command loads the model file,
writes the ONNX file atomically, checks it in onnxruntime on one row against the
model itself, and says what the file's inputs and outputs are and how to run it.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from glassnet.export import OnnxValue

# onnxruntime computes in float32: one row agreeing to this (relative to values over 1 in
# size) shows the file is the model.
AGREEMENT = 1e-5


def export(
    model: Annotated[Path, typer.Argument(help="The model file (from glassnet train).")],
    onnx: Annotated[
        Path | None,
        typer.Option(
            "--onnx",
            help="The ONNX file to write (default: the model's name ending in .onnx).",
        ),
    ] = None,
    opset: Annotated[
        int | None,
        typer.Option(
            "--opset", help="The ONNX opset to write (default: the newest skl2onnx writes)."
        ),
    ] = None,
    require_signature: bool = RequireSignatureOption,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Export a trained model, with its preprocessing, to ONNX (runs in onnxruntime)."""
    from glassnet._extras import MissingExtraError
    from glassnet._files import write_atomically
    from glassnet.export import (
        example_inputs,
        onnx_signature,
        onnxruntime_difference,
        onnxruntime_example,
        to_onnx,
    )
    from glassnet.workflow.model_file import ModelFileError, load_model

    output = Output(json_mode, quiet)
    out = onnx if onnx is not None else model.with_suffix(".onnx")
    with user_errors(output, ModelFileError, MissingExtraError):
        pipeline, _ = load_model(model, require_signature=require_signature)
        proto = to_onnx(pipeline, target_opset=opset)
        row = example_inputs(pipeline)
        difference = onnxruntime_difference(proto, pipeline, row)
        if not difference <= AGREEMENT:  # NaN too
            raise ValueError(
                f"onnxruntime's answer for one row differs from the model's by {difference:.3g} "
                f"(more than {AGREEMENT:g}); the ONNX file was not written. Please report "
                "this with the model file."
            )
        write_atomically(out, proto.SerializeToString())
    inputs, outputs = onnx_signature(proto)
    example = f"python -c {shlex.quote(onnxruntime_example(str(out), row))}"
    output.result = {
        "onnx": str(out),
        "opset": _opset(proto),
        "inputs": [_entry(v) for v in inputs],
        "outputs": [_entry(v) for v in outputs],
        "checked_difference": difference,
        "example": example,
    }
    caption = None
    if len(inputs) > 1 or any(value.type == "string" for value in inputs):
        caption = 'one per column; a missing number is NaN, a missing category ""'
    output.print(_values_table("Inputs", inputs, caption))
    output.print(_values_table("Outputs", outputs))
    output.print(
        plain(
            f"Wrote {out} (ONNX opset {_opset(proto)}); onnxruntime agrees with the model "
            f"on an example row to {difference:.1g}. Run it:"
        )
    )
    output.print(plain(example), soft_wrap=True)
    output.emit()


def _opset(proto: object) -> int:
    return next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))


def _entry(value: OnnxValue) -> dict[str, object]:
    return {"name": value.name, "type": value.type, "shape": list(value.shape)}


def _values_table(title: str, values: list[OnnxValue], caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption)
    table.add_column("name", style="bold")
    table.add_column("type")
    table.add_column("shape")
    for value in values:
        dims = ["N" if d is None else str(d) for d in value.shape]
        shape = f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(dims)})"
        table.add_row(plain(value.name), value.type, shape)
    return table
