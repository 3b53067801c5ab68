"""50 clients at once against a real server: nothing accepted is lost, no limit is exceeded.

One server process (``glassnet compete serve``) on a loopback port, on a SQLite file and,
when ``DATABASE_URL`` is set, on PostgreSQL (a fresh schema). Three competitions in the one
database give teams small, middling and out-of-reach daily limits. For 30 s, 50 client
threads post submissions: new files, double-clicks (the same file twice at the same instant,
from two connections), several clients per team (parallel requests of one team), and now
and then an invalid file. Then the answers the clients got are compared with what the
server and its database hold: every 201 is one stored, scored row, and nothing else is;
no team is over its limit; the teams that hammered their limit sit exactly at it. Then the
server is stopped and started, and killed with SIGKILL in the middle of more load and
started again: every submission that was answered 201 is still there, scored.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy

from glassnet.compete import crud
from glassnet.compete.create import CompetitionSpec, create_competition
from glassnet.compete.db import make_engine, session_scope

N_ROWS = 200
LOAD_SECONDS = 30.0
N_CLIENTS = 50
# competition -> (daily limit, number of teams, clients per team)
COMPETITIONS = {
    "tight": (3, 6, 3),  # 18 clients hammer a limit of 3
    "middling": (25, 4, 4),  # 16 clients
    "open": (1_000_000, 4, 4),  # 16 clients never reach theirs: the server keeps scoring
}
assert sum(teams * per for _, teams, per in COMPETITIONS.values()) == N_CLIENTS

# -- the server and its database ---------------------------------------------------------


@dataclass
class Arena:
    server: Any  # conftest's LiveServer
    engine: sqlalchemy.Engine
    ids: list[str]  # the test rows' IDs, in order
    limits: dict[str, int]  # competition -> daily limit
    teams: dict[tuple[str, str], str] = field(default_factory=dict)  # (comp, team) -> token


@pytest.fixture
def arena(live_server_factory, tmp_path):
    """One server, three competitions in its database, 14 teams; started."""
    # The limits are per UTC day: a run across midnight would count two days. Rather wait.
    now = datetime.now(UTC)
    to_midnight = (now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)) - now
    if to_midnight < timedelta(minutes=2):
        time.sleep(to_midnight.total_seconds() + 1)
    tight_limit, tight_teams, _ = COMPETITIONS["tight"]
    names = [f"tight-{k}" for k in range(tight_teams)]
    server = live_server_factory(
        rows=N_ROWS, teams=names, daily_limit=tight_limit, name="tight", start=False
    )
    engine = make_engine(server.database_url)
    arena = Arena(server, engine, list(server.solution["Id"]), {server.competition: tight_limit})
    arena.teams.update({("tight", name): token for name, token in server.team_tokens.items()})
    # The other competitions share the test rows; their solution is the same hidden file.
    solution = tmp_path / "solution.csv"
    server.solution.to_csv(solution, index=False)
    for name, (limit, n_teams, _) in COMPETITIONS.items():
        if name == "tight":
            continue
        spec = CompetitionSpec(
            name=name, train=server.files["train"], test=server.files["test"], solution=solution,
            id_column="Id", target="Label", daily_limit=limit, out_dir=tmp_path / name,
        )  # fmt: skip
        create_competition(engine, spec)
        arena.limits[name] = limit
        with session_scope(engine) as session:
            competition = crud.find_competition(session, name)
            for k in range(n_teams):
                _, token = crud.add_team(session, competition, f"{name}-{k}")
                arena.teams[name, f"{name}-{k}"] = token
    server.start()
    yield arena
    server.stop()
    engine.dispose()


# -- the clients ---------------------------------------------------------------------------


@dataclass
class Answer:
    competition: str
    team: str
    digest: str  # sha256 of the file sent
    valid: bool
    status: int | str  # HTTP status, or the transport error's name
    body: dict | None


def _submission(ids: list[str], rng: random.Random) -> bytes:
    labels = rng.choices("01", k=len(ids))
    return ("Id,Label\n" + "".join(f"{i},{v}\n" for i, v in zip(ids, labels, strict=True))).encode()


INVALID = b"Id,Labels\n10001,1\n"  # a wrong header: refused, never stored


def _post(http: httpx.Client, competition: str, body: bytes) -> tuple[int | str, dict | None]:
    url = f"/api/competitions/{competition}/submissions"
    try:
        answer = http.post(url, files={"file": ("predictions.csv", body, "text/csv")})
    except httpx.TransportError as error:
        return type(error).__name__, None
    try:
        return answer.status_code, answer.json()
    except ValueError:
        return answer.status_code, None


def run_clients(arena: Arena, seconds: float, plan: list[tuple[str, str]], seed: int,
                during=None) -> list[Answer]:  # fmt: skip
    """Each (competition, team) in ``plan`` is one client thread posting for ``seconds``."""
    answers: list[Answer] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(plan) + 1)
    # The window starts when every client is ready (on a loaded machine, making the
    # clients can take seconds, and the kill test's kill must fall inside the window).
    started = threading.Event()
    stop_at = [0.0]

    def client(k: int, competition: str, team: str) -> None:
        rng = random.Random(seed * 1000 + k)
        headers = {"Authorization": f"Bearer {arena.teams[competition, team]}"}
        mine: list[Answer] = []

        def record(body: bytes, valid: bool, status, reply) -> None:
            digest = hashlib.sha256(body).hexdigest()
            mine.append(Answer(competition, team, digest, valid, status, reply))

        with (
            httpx.Client(base_url=arena.server.url, headers=headers, timeout=120) as http,
            httpx.Client(base_url=arena.server.url, headers=headers, timeout=120) as twin,
        ):
            barrier.wait()
            started.wait()
            while time.monotonic() < stop_at[0]:
                roll = rng.random()
                if roll < 0.05:
                    record(INVALID, False, *_post(http, competition, INVALID))
                elif roll < 0.20:
                    # A double-click: the same file twice at once, on two connections.
                    body = _submission(arena.ids, rng)
                    second: list = []
                    other = threading.Thread(
                        target=lambda out, b: out.append(_post(twin, competition, b)),
                        args=(second, body),
                    )
                    other.start()
                    record(body, True, *_post(http, competition, body))
                    other.join()
                    record(body, True, *second[0])
                else:
                    body = _submission(arena.ids, rng)
                    record(body, True, *_post(http, competition, body))
                if mine[-1].status == 429:
                    time.sleep(0.05)  # a refused client retries, as a student would, not spin
                if isinstance(mine[-1].status, str):
                    time.sleep(0.2)  # the server is down (the kill test): try again soon
        with lock:
            answers.extend(mine)

    threads = [
        threading.Thread(target=client, args=(k, competition, team))
        for k, (competition, team) in enumerate(plan)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    stop_at[0] = time.monotonic() + seconds
    started.set()
    if during:
        during()
    for thread in threads:
        thread.join()
    return answers


def _full_plan(arena: Arena) -> list[tuple[str, str]]:
    plan = []
    for name, (_, _, per_team) in COMPETITIONS.items():
        for competition, team in arena.teams:
            if competition == name:
                plan += [(competition, team)] * per_team
    return plan


# -- what the server holds -----------------------------------------------------------------


def _rows(arena: Arena) -> list[dict]:
    query = sqlalchemy.text(
        "SELECT s.id, s.content_hash, s.public_score, s.private_score, c.name AS competition, "
        "t.name AS team FROM submissions s JOIN teams t ON t.id = s.team_id "
        "JOIN competitions c ON c.id = s.competition_id WHERE NOT t.baseline"
    )
    with arena.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def _team_api_ids(arena: Arena, competition: str, team: str) -> list[int]:
    headers = {"Authorization": f"Bearer {arena.teams[competition, team]}"}
    reply = httpx.get(
        f"{arena.server.url}/api/competitions/{competition}/team", headers=headers, timeout=30
    )
    assert reply.status_code == 200, reply.text
    return [s["id"] for s in reply.json()["submissions"]]


def _accepted(answers: list[Answer]) -> dict[int, Answer]:
    """The submissions answered 201, by id; a double-click's second answer repeats the id."""
    accepted: dict[int, Answer] = {}
    for a in answers:
        if a.status == 201:
            assert a.valid, f"an invalid file was accepted: {a.body}"
            assert a.body["status"] == "scored" and a.body["public_score"] is not None, a.body
            previous = accepted.setdefault(a.body["id"], a)
            assert (previous.team, previous.digest) == (a.team, a.digest), (
                f"submission {a.body['id']} was answered to two different files or teams"
            )
    return accepted


