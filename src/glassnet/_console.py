"""The ``glassnet`` command's entry point: the command line, or what to install for it."""

from __future__ import annotations

import sys

from glassnet._extras import MissingExtraError, need


def main() -> None:
    """Run the command line; without its extra installed, say which one to install."""
    try:
        need("cli")
    except MissingExtraError as err:
        print(f"Error: {err}", file=sys.stderr)
        raise SystemExit(1) from None
    from glassnet.cli import app

    app(prog_name="glassnet")
