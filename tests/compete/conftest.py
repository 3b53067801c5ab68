"""A real competition server for the tests: ``python -m glassnet compete serve`` on loopback.

Fixtures
--------
backend
    "sqlite", and also "postgresql" when env DATABASE_URL is set: every test that uses
    `live_server` or `live_server_factory` runs on each.
live_server
    A generated competition (418 test rows, accuracy, daily limit 5, teams "alpha",
    "beta", "gamma") on the session's shared server: ``.url``, ``.database_url``,
    ``.instructor_token``, ``.team_tokens`` (name -> token), ``.token`` (alpha's),
    ``.competition`` (its name, "demo-N": use it in paths), ``.files``
    (train/test/sample paths), ``.solution`` (the hidden labels, for assertions, in
    the server's order: the students' test.csv's),
    ``.client(token=None)`` (an httpx.Client with the Bearer header).
live_server_factory
    ``live_server_factory(rows=1000, teams=50, daily_limit=10, metric="roc_auc",
    scoring="ladder", deadline=..., titanic=True, env={...}, fresh=True,
    serve_args=["--workers", "2"])`` for other settings.

Starting a server costs seconds (a Python process importing glassnet and its web
stack), so one server per back end serves the whole session, and each test gets a
competition of its own in it (its own teams, counters and submissions): nothing one
test does shows in another's. A test gets a server process of its own, on a database
of its own, with ``fresh=True``, with ``env`` or ``serve_args``, or with ``start=False``:
it may then ``.stop()``, ``.kill()`` (SIGKILL), ``.restart()`` and ``.start()`` it, and its
competition has the plain name ("demo", or "titanic") and is the only one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import make_url, select

from glassnet.compete import crud
from glassnet.compete.create import CompetitionSpec, create_competition
from glassnet.compete.db import make_engine, session_scope, upgrade
from glassnet.compete.models import Competition, SolutionRow

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = (REPO_ROOT / "../shared/data").resolve()
TITANIC_TRAIN = SHARED_DATA / "titanic_train.csv"
TITANIC_TEST = SHARED_DATA / "titanic_test.csv"
TITANIC_LABELS = SHARED_DATA / "titanic_test_labels_derived.csv"
# Without DATABASE_URL the PostgreSQL runs are reported as skipped, with the reason.
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get("DATABASE_URL"),
            reason="DATABASE_URL is not set (.ci/run and make test-postgres start PostgreSQL)",
        ),
    ),
]


def need_titanic() -> None:
    """Skip the test, saying why, when the course's Titanic files are not beside the repo."""
    for path in (TITANIC_TRAIN, TITANIC_TEST, TITANIC_LABELS):
        if not path.is_file():
            pytest.skip(f"course data not found: {path} does not exist")


def generated_competition(folder: Path, rows: int = 418, seed: int = 0) -> dict[str, Path]:
    """Write a train file, test features and a hidden solution (labels 0/1, about 40 % 1s)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def table(n: int, first_id: int) -> pd.DataFrame:
        x = rng.normal(size=(n, 2))
        y = (x[:, 0] + 0.5 * rng.normal(size=n) > 0.25).astype(int)
        return pd.DataFrame(
            {"Id": np.arange(first_id, first_id + n), "x1": x[:, 0], "x2": x[:, 1], "Label": y}
        )

    train, test = table(600, 1), table(rows, 10_001)
    paths = {
        "train": folder / "train_in.csv",
        "test": folder / "test_in.csv",
        "solution": folder / "solution.csv",
    }
    train.to_csv(paths["train"], index=False)
    test.drop(columns="Label").to_csv(paths["test"], index=False)
    test[["Id", "Label"]].to_csv(paths["solution"], index=False)
    return paths


def free_port() -> int:
    """A TCP port nobody listens on, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A ``glassnet compete serve`` subprocess and what the tests need to talk to it."""

    database_url: str
    competition: str
    instructor_token: str
    team_tokens: dict[str, str]
    files: dict[str, Path]
    solution: pd.DataFrame
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    serve_args: list[str] = field(default_factory=list)  # e.g. ["--workers", "2"]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    shared: bool = False  # the session's server: other tests' competitions live in it

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return next(iter(self.team_tokens.values()))

    def _own(self, what: str) -> None:
        if self.shared:
            raise RuntimeError(
                f"{what} the session's shared server would disturb other tests: "
                "use live_server_factory(fresh=True) for a server of the test's own."
            )

    def start(self, timeout: float = 90.0) -> None:
        self._own("Starting")
        command = [
            sys.executable,
            "-m",
            "glassnet",
            "compete",
            "serve",
            "--database",
            self.database_url,
            "--port",
            str(self.port),
            *self.serve_args,
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env}
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log.read_text()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer in {timeout} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        """Stop the server as Ctrl-C would (SIGINT), and wait for it."""
        self._own("Stopping")
        self._stop()

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Kill the server with SIGKILL (kill -9), mid-whatever it was doing."""
        self._own("Killing")
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def predictions_csv(self, flip: int = 0, seed: int = 0, column=None) -> bytes:
        """The hidden labels with `flip` of them (drawn with `seed`) wrong, as a submission.

        With `column`, those values (labels or probabilities) in solution order instead.
        """
        id_column, target = self.solution.columns[:2]
        labels = self.solution[target].to_numpy().copy()
        rows = np.random.default_rng(seed).choice(len(labels), size=flip, replace=False)
        labels[rows] = np.where(labels[rows] == "1", "0", "1")
        values = labels if column is None else column
        frame = pd.DataFrame({id_column: self.solution[id_column], target: values})
        return frame.to_csv(index=False).encode()

    def public_mask(self) -> np.ndarray:
        """Which solution rows are public (read from the database, for assertions)."""
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    select(SolutionRow.public)
                    .join(Competition, SolutionRow.competition_id == Competition.id)
                    .where(Competition.name == self.competition)
                    .order_by(SolutionRow.position)
                ).all()
        finally:
            engine.dispose()
        return np.array([row[0] for row in rows])

    def upload(self, client: httpx.Client, content: bytes, name: str = "p.csv") -> httpx.Response:
        """POST a submission file with `client` (which carries the token)."""
        return client.post(
            f"/api/competitions/{self.competition}/submissions",
            files={"file": (name, content, "text/csv")},
        )


