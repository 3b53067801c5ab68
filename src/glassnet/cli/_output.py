"""How every command talks: Rich for people, JSON for programs, exit codes for shells.

Exit codes: 0 success, 1 a problem with the user's input (a file, a column, a value;
the message says what to do), 2 a usage error (Typer's own: unknown option, missing
argument). Expected problems never end in a traceback.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

USER_ERROR = 1


class Output:
    """Where a command's results go.

    Parameters
    ----------
    json_mode : bool
        Print one JSON document on stdout at the end instead of Rich output.
    quiet : bool
        Print nothing but errors (and the JSON document, if asked for).
    """

    def __init__(self, json_mode: bool = False, quiet: bool = False) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        # Rich assumes 80 columns when output is piped (make, CI logs): tables need more.
        self.console = Console(width=None if sys.stdout.isatty() else 110)
        self.errors = Console(stderr=True, width=None if sys.stderr.isatty() else 110)
        self.result: dict[str, Any] = {}

    @property
    def talking(self) -> bool:
        """Whether human-readable output should be printed."""
        return not (self.json_mode or self.quiet)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print for people (nothing in JSON or quiet mode)."""
        if self.talking:
            self.console.print(*objects, **kwargs)

    def emit(self) -> None:
        """Print the JSON document, in JSON mode."""
        if self.json_mode:
            typer.echo(json.dumps(self.result, indent=2, default=_jsonable))

    def fail(self, message: str) -> None:
        """Report a user error and exit with code 1."""
        if self.json_mode:
            typer.echo(json.dumps({"error": message}))
        else:
            # Messages quote files and models: their text is shown, never run as markup.
            line = Text.assemble(("Error:", "bold red"), " ", plain(message))
            self.errors.print(line, highlight=False, soft_wrap=True)
        raise typer.Exit(USER_ERROR)


@contextmanager
def user_errors(out: Output, *kinds: type[Exception]) -> Iterator[None]:
    """Turn the expected kinds of error into a message and exit code 1."""
    try:
        yield
    except OSError as err:
        out.fail(describe_os_error(err))
    except (ValueError, *kinds) as err:
        out.fail(str(err))


def warnings_as_sentences() -> None:
    """Show the libraries' warnings as one line each: no file path, no source line.

    The commands silence the warnings their output already explains; what is left
    (a library's own advice) is still worth a line, said once.
    """
    seen: set[str] = set()

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        text = " ".join(str(message).split())
        if text not in seen:
            seen.add(text)
            Console(stderr=True, highlight=False).print(plain(f"Note: {text}"), style="dim")

    warnings.showwarning = show


def plain(value: object, lines: bool = False, style: str = "") -> Text:
    """Text from a file or a model, to print: shown as it is, never markup or escape codes.

    Control and format characters are removed (an escape sequence could clear the
    screen, retitle the window or hide text; a right-to-left override could reorder
    it); white space among them becomes a space, line breaks too unless `lines`.
    """
    kept = (
        c if c.isprintable() or (lines and c == "\n") else " " if c.isspace() else ""
        for c in str(value)
    )
    return Text("".join(kept), style=style)


def describe_os_error(err: OSError) -> str:
    """Say which file could not be read or written, and why, in words."""
    name = str(err.filename).removesuffix(".partial") if err.filename else "a file"
    reason = (err.strerror or str(err)).rstrip(".")
    return f"{reason}: {name}. Check the path, that its folder exists and that you may write there."


def _jsonable(value: Any) -> Any:
    # NumPy scalars and arrays, paths: whatever json cannot write natively.
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


JsonOption = typer.Option(False, "--json", help="Print one JSON document instead of tables.")
QuietOption = typer.Option(False, "--quiet", "-q", help="Print nothing but errors.")
RequireSignatureOption = typer.Option(
    False,
    "--require-signature",
    help="Load the model only if its signature verifies with GLASSNET_SIGNING_KEY (which "
    "must be set). With the key set, a signature is required anyway.",
)
