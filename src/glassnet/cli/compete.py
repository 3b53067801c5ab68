"""``glassnet compete``: run a class prediction competition, or take part in one.

The instructor's commands (``init``, ``add-team``, ``reveal``, ``serve``) work on the
database directly; the students' (``submit``, ``leaderboard``) talk to the server
over HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
from glassnet.compete import DEFAULT_DATABASE_URL

if TYPE_CHECKING:
    import httpx

app = typer.Typer(
    help="A leaderboard server for class prediction competitions.", no_args_is_help=True
)


@app.callback()
def _needs_the_extra() -> None:
    """Check, before any command runs, that the compete extra is installed."""
    from glassnet._extras import MissingExtraError, need

    try:
        need("compete")
    except MissingExtraError as err:
        Output().fail(str(err))


DatabaseOption = typer.Option(
    "--database",
    help="Database URL (sqlite:///FILE or postgresql://USER@HOST/DB). Default: env "
    f"GLASSNET_COMPETE_DATABASE_URL, else {DEFAULT_DATABASE_URL}.",
)
CompetitionOption = typer.Option(
    "--competition", "-c", help="The competition (may be left out when there is only one)."
)
ServerOption = typer.Option("--server", help="The server's address, e.g. http://127.0.0.1:8000.")


def _database(url: str | None) -> str:
    return url or os.environ.get("GLASSNET_COMPETE_DATABASE_URL") or DEFAULT_DATABASE_URL


def _engine(url: str | None) -> Any:
    """Migrate the database (``alembic upgrade head``) and open it."""
    from glassnet.compete.db import make_engine, upgrade

    url = _database(url)
    upgrade(url)
    return make_engine(url)


@contextmanager
def _competition(database: str | None, name: str | None) -> Iterator[tuple[Any, Any]]:
    """Open a session and find the competition named (or the only one); commit at the end."""
    from glassnet.compete import crud
    from glassnet.compete.db import session_scope

    with session_scope(_engine(database)) as session:
        yield session, crud.find_competition(session, name)


def _parse_baselines(specs: list[str]) -> dict[str, Path]:
    baselines = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise ValueError(
                f"--baseline {spec!r}: write NAME=MODEL, e.g. --baseline lazy=lazy.glassnet."
            )
        baselines[name.strip()] = Path(path.strip())
    return baselines


@app.command()
def init(
    name: Annotated[str, typer.Argument(help="The competition's name (in its URL: /c/NAME).")],
    train: Annotated[Path, typer.Option(help="The training CSV file, labels included.")],
    solution: Annotated[
        Path,
        typer.Option(
            help="The hidden labels: ID and target columns, optionally Usage "
            "(Public/Private); without --test, its other columns are the features."
        ),
    ],
    id_column: Annotated[str, typer.Option(help="The ID column, e.g. PassengerId.")],
    target: Annotated[str, typer.Option(help="The label column, e.g. Survived.")],
    metric: Annotated[
        str, typer.Option(help="accuracy, f1, balanced_accuracy, roc_auc or log_loss.")
    ] = "accuracy",
    test: Annotated[
        Path | None, typer.Option(help="The test rows' features (e.g. Kaggle's test.csv).")
    ] = None,
    public_fraction: Annotated[
        float, typer.Option(help="Share of test rows for the public board (no Usage column).")
    ] = 0.3,
    daily_limit: Annotated[int, typer.Option(help="Scored submissions per team per day.")] = 5,
    invalid_limit: Annotated[
        int, typer.Option(help="Refused files per team per day (they do not count above).")
    ] = 50,
    final_selections: Annotated[int, typer.Option(help="Finals a team may choose.")] = 2,
    deadline: Annotated[
        str | None, typer.Option(help="2026-12-01T18:00 (UTC unless a zone is given).")
    ] = None,
    late_until: Annotated[
        str | None,
        typer.Option(
            help="Take late work after --deadline until then: scored, shown apart, never ranked."
        ),
    ] = None,
    scoring: Annotated[str, typer.Option(help="exact, or ladder (Blum & Hardt 2015).")] = "exact",
    precision: Annotated[int, typer.Option(help="Decimals of the scores shown.")] = 5,
    baseline: Annotated[
        list[str] | None,
        typer.Option(help="NAME=MODEL: a glassnet model file scored as a baseline."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the public/private draw.")] = 0,
    out_dir: Annotated[
        Path, typer.Option(help="Where train.csv, test.csv, sample_submission.csv go.")
    ] = Path("."),
    database: Annotated[str | None, DatabaseOption] = None,
    require_signature: bool = RequireSignatureOption,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Create a competition and write the files students get; print the instructor token."""
    from glassnet.compete.create import CompetitionSpec, create_competition, parse_deadline

    output = Output(json_mode, quiet)
    with user_errors(output, LookupError):
        spec = CompetitionSpec(
            name=name,
            train=train,
            solution=solution,
            id_column=id_column,
            target=target,
            metric=metric,
            test=test,
            public_fraction=public_fraction,
            daily_limit=daily_limit,
            invalid_daily_limit=invalid_limit,
            final_selections=final_selections,
            deadline=parse_deadline(deadline),
            late_until=parse_deadline(late_until, "--late-until"),
            scoring=scoring,
            precision=precision,
            seed=seed,
            baselines=_parse_baselines(baseline or []),
            require_signature=require_signature,
            out_dir=out_dir,
        )
        created = create_competition(_engine(database), spec)
    output.result = {
        "competition": name,
        "instructor_token": created.instructor_token,
        "files": [str(f) for f in created.files],
        "public_rows": created.public_rows,
        "private_rows": created.private_rows,
        "baselines": created.baselines,
    }
    output.print(
        f"Competition {name!r}: {created.public_rows} public and {created.private_rows} "
        f"private test rows, metric {metric}."
    )
    output.print("Files for the students: " + ", ".join(str(f) for f in created.files))
    for label, score in created.baselines.items():
        output.print(f"Baseline {label}: public {metric} {round(score, precision)}")
    output.print(
        f"Instructor token (shown once, keep it): [bold]{created.instructor_token}[/bold]",
        soft_wrap=True,
    )
    output.emit()