@pytest.fixture
def titanic_files():
    """The course's Titanic files: train, test features, derived test labels (or skip)."""
    need_titanic()
    return {"train": TITANIC_TRAIN, "test": TITANIC_TEST, "solution": TITANIC_LABELS}


@pytest.fixture
def generated_files(tmp_path):
    """Generated instructor files (Id, x1, x2, Label): train, test features, solution."""
    return generated_competition(tmp_path / "instructor")


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh database on the DATABASE_URL server for this test session, dropped after."""
    import psycopg

    admin = make_url(os.environ["DATABASE_URL"])
    name = f"glassnet_test_{uuid.uuid4().hex[:10]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_postgres(url: str) -> str:
    """A new, empty schema of the session's database, as the URL's search path.

    Each server gets its own schema, so several servers of one test never share tables.
    """
    import psycopg

    schema = f"s_{uuid.uuid4().hex[:12]}"
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    query = {"options": f"-csearch_path={schema}"}
    return make_url(url).update_query_dict(query).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def new_database_url(backend, tmp_path, request):
    """A function returning the URL of a new, empty database of the backend under test."""
    count = iter(range(1000))

    def new() -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'compete{next(count)}.db'}"
        return _fresh_postgres(request.getfixturevalue("postgres_database"))

    return new


@pytest.fixture(scope="session")
def shared_servers(tmp_path_factory):
    """The session's servers, one per back end, started when a test first needs one."""
    hosts: dict[str, LiveServer] = {}
    names = iter(range(1_000_000))

    def get(backend: str, new_database_url: Callable[[], str]) -> tuple[LiveServer, int]:
        """The back end's shared server, and a number for a new competition's name."""
        if backend not in hosts:
            folder = tmp_path_factory.mktemp(f"shared-{backend}")
            url = f"sqlite:///{folder / 'shared.db'}" if backend == "sqlite" else new_database_url()
            upgrade(url)
            host = LiveServer(url, "", "", {}, {}, pd.DataFrame(), log=folder / "server.log")
            host.start()
            host.shared = True
            hosts[backend] = host
        return hosts[backend], next(names)

    yield get
    for host in hosts.values():
        host._stop()


@pytest.fixture
def live_server_factory(backend, new_database_url, shared_servers, tmp_path):
    """Competitions made to order, on the shared server or (see above) on servers of their own.

    The test's own servers are stopped after it.
    """
    servers: list[LiveServer] = []

    def factory(
        rows: int = 418,
        teams: int | list[str] = ("alpha", "beta", "gamma"),
        titanic: bool = False,
        env: dict[str, str] | None = None,
        start: bool = True,
        fresh: bool = False,
        serve_args: list[str] | None = None,
        **options,
    ) -> LiveServer:
        folder = tmp_path / f"server{len(servers)}"
        own = fresh or bool(env) or bool(serve_args) or not start
        host = None
        if own:
            url = new_database_url()
            upgrade(url)
        else:
            host, number = shared_servers(backend, new_database_url)
            url = host.database_url
            options.setdefault("name", f"{'titanic' if titanic else 'demo'}-{number}")
        spec = _spec(folder, rows, titanic, options)
        engine = make_engine(url)
        try:
            created = create_competition(engine, spec)
            names = [f"team{k:02d}" for k in range(teams)] if isinstance(teams, int) else teams
            tokens = _add_teams(engine, spec.name, names)
        finally:
            engine.dispose()
        files = dict(zip(["train", "test", "sample"], created.files, strict=True))
        # In the server's order, the students' test.csv's (not the instructor's file's).
        order = pd.read_csv(files["test"], dtype=str)[spec.id_column]
        solution = pd.read_csv(spec.solution, dtype=str).set_index(spec.id_column)
        solution = solution.loc[order].reset_index()
        server = LiveServer(
            url,
            spec.name,
            created.instructor_token,
            tokens,
            files,
            solution,
            log=folder / "server.log",
            env=env or {},
            serve_args=serve_args or [],
        )
        if host is not None:
            server.port, server.process, server.shared = host.port, host.process, True
            return server
        servers.append(server)
        if start:
            server.start()
        return server

    yield factory
    for server in servers:
        server.stop()


def _spec(folder: Path, rows: int, titanic: bool, options: dict) -> CompetitionSpec:
    if titanic:
        need_titanic()
        paths = {"train": TITANIC_TRAIN, "test": TITANIC_TEST, "solution": TITANIC_LABELS}
        columns = {"id_column": "PassengerId", "target": "Survived"}
    else:
        paths = generated_competition(folder / "instructor", rows)
        columns = {"id_column": "Id", "target": "Label"}
    options = {"name": "titanic" if titanic else "demo", **columns, **options}
    return CompetitionSpec(**options, **paths, out_dir=folder / "students")


def _add_teams(engine, competition: str, names: list[str]) -> dict[str, str]:
    tokens = {}
    with session_scope(engine) as session:
        found = crud.find_competition(session, competition)
        for name in names:
            _, tokens[name] = crud.add_team(session, found, name)
    return tokens


@pytest.fixture
def live_server(live_server_factory):
    """The default generated competition on the shared server (see the module docstring)."""
    return live_server_factory()
