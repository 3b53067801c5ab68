"""Sustained load on the competition server: scored submissions per second and latency.

What it measures
----------------
For each database back end -- a SQLite file (the default deployment) and PostgreSQL --
it creates a competition with a 1,000-row hidden solution (``glassnet compete init``), adds
``--teams`` teams (the code of ``add-team``, in this process), starts ``glassnet compete
serve`` on a free loopback port as its own process (one Uvicorn worker, as an instructor
runs it), and then, after a 1 s warm-up, lets first one client and then ``--clients``
client threads post submissions for ``--seconds`` seconds each. Every submission is a
different 1,000-row CSV file (so none is taken for a double-click of another), sent over
keep-alive HTTP connections; the daily limit is beyond reach, so every request is read,
validated, scored, stored and answered 201.

It prints, per back end and number of clients, the scored submissions per second (201
answers over the wall time of the run), the latency of those requests at the 50th and 99th
percentile, and the count of any other answers; then the PostgreSQL / SQLite throughput
ratio. The clients run on the same machine as the server and share its cores, so the
numbers are a floor for a dedicated server.

With ``--board-teams 200`` the board is a class's: 200 teams (added over the API with the
instructor token), each with ``--board-submissions`` scored submissions before the clock
starts, and while the clients submit, ``--board-reads`` leaderboard requests a second
(200 open pages refreshing every 5 s make 40) are sent at a steady pace; their latency is
printed too. With ``--compare REF`` (a git revision, e.g. ``main``) every run is made twice,
first with the server of that revision (its ``src/`` exported to a temporary folder and put
first on ``PYTHONPATH``), then with this checkout's, and the table shows them side by side
with the ratio. Everything the runs set up goes through the measured server's own code
(``init`` and ``serve`` of that revision, teams and submissions over HTTP), so a revision
with an older schema is measured on its own schema.

PostgreSQL is taken from ``DATABASE_URL`` (a fresh database is created in it and dropped at
the end); without it, the PostgreSQL runs are made beside a throw-away cluster started by
``.ci/postgres.sh`` when PostgreSQL is installed, and are left out (saying why) otherwise.

How to run
----------
::

    python benchmarks/compete_load.py                 # both back ends, ~2 minutes
    python benchmarks/compete_load.py --seconds 5     # quick run
    python benchmarks/compete_load.py --backend sqlite
    python benchmarks/compete_load.py --board-teams 200 --compare main   # before / after
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import sqlalchemy

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SCRIPT = ROOT / ".ci" / "postgres.sh"
COMPETITION = "load"
N_ROWS = 1000


@dataclass
class Result:
    backend: str
    clients: int
    seconds: float
    code: str = "this checkout"
    latencies: list[float] = field(default_factory=list)  # of the 201 answers, in seconds
    other: dict[str, int] = field(default_factory=dict)  # status (or error) -> count
    board_latencies: list[float] = field(default_factory=list)  # leaderboard reads, seconds

    def row(self) -> dict[str, object]:
        lat = np.array(self.latencies) * 1000.0
        board = np.array(self.board_latencies) * 1000.0
        return {
            "code": self.code,
            "backend": self.backend,
            "clients": self.clients,
            "scored": len(self.latencies),
            "per_second": len(self.latencies) / self.seconds,
            "p50_ms": float(np.percentile(lat, 50)) if lat.size else float("nan"),
            "p99_ms": float(np.percentile(lat, 99)) if lat.size else float("nan"),
            "board_reads": int(board.size),
            "board_p50_ms": float(np.percentile(board, 50)) if board.size else float("nan"),
            "board_p99_ms": float(np.percentile(board, 99)) if board.size else float("nan"),
            "other": dict(self.other),
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def code_env(pythonpath: str | None) -> dict[str, str]:
    """The environment of the server's processes: another revision's src/ first, if any."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    return env


