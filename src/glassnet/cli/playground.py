"""``glassnet playground``: serve the live page where a network learns in front of you."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path
from typing import Annotated

import typer


def playground(
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 serves the whole class.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8050,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the page in a browser.")
    ] = False,
    course_file: Annotated[
        Path | None,
        typer.Option(
            help="The course's titanic_train_500_age_passengerclass.csv (default: found in "
            "the working folder or ../shared/data).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    max_runs: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Pages that may train at once, one thread each [default: 8, or "
            "GLASSNET_PLAYGROUND_MAX_RUNS].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start the playground: watch a network learn, and see why it fails.

    Serves a page where glassnet's MLPClassifier trains on 2-D data (moons, circles,
    XOR, spiral, blobs, the course's Titanic file, or your CSV) while you watch the
    decision boundary, every unit's output and health, and the diagnosis. Stop it
    with Ctrl+C.
    """
    from glassnet._extras import MissingExtraError, need

    try:
        need("playground")
    except MissingExtraError as err:
        typer.echo(f"Error: {err}", err=True)
        raise typer.Exit(1) from None
    import uvicorn

    from glassnet.playground.app import create_app
    from glassnet.playground.config import Settings

    given = {"course_file": course_file, "max_runs": max_runs}
    # Options given on the command line win; the others come from the environment.
    settings = Settings(**{k: v for k, v in given.items() if v is not None})
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"glassnet playground on {url}  (Ctrl+C stops it)")
    if settings.find_course_file() is None:
        typer.echo(
            "The course's Titanic file was not found: pass --course-file PATH to offer it, "
            "or upload it on the page."
        )
    if not no_browser:
        # Opened once the server is listening, so the page does not meet a refusal.
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