@app.command("add-team")
def add_team(
    team: Annotated[str, typer.Argument(help="The team's name.")],
    members: Annotated[
        list[str] | None, typer.Option(help="Its members: --members Ada Bo.")
    ] = None,
    competition: Annotated[str | None, CompetitionOption] = None,
    database: Annotated[str | None, DatabaseOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Add a team and print its token, this once (it is stored hashed)."""
    from glassnet.compete import crud

    output = Output(json_mode, quiet)
    with user_errors(output, LookupError), _competition(database, competition) as (session, found):
        created, token = crud.add_team(session, found, team, ", ".join(members or []))
    output.result = {"competition": found.name, "team": created.name, "token": token}
    said = plain(f"Team {created.name!r} of {found.name!r}. Its token (shown once): ")
    output.print(said.append(token or "", style="bold"), soft_wrap=True)
    output.emit()


@app.command("add-teams")
def add_teams(
    roster: Annotated[
        Path,
        typer.Argument(
            help="CSV of team, members (separated by ';') and optionally email, one team a row."
        ),
    ],
    tokens_out: Annotated[
        Path,
        typer.Option(help="Where the tokens go (a new file, readable by you only), to hand out."),
    ],
    competition: Annotated[str | None, CompetitionOption] = None,
    database: Annotated[str | None, DatabaseOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Add every team of a roster (all or none) and write their tokens to a 0600 file."""
    from glassnet.compete.teams import add_roster_file

    output = Output(json_mode, quiet)
    with user_errors(output, LookupError), _competition(database, competition) as (session, found):
        added = add_roster_file(session, found, roster, tokens_out)
    output.result = {
        "competition": found.name,
        "teams": [team.name for team in added],
        "tokens_out": str(tokens_out),
    }
    output.print(
        f"{len(added)} teams added to {found.name!r}; their tokens are in {tokens_out} "
        "(readable by you only: hand each team its own)."
    )
    output.emit()


@app.command("student-files")
def student_files(
    files: Annotated[list[Path], typer.Argument(help="The files to offer, e.g. students/*.csv.")],
    competition: Annotated[str | None, CompetitionOption] = None,
    database: Annotated[str | None, DatabaseOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Offer files on the competition's pages (init offers train, test and sample itself)."""
    from glassnet.compete.teams import store_student_files

    output = Output(json_mode, quiet)
    with user_errors(output, LookupError), _competition(database, competition) as (session, found):
        names = store_student_files(session, found, files)
    output.result = {"competition": found.name, "files": names}
    output.print(f"{found.name!r} offers {', '.join(names)} on its pages.")
    output.emit()


@app.command("reset-token")
def reset_token(
    team: Annotated[str, typer.Argument(help="The team's name, as on the board.")],
    competition: Annotated[str | None, CompetitionOption] = None,
    database: Annotated[str | None, DatabaseOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Give a team a new token (a lost one stops working) and print it, this once."""
    from glassnet.compete import crud

    output = Output(json_mode, quiet)
    with user_errors(output, LookupError), _competition(database, competition) as (session, found):
        token = crud.reset_token(session, found, team)
    output.result = {"competition": found.name, "team": team.strip(), "token": token}
    said = plain(f"Team {team.strip()!r} of {found.name!r}: its new token (shown once): ")
    output.print(said.append(token, style="bold"), soft_wrap=True)
    output.emit()


@app.command()
def grades(
    out: Annotated[Path, typer.Option(help="The CSV file to write, for a gradebook.")],
    competition: Annotated[str | None, CompetitionOption] = None,
    database: Annotated[str | None, DatabaseOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Write every team's grades line: best public, final private, ranks, submissions."""
    from glassnet.compete import crud
    from glassnet.compete.teams import write_grades

    output = Output(json_mode, quiet)
    with user_errors(output, LookupError), _competition(database, competition) as (session, found):
        rows = write_grades(session, found, out)
        revealed = crud.is_revealed(found)
    output.result = {"competition": found.name, "teams": rows, "out": str(out)}
    output.print(f"Grades of {rows} teams of {found.name!r} written to {out}.")
    if not revealed:
        output.print(
            "The private scores are not revealed yet: final_private and private_rank are "
            "empty until the deadline or glassnet compete reveal."
        )
    output.emit()


@app.command()
def submissions(
    out: Annotated[Path, typer.Option(help="The CSV file to write.")],
    competition: Annotated[str | None, CompetitionOption] = None,
    database: Annotated[str | None, DatabaseOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Write every submission of every team (time, file, note, scores, final, late)."""
    from glassnet.compete.teams import write_submissions

    output = Output(json_mode, quiet)
    with user_errors(output, LookupError), _competition(database, competition) as (session, found):
        rows = write_submissions(session, found, out)
    output.result = {"competition": found.name, "submissions": rows, "out": str(out)}
    output.print(f"{rows} submissions of {found.name!r} written to {out}.")
    output.emit()


@app.command()
def reveal(
    competition: Annotated[str | None, CompetitionOption] = None,
    database: Annotated[str | None, DatabaseOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Show the private scores and the shake-up now (the deadline does it by itself)."""
    output = Output(json_mode, quiet)
    from glassnet.compete import crud

    with user_errors(output, LookupError), _competition(database, competition) as (session, found):
        found.revealed = True
        crud.bump_board(session, found)
    output.result = {"competition": found.name, "revealed": True}
    output.print(f"{found.name!r}: private scores are now on the leaderboard.")
    output.emit()


@app.command()
def serve(
    database: Annotated[str | None, DatabaseOption] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0: every one).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            help="A reverse proxy's address (or network) whose X-Forwarded-For names the "
            "client; repeat for several. Default: env GLASSNET_COMPETE_TRUSTED_PROXIES, else "
            "none (the header is ignored, from loopback too)."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Server processes. Several share the board's version and the token-guess "
            "limit through the database; meant for PostgreSQL (on SQLite, one writer at a "
            "time whatever the number)."
        ),
    ] = 1,
) -> None:
    """Run the server (pages at /, API at /api, its description at /docs)."""
    import uvicorn

    from glassnet.compete.app import create_app
    from glassnet.compete.config import Settings
    from glassnet.compete.db import upgrade

    if workers < 1:
        raise typer.BadParameter(f"--workers must be at least 1; received {workers}.")
    settings = Settings(database_url=_database(database))
    if trusted_proxy:
        settings.trusted_proxies = ",".join(trusted_proxy)
    typer.echo(f"glassnet compete: http://{host}:{port}/ (Ctrl-C stops)")
    # The app reads proxy headers itself, from the trusted proxies only; Uvicorn's own
    # reading would believe any client on loopback.
    options = {"host": host, "port": port, "log_level": "warning", "proxy_headers": False}
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    # Migrated once here: N workers migrating at once would race to create the tables.
    upgrade(settings.database_url)
    # Uvicorn starts each worker from an import string; the settings go by environment.
    os.environ["GLASSNET_COMPETE_DATABASE_URL"] = settings.database_url
    os.environ["GLASSNET_COMPETE_TRUSTED_PROXIES"] = settings.trusted_proxies
    uvicorn.run("glassnet.compete.app:create_app", factory=True, workers=workers, **options)


def _only_competition(client: httpx.Client, name: str | None) -> str:
    if name is not None:
        return name
    names = [c["name"] for c in _get(client, "/api/competitions")]
    if len(names) != 1:
        raise ValueError(f"Name the competition with --competition ({', '.join(names) or 'none'}).")
    return names[0]


def _get(client: httpx.Client, path: str) -> Any:
    return _checked(client.get(path))


def _checked(response: httpx.Response) -> Any:
    """Return the JSON of a successful answer; raise the server's own sentence otherwise."""
    if response.is_success:
        return response.json()
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text
    raise ValueError(f"The server refused ({response.status_code}): {detail}")


@contextmanager
def _client(server: str) -> Iterator[httpx.Client]:
    """Open a client of the server; a server that cannot be reached is a user error."""
    import httpx

    try:
        with httpx.Client(base_url=server.rstrip("/"), timeout=60) as client:
            yield client
    except httpx.TransportError as err:
        raise ValueError(
            f"Could not reach the server at {server} ({err.__class__.__name__}: {err}); "
            "check --server and that the server is running."
        ) from None


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="The predictions CSV file.")],
    server: Annotated[str, ServerOption],
    token: Annotated[str, typer.Option(help="Your team's token.", envvar="GLASSNET_TOKEN")],
    competition: Annotated[str | None, CompetitionOption] = None,
    note: Annotated[
        str, typer.Option("--note", "-m", help="A note kept with it, shown on the team page.")
    ] = "",
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Upload predictions to the server and print the public score."""
    output = Output(json_mode, quiet)
    with user_errors(output), _client(server) as client:
        name = _only_competition(client, competition)
        content = file.read_bytes()
        result = _checked(
            client.post(
                f"/api/competitions/{name}/submissions",
                files={"file": (file.name, content, "text/csv")},
                data={"note": note} if note else None,
                headers={"Authorization": f"Bearer {token}"},
            )
        )
    output.result = result
    kept = "" if result["released"] else " (the Ladder kept your previous best)"
    if result.get("late"):
        kept += " (late: scored, never ranked)"
    again = " The same file again: counted once." if result["duplicate"] else ""
    output.print(
        f"Submission {result['id']}: public score {result['public_score']}{kept}. "
        f"{result['remaining_today']} left today.{again}"
    )
    output.emit()


@app.command()
def leaderboard(
    server: Annotated[str, ServerOption],
    competition: Annotated[str | None, CompetitionOption] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Print the leaderboard."""
    output = Output(json_mode, quiet)
    with user_errors(output), _client(server) as client:
        name = _only_competition(client, competition)
        board = _get(client, f"/api/competitions/{name}/leaderboard")
    output.result = board
    output.print(_board_table(board))
    output.emit()


def _board_table(board: dict) -> Table:
    table = Table(title=f"{board['competition']}: {board['metric']}")
    columns = ["#", "team", "public"]
    if board["revealed"]:
        columns += ["private", "private #", "shake-up"]
    for column in [*columns, "entries"]:
        table.add_column(column, justify="left" if column == "team" else "right")
    digits = board.get("precision")  # a server of before the field: its own numbers

    def score(value: float | None) -> str:
        if value is None or digits is None:
            return _blank(value)
        return f"{value:.{digits}f}"

    for row in board["rows"]:
        cells = [
            _blank(row["rank"]),
            plain(row["team"] + (" (baseline)" if row["baseline"] else "")),  # the server's text
            score(row["public_score"]),
        ]
        if board["revealed"]:
            shake = row["shake_up"]
            cells += [
                score(row["private_score"]),
                _blank(row["private_rank"]),
                f"{shake:+d}" if shake else "",
            ]
        table.add_row(*cells, str(row["entries"]))
    return table


def _blank(value: object) -> str:
    return "" if value is None else str(value)
