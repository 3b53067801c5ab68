"""``glassnet activations``: the activation gallery of the course's slides, as a picture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from glassnet.cli._output import JsonOption, Output, QuietOption, user_errors

DEFAULT_OUT = Path("activations.png")


def activations(
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")] = DEFAULT_OUT,
    names: Annotated[
        list[str] | None,
        typer.Option(
            "--name",
            "-n",
            help="An activation to draw (repeat the option for several); default: eight.",
        ),
    ] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Draw each activation function next to its derivative, and save the picture."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from glassnet._files import write_atomically
    from glassnet.diagnostics.plots import plot_activation_gallery

    output = Output(json_mode, quiet)
    with user_errors(output):
        figure = plot_activation_gallery(names or None)
        try:
            write_atomically(out, lambda file: figure.savefig(file, format="png", dpi=90))
        finally:
            plt.close(figure)
    drawn = names or [ax.get_title() for ax in figure.axes]
    output.result = {"picture": str(out), "activations": drawn}
    output.print(f"Wrote {out}: {', '.join(drawn)}, each with its derivative (dashed).")
    output.emit()
