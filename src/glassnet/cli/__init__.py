"""The ``glassnet`` command line: a Typer app with one module per command group."""

from typing import Annotated

import typer

from glassnet.cli._args import MultiValueGroup
from glassnet.cli._output import warnings_as_sentences
from glassnet.cli.activations import activations
from glassnet.cli.compete import app as compete_app
from glassnet.cli.demo import demo
from glassnet.cli.evaluate import evaluate
from glassnet.cli.export import export
from glassnet.cli.inspect_model import inspect_model
from glassnet.cli.playground import playground
from glassnet.cli.predict import predict
from glassnet.cli.search import search, sweep_command
from glassnet.cli.train import train

app = typer.Typer(
    cls=MultiValueGroup,
    help="glassnet: neural-network classification on tabular data that you can see into.",
    no_args_is_help=True,
    add_completion=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        from glassnet import __version__

        typer.echo(f"glassnet {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
) -> None:
    """Neural-network classification on tabular data that you can see into."""
    warnings_as_sentences()


app.command()(demo)
app.command()(train)
app.command()(activations)
app.command()(predict)
app.command()(evaluate)
app.command(name="inspect")(inspect_model)
app.command()(export)
app.add_typer(compete_app, name="compete")
app.command()(search)
app.command(name="sweep")(sweep_command)
app.command()(playground)

__all__ = ["app"]