def glassnet(*args: str, cwd: Path, pythonpath: str | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "glassnet", "compete", *args, "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=code_env(pythonpath),
    )
    if done.returncode != 0:
        raise RuntimeError(f"glassnet compete {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout)


def write_competition_files(folder: Path, seed: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, 2 * N_ROWS + 1)
    train = folder / "train.csv"
    with train.open("w") as f:
        f.write("PassengerId,Pclass,Age,Survived\n")
        for i in ids[N_ROWS:]:
            f.write(f"{i},{rng.integers(1, 4)},{rng.integers(1, 80)},{rng.integers(0, 2)}\n")
    solution = folder / "solution.csv"
    with solution.open("w") as f:
        f.write("PassengerId,Survived\n")
        for i in ids[:N_ROWS]:
            f.write(f"{i},{int(rng.random() < 0.4)}\n")
    return train, solution


class Submissions:
    """Different 1,000-row submissions (random labels), each built in about 0.2 ms."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.rows = [(f"{i},0\n", f"{i},1\n") for i in range(1, N_ROWS + 1)]

    def next(self) -> bytes:
        labels = self.rng.integers(0, 2, N_ROWS).tolist()
        body = "".join(row[v] for row, v in zip(self.rows, labels, strict=True))
        return ("PassengerId,Survived\n" + body).encode()


class Server:
    """``glassnet compete serve`` as its own process on a free loopback port."""

    def __init__(self, database_url: str, cwd: Path, pythonpath: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (cwd / "server.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "glassnet",
                "compete",
                "serve",
                "--database",
                database_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=code_env(pythonpath),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log.name}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within 60 s; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def read_board(url: str, rate: float, stop: threading.Event, result: Result) -> None:
    """Read the leaderboard `rate` times a second, at a steady pace, until `stop`."""
    endpoint = f"{url}/api/competitions/{COMPETITION}/leaderboard"
    latencies, other = [], {}
    with httpx.Client(timeout=60) as http:
        next_at = time.perf_counter()
        while not stop.is_set():
            began = time.perf_counter()
            try:
                status = str(http.get(endpoint).status_code)
            except httpx.TransportError as error:
                status = type(error).__name__
            if status == "200":
                latencies.append(time.perf_counter() - began)
            else:
                other[f"board {status}"] = other.get(f"board {status}", 0) + 1
            next_at += 1.0 / rate
            stop.wait(max(next_at - time.perf_counter(), 0.0))
    result.board_latencies.extend(latencies)
    for key, value in other.items():
        result.other[key] = result.other.get(key, 0) + value


def load(
    url: str, tokens: list[str], clients: int, seconds: float, seed: int, board_reads: float = 0
) -> Result:
    result = Result(backend="", clients=clients, seconds=seconds)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    endpoint = f"{url}/api/competitions/{COMPETITION}/submissions"
    stop_at = [0.0]

    def client(k: int) -> None:
        token = tokens[k % len(tokens)]
        submissions = Submissions(seed * 1000 + k)
        latencies, other = [], {}
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            start.wait()
            n = 0
            while time.perf_counter() < stop_at[0]:
                body, n = submissions.next(), n + 1
                began = time.perf_counter()
                try:
                    answer = http.post(endpoint, files={"file": (f"s{k}_{n}.csv", body)})
                    status = str(answer.status_code)
                except httpx.TransportError as error:
                    status = type(error).__name__
                if status == "201":
                    latencies.append(time.perf_counter() - began)
                else:
                    other[status] = other.get(status, 0) + 1
        with lock:
            result.latencies.extend(latencies)
            for key, value in other.items():
                result.other[key] = result.other.get(key, 0) + value

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    stop_reading = threading.Event()
    reader = threading.Thread(target=read_board, args=(url, board_reads, stop_reading, result))
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    if board_reads > 0:
        reader.start()
    start.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    stop_reading.set()
    if board_reads > 0:
        reader.join()
    return result


def run_backend(
    backend: str,
    database_url: str,
    args: argparse.Namespace,
    pythonpath: str | None = None,
    code: str = "this checkout",
) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix=f"compete-load-{backend}-") as tmp:
        folder = Path(tmp)
        train, solution = write_competition_files(folder, args.seed)
        common = ["--database", database_url]
        created = glassnet(
            "init",
            COMPETITION,
            "--train",
            str(train),
            "--solution",
            str(solution),
            "--id-column",
            "PassengerId",
            "--target",
            "Survived",
            "--metric",
            "accuracy",
            "--daily-limit",
            "1000000",
            "--out-dir",
            str(folder / "student-files"),
            *common,
            cwd=folder,
            pythonpath=pythonpath,
        )
        server = Server(database_url, folder, pythonpath)
        results = []
        try:
            teams = max(args.teams, args.board_teams)
            tokens = add_teams(server.url, created["instructor_token"], teams)
            fill_board(server.url, tokens[: args.board_teams], args.board_submissions, args.seed)
            tokens = tokens[: args.teams]
            # Warm-up: imports, connection pools and the first queries before the clock.
            load(server.url, tokens, min(args.clients, 4), 1.0, args.seed + 1)
            for clients in sorted({1, args.clients}):
                print(
                    f"  {code}, {backend}: {clients} client(s) for {args.seconds:g} s ...",
                    flush=True,
                )
                result = load(
                    server.url, tokens, clients, args.seconds, args.seed + clients, args.board_reads
                )
                if httpx.get(server.url + "/api/health", timeout=10).status_code != 200:
                    result.other["health after the run"] = 1
                result.backend, result.code = backend, code
                results.append(result)
        finally:
            server.stop()
    return results


def add_teams(url: str, instructor_token: str, n: int) -> list[str]:
    """``n`` teams and their tokens, added over the API with the instructor token.

    Through the measured server's own code (any revision has this route), not this
    checkout's, whose schema may be newer than the server's.
    """
    headers = {"Authorization": f"Bearer {instructor_token}"}
    endpoint = f"{url}/api/competitions/{COMPETITION}/teams"
    with httpx.Client(headers=headers, timeout=60) as http:
        tokens = []
        for k in range(n):
            answer = http.post(endpoint, json={"name": f"team{k}", "members": [f"m{k}"]})
            answer.raise_for_status()
            tokens.append(answer.json()["token"])
    return tokens


def fill_board(url: str, tokens: list[str], per_team: int, seed: int) -> None:
    """Give each team `per_team` scored submissions, so the board has a class's rows."""
    endpoint = f"{url}/api/competitions/{COMPETITION}/submissions"
    submissions = Submissions(seed + 7)
    for token in tokens:
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for k in range(per_team):
                answer = http.post(endpoint, files={"file": (f"fill{k}.csv", submissions.next())})
                answer.raise_for_status()


def fresh_postgres_database(base_url: str) -> tuple[str, sqlalchemy.Engine]:
    """A new database on the server at ``base_url``; returns its URL and an admin engine."""
    name = f"glassnet_load_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(
        base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    url = sqlalchemy.make_url(base_url).set(database=name)
    return url.render_as_string(hide_password=False), admin


def drop_database(admin: sqlalchemy.Engine, url: str) -> None:
    name = sqlalchemy.make_url(url).database
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def child_options(args: argparse.Namespace) -> list[str]:
    """This run's options, for the same script run beside a PostgreSQL cluster."""
    options = ["--seconds", str(args.seconds), "--clients", str(args.clients)]
    options += ["--teams", str(args.teams), "--seed", str(args.seed)]
    options += ["--board-teams", str(args.board_teams)]
    options += ["--board-submissions", str(args.board_submissions)]
    options += ["--board-reads", str(args.board_reads)]
    return options + (["--compare", args.compare] if args.compare else [])


def postgres_elsewhere(args: argparse.Namespace) -> list[dict[str, object]]:
    """Run this script's PostgreSQL part beside a throw-away cluster (.ci/postgres.sh)."""
    if not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))):
        print("  postgresql: left out (no DATABASE_URL and PostgreSQL is not installed)")
        return []
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [str(POSTGRES_SCRIPT), sys.executable, __file__, "--backend", "postgresql"]
        command += [*child_options(args), "--json-out", out.name]
        done = subprocess.run(command, check=False)
        if done.returncode != 0 or not Path(out.name).read_text():
            print("  postgresql: the run beside a throw-away cluster failed (see above)")
            return []
        return json.loads(Path(out.name).read_text())


