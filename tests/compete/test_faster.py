"""The board kept built until a score changes; the token-guess limit shared by workers.

The cache is checked against a real database with the server's own code (its build
counter says when it rebuilt); the shared limit against a real two-worker server.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from sqlalchemy.orm import Session

from glassnet.compete import crud
from glassnet.compete.api.service import leaderboard
from glassnet.compete.board_cache import BoardCache
from glassnet.compete.create import CompetitionSpec, create_competition
from glassnet.compete.db import make_engine, session_scope, upgrade

from .conftest import free_port, generated_competition


def test_the_board_is_rebuilt_only_when_a_score_on_it_changes(new_database_url, tmp_path):
    url = new_database_url()
    upgrade(url)
    paths = generated_competition(tmp_path / "instructor")
    spec = CompetitionSpec(
        name="cached", id_column="Id", target="Label", out_dir=tmp_path / "s", **paths
    )
    engine = make_engine(url)
    cache = BoardCache(leaderboard)
    try:
        create_competition(engine, spec)
        with session_scope(engine) as session:
            found = crud.find_competition(session, "cached")
            team, _ = crud.add_team(session, found, "alpha")
            solution = crud.load_solution(session, found)
        truth = solution.labels

        def submit(wrong: int, seed: int) -> None:
            predictions = truth.copy()
            rows = np.random.default_rng(seed).choice(len(truth), wrong, replace=False)
            predictions[rows] = np.where(predictions[rows] == "1", "0", "1")
            # As the server does: record_submission commits its own transaction.
            with Session(engine, expire_on_commit=False) as session:
                found = crud.find_competition(session, "cached")
                crud.record_submission(
                    session, found, team, solution, predictions, f"h{seed}", "p.csv", 0
                )

        def board() -> dict[str, tuple[float, int]]:
            with session_scope(engine) as session:
                found = crud.find_competition(session, "cached")
                rows = cache.get(session, found).rows
                return {r.team: (r.public_score, r.entries) for r in rows}

        assert "alpha" not in board() and cache.builds == 1
        submit(100, 1)  # the team's first score: a new line
        first = board()["alpha"]
        assert first[1] == 1 and cache.builds == 2
        submit(200, 2)  # worse: the line keeps its score, one more entry
        assert board()["alpha"] == (first[0], 2) and cache.builds == 2
        assert board()["alpha"] == (first[0], 2) and cache.builds == 2
        submit(10, 3)  # better: rebuilt
        assert board()["alpha"][0] > first[0] and cache.builds == 3
        with session_scope(engine) as session:
            found = crud.find_competition(session, "cached")
            found.revealed = True
            crud.bump_board(session, found)
        with session_scope(engine) as session:
            found = crud.find_competition(session, "cached")
            revealed = cache.get(session, found)
        assert cache.builds == 4 and revealed.revealed
        assert revealed.rows[0].private_score is not None
    finally:
        engine.dispose()


def test_server_processes_share_the_token_guess_limit(live_server_factory):
    """Guesses sent to two servers on one database count together; --workers runs."""
    limits = {
        "GLASSNET_COMPETE_AUTH_FAILURES_PER_MINUTE": "6",
        "GLASSNET_COMPETE_AUTH_BLOCK_SECONDS": "30",
    }
    first = live_server_factory(env=limits, serve_args=["--workers", "2"])
    second = dataclasses.replace(first, port=free_port(), process=None, serve_args=[])
    second.start()
    try:
        path = f"/api/competitions/{first.competition}/team"
        with first.client(first.token) as team:
            assert team.get(path).status_code == 200  # the two workers answer
        for k in range(6):
            server = (first, second)[k % 2]  # three guesses at each
            with server.client(f"guess-{k}") as guesser:
                assert guesser.get(path).status_code == 401
        for server in (first, second):
            with server.client(server.token) as team:
                refused = team.get(path)
            assert refused.status_code == 429, refused.text
            assert "(6 within a minute)" in refused.json()["detail"]
    finally:
        second.stop()


def test_a_scored_submission_takes_few_statements(live_server_factory):
    """What one scored submission costs the database, statement by statement.

    The server is the real app, in this process (Starlette's client runs its lifespan),
    on the test's database; every statement any engine sends is counted. At most
    eight: the read's BEGIN, the competition, the team with its address's block (one
    query), BEGIN IMMEDIATE, the daily count (one upsert), the repeat and the team's
    best score (one query), the board's version (when the score beats the team's best)
    and the row. The server before this count was kept sent twelve; a change that adds
    a round trip to every submission fails here.
    """
    from fastapi.testclient import TestClient
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from glassnet.compete.app import create_app
    from glassnet.compete.config import Settings

    server = live_server_factory(start=False)
    path = f"/api/competitions/{server.competition}/submissions"
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(" ".join(statement.split())[:60])

    def body(seed: int) -> bytes:
        labels = np.random.default_rng(seed).integers(0, 2, len(server.solution))
        rows = [f"{i},{v}" for i, v in zip(server.solution.iloc[:, 0], labels, strict=True)]
        return ("Id,Label\n" + "\n".join(rows) + "\n").encode()

    app = create_app(Settings(database_url=server.database_url))
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {server.token}"}
        for seed in (1, 2):  # the first submission fills the server's caches
            statements.clear()
            event.listen(Engine, "before_cursor_execute", count)
            try:
                answer = client.post(path, headers=headers, files={"file": ("p.csv", body(seed))})
            finally:
                event.remove(Engine, "before_cursor_execute", count)
            assert answer.status_code == 201, answer.text
    # PostgreSQL's pool pings a connection as it lends it (pool_pre_ping): not a query.
    sent = [s for s in statements if s != "SELECT 1"]
    assert len(sent) <= 8, "\n".join(sent)


def test_commits_wait_for_the_disk_only_when_told_to(new_database_url):
    from sqlalchemy import text

    url = new_database_url()
    sqlite = url.startswith("sqlite")
    query = "PRAGMA synchronous" if sqlite else "SHOW synchronous_commit"
    for each_commit, expected in ((False, (1, "off")), (True, (2, "on"))):
        engine = make_engine(url, sync_each_commit=each_commit)
        try:
            with engine.connect() as connection:
                assert connection.execute(text(query)).scalar() == expected[0 if sqlite else 1]
        finally:
            engine.dispose()