def check_nothing_lost(arena: Arena, accepted: dict[int, Answer], exact: bool) -> list[dict]:
    """Every accepted id is one scored row of its team; with ``exact`` nothing else is."""
    rows = _rows(arena)
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) == len(rows)
    missing = sorted(set(accepted) - set(by_id))
    assert not missing, f"{len(missing)} accepted submissions are not stored: {missing[:5]}"
    for sid, answer in accepted.items():
        row = by_id[sid]
        assert (row["competition"], row["team"]) == (answer.competition, answer.team)
        assert row["content_hash"] == answer.digest  # the file that was answered
    # Scored once: each row has its scores; no row is there without them (half-written).
    unscored = [row["id"] for row in rows if row["public_score"] is None]
    assert not unscored, f"stored but not scored: {unscored[:5]}"
    if exact:
        extra = sorted(set(by_id) - set(accepted))
        assert not extra, f"{len(extra)} rows were never answered 201: {extra[:5]}"
    # A double-click is one submission: never two rows of one team with one file.
    files = Counter((row["team"], row["content_hash"]) for row in rows)
    twice = [key for key, n in files.items() if n > 1]
    assert not twice, f"the same file of the same team stored {len(twice)} times over"
    # No team over its daily limit (the test runs within one UTC day of the counters).
    per_team = Counter((row["competition"], row["team"]) for row in rows)
    for (competition, team), n in per_team.items():
        assert n <= arena.limits[competition], f"{team}: {n} > {arena.limits[competition]}"
    # The day's counter moved with the rows, in the same transactions (a kill included).
    assert _counters(arena) == {key: n for key, n in per_team.items() if n}
    return rows