def print_table(rows: list[dict[str, object]]) -> None:
    print()
    print(
        "| code | back end | clients | scored | scored/s | p50 ms | p99 ms "
        "| board reads | board p50 ms | board p99 ms | other answers |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        other = ", ".join(f"{k}: {v}" for k, v in r["other"].items()) or "none"
        print(
            f"| {r['code']} | {r['backend']} | {r['clients']} | {r['scored']} "
            f"| {r['per_second']:.1f} | {r['p50_ms']:.0f} | {r['p99_ms']:.0f} "
            f"| {r['board_reads']} | {r['board_p50_ms']:.0f} | {r['board_p99_ms']:.0f} | {other} |"
        )
    by_run = {(r["code"], r["backend"], r["clients"]): r for r in rows}
    codes = list(dict.fromkeys(r["code"] for r in rows))
    for (code, backend, clients), r in by_run.items():
        if code == codes[-1] and len(codes) > 1 and (codes[0], backend, clients) in by_run:
            before = by_run[codes[0], backend, clients]
            ratio = r["per_second"] / before["per_second"]
            print(
                f"{backend}, {clients} client(s): {before['per_second']:.1f} -> "
                f"{r['per_second']:.1f} scored submissions/s ({codes[-1]} / {codes[0]}: "
                f"{ratio:.2f}x)"
            )
    for code in codes:
        for clients in sorted({r["clients"] for r in rows}):
            pg, lite = (
                by_run.get((code, "postgresql", clients)),
                by_run.get((code, "sqlite", clients)),
            )
            if pg and lite:
                ratio = pg["per_second"] / lite["per_second"]
                print(
                    f"{code}: PostgreSQL / SQLite submissions per second, {clients} "
                    f"client(s): {ratio:.2f}"
                )


def export_revision(revision: str, into: Path) -> str:
    """Export a git revision's src/ into `into`; return the folder to put on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return str(into / "src")


def run_all(backend: str, url: str, args: argparse.Namespace) -> list[dict[str, object]]:
    """Run one back end: the compared revision first (if any), then this checkout."""
    rows = []
    if args.compare:
        with tempfile.TemporaryDirectory(prefix="compete-load-code-") as tmp:
            path = export_revision(args.compare, Path(tmp))
            rows += [r.row() for r in run_backend(backend, url(), args, path, args.compare)]
    rows += [r.row() for r in run_backend(backend, url(), args)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="each run's load")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--teams", type=int, default=8, help="teams the clients submit as")
    parser.add_argument("--board-teams", type=int, default=0, help="teams on the board")
    parser.add_argument(
        "--board-submissions", type=int, default=3, help="each board team's submissions"
    )
    parser.add_argument(
        "--board-reads", type=float, default=0.0, help="leaderboard requests per second"
    )
    parser.add_argument("--compare", help="a git revision whose server runs first, e.g. main")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--json-out", help=argparse.SUPPRESS)  # the PostgreSQL child's answer
    args = parser.parse_args()

    print(
        f"Python {platform.python_version()}, {os.cpu_count()} cores; {N_ROWS}-row files, "
        f"{args.clients} clients over {args.teams} teams, {args.seconds:g} s per run; "
        f"board of {args.board_teams} teams x {args.board_submissions}, "
        f"{args.board_reads:g} board reads/s"
    )
    rows = []
    if args.backend in ("both", "sqlite"):
        with tempfile.TemporaryDirectory(prefix="compete-load-db-") as tmp:
            names = iter(range(100))
            rows += run_all("sqlite", lambda: f"sqlite:///{tmp}/load{next(names)}.db", args)
    if args.backend in ("both", "postgresql"):
        base = os.environ.get("DATABASE_URL")
        if base:
            made: list[tuple[str, sqlalchemy.Engine]] = []

            def new_database() -> str:
                made.append(fresh_postgres_database(base))
                return made[-1][0]

            try:
                rows += run_all("postgresql", new_database, args)
            finally:
                for url, admin in made:
                    drop_database(admin, url)
        elif args.backend == "both":
            rows += postgres_elsewhere(args)
        else:
            sys.exit("--backend postgresql needs DATABASE_URL (or leave --backend out)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows))
        return
    print_table(rows)
    print()


if __name__ == "__main__":
    main()