def _counters(arena: Arena) -> dict[tuple[str, str], int]:
    query = sqlalchemy.text(
        "SELECT c.name, t.name, SUM(d.used) FROM daily_counts d JOIN teams t ON t.id = d.team_id "
        "JOIN competitions c ON c.id = t.competition_id GROUP BY c.name, t.name"
    )
    with arena.engine.connect() as connection:
        return {(c, t): int(n) for c, t, n in connection.execute(query) if n}


def _healthy(arena: Arena) -> bool:
    reply = httpx.get(arena.server.url + "/api/health", timeout=10)
    return reply.status_code == 200 and reply.json() == {"status": "ok"}


# -- the tests -------------------------------------------------------------------------------


def test_fifty_clients_for_thirty_seconds_then_restart_and_kill(arena):
    answers = run_clients(arena, LOAD_SECONDS, _full_plan(arena), seed=1)
    statuses = Counter(a.status for a in answers)
    print(f"{len(answers)} answers in {LOAD_SECONDS:g} s: {dict(statuses)}")  # shown with -s
    assert set(statuses) <= {200, 201, 400, 422, 429}, statuses
    assert statuses[201] > 100, statuses
    assert _healthy(arena)

    accepted = _accepted(answers)
    rows = check_nothing_lost(arena, accepted, exact=True)

    # The team API agrees with the database, team by team.
    for competition, team in arena.teams:
        stored = sorted(
            r["id"] for r in rows if (r["competition"], r["team"]) == (competition, team)
        )
        assert sorted(_team_api_ids(arena, competition, team)) == stored

    # The limits held exactly where clients hammered them (and were not under-counted).
    per_team = Counter((r["competition"], r["team"]) for r in rows)
    for competition, team in arena.teams:
        if competition != "open":
            assert per_team[competition, team] == arena.limits[competition], (competition, team)
    # Every double-click got one id for its two answers.
    ids_per_file = defaultdict(set)
    for a in answers:
        if a.status in (200, 201):
            ids_per_file[a.team, a.digest].add(a.body["id"])
    assert all(len(ids) == 1 for ids in ids_per_file.values())
    assert any(n == 2 for n in Counter((a.team, a.digest) for a in answers if a.valid).values())

    # A clean restart keeps everything.
    arena.server.stop()
    arena.server.start()
    after = check_nothing_lost(arena, accepted, exact=True)
    assert sorted(after, key=lambda r: r["id"]) == sorted(rows, key=lambda r: r["id"])

    # SIGKILL in the middle of more load, then a restart: nothing answered 201 is lost.
    open_plan = [(c, t) for c, t in arena.teams if c == "open"] * 4
    killed = threading.Event()

    def kill_after_a_while() -> None:
        time.sleep(3.0)
        arena.server.kill()
        killed.set()

    during = run_clients(arena, 6.0, open_plan, seed=2, during=kill_after_a_while)
    assert killed.is_set()
    kinds = Counter(a.status if isinstance(a.status, int) else "down" for a in during)
    assert kinds[201] > 0 and kinds["down"] > 0, kinds
    arena.server.start()
    assert _healthy(arena)
    accepted.update(_accepted(during))
    # Rows the kill cut off before their 201 may be stored (committed, unanswered): allowed.
    check_nothing_lost(arena, accepted, exact=False)
