"""No route, answer, page, error or export shows a hidden label or a private score early.

The walk takes every route of the app (from ``app.routes``), fills its path, and
calls it with no token, a team token and the instructor token, each with the bodies
its kind of route takes (none, JSON, a good file, a bad file, a form). Every answer
is searched for the hidden labels (as a sequence, in the usual encodings) and for
every submission's private score (in the forms the server could print it). Then the
instructor reveals, and the same search must find the private scores: the detector
works.
"""

from __future__ import annotations

import json
import time

import numpy as np
from sqlalchemy import select

from glassnet.compete.app import create_app
from glassnet.compete.config import Settings
from glassnet.compete.db import make_engine
from glassnet.compete.models import Submission

REVEAL = "/api/competitions/{name}/reveal"


def label_patterns(server) -> list[str]:
    """Runs of 40 hidden labels in a row, as text, JSON or lines; and id,label lines."""
    ids, labels = (server.solution[c].tolist() for c in server.solution.columns[:2])
    patterns = []
    for start in range(0, len(labels) - 40, 40):
        run = labels[start : start + 40]
        patterns += ["".join(run), ",".join(run), "\n".join(run), json.dumps(run)]
        patterns.append(json.dumps([int(v) for v in run]))
    patterns.append("\n".join(f"{i},{v}" for i, v in zip(ids[:10], labels[:10], strict=True)))
    return patterns


def private_patterns(server, shown: set[str]) -> list[str]:
    """Every private score as the server could write it (unless it equals a public one)."""
    engine = make_engine(server.database_url)
    try:
        with engine.connect() as connection:
            scores = connection.execute(select(Submission.private_score)).scalars().all()
    finally:
        engine.dispose()
    forms = {form for p in scores for form in (repr(p), str(round(p, 5)), f"{p:.4f}")}
    return sorted(forms - shown)


def calls(route_path: str, method: str, token: str | None, good: bytes, submission_id: int):
    """The requests a walker makes to one route with one token."""
    path = route_path.replace("{name}", "demo").replace("{submission_id}", str(submission_id))
    # gamma: not the team whose token the walk uses (an instructor's walk gives it a new one).
    path = path.replace("{team}", "gamma").replace("{filename}", "test.csv")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        yield path, {"headers": headers}
        return
    form = {"token": token or "", "submission_id": str(submission_id)}
    for body in (
        {},
        {"json": {"name": "walker", "members": ["w"], "selected": True}},
        {"files": {"file": ("good.csv", good, "text/csv")}, "data": {"token": token or ""}},
        {"files": {"file": ("bad.csv", b"Id,Label\n10001,7\n", "text/csv")}, "data": form},
        {"data": form},
    ):
        yield path, {"headers": headers, **body}


def app_routes(routes):
    """Every route of the app; FastAPI keeps included routers as nodes of their own."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from app_routes(route.original_router.routes)
        else:
            yield route


def walk(server, tokens, good, submission_id, skip=()):
    """Call every route; return (method, path, status, text) of each answer."""
    app = create_app(Settings(database_url=server.database_url))
    seen = []
    with server.client() as client:
        for route in app_routes(app.routes):
            for method in sorted(set(getattr(route, "methods", ())) - {"HEAD"}):
                for token in tokens:
                    if (route.path, token) in skip:
                        continue
                    for path, kwargs in calls(route.path, method, token, good, submission_id):
                        answer = client.request(method, path, **kwargs)
                        seen.append((method, path, answer.status_code, answer.text))
    return seen


def leaks(answers, patterns):
    return [
        (m, p, s, pattern) for m, p, s, text in answers for pattern in patterns if pattern in text
    ]


def public_strings(answers) -> set[str]:
    shown = set()
    for *_, text in answers:
        try:
            document = json.loads(text)
        except ValueError:
            continue
        rows = document.get("rows", []) if isinstance(document, dict) else []
        shown |= {str(row["public_score"]) for row in rows}
    return shown


def test_no_route_reveals_hidden_labels_or_private_scores(live_server_factory):
    # A server of its own: every private score in its database is this competition's.
    # The walk tries team tokens on instructor routes and back, more wrong tokens than
    # the limit on guessing allows a minute: raised here, so every route really answers.
    live_server = live_server_factory(env={"GLASSNET_COMPETE_AUTH_FAILURES_PER_MINUTE": "100000"})
    team, instructor = live_server.token, live_server.instructor_token
    good = live_server.predictions_csv(flip=80, seed=3)
    with live_server.client(live_server.team_tokens["beta"]) as beta:
        first = live_server.upload(beta, live_server.predictions_csv(flip=30, seed=4)).json()
    tokens = [None, team, instructor]
    # The instructor's reveal is the one call the walk must not make before the end.
    answers = walk(live_server, tokens, good, first["id"], skip={(REVEAL, instructor)})
    assert len({(m, p) for m, p, *_ in answers}) == 28  # every route was reached
    assert all(status < 500 for _, _, status, _ in answers)
    assert not leaks(answers, label_patterns(live_server))
    secret = private_patterns(live_server, public_strings(answers))
    assert secret and not leaks(answers, secret)
    for _, _, _, text in answers:
        for key in ("private_score", "private_rank", "shake_up"):
            assert f'"{key}":0' not in text.replace(" ", "")
            assert f'"{key}":1' not in text.replace(" ", "")
    # After the reveal, the same search finds the private scores on the board.
    with live_server.client(instructor) as client:
        assert client.post("/api/competitions/demo/reveal").status_code == 200
    after = walk(live_server, [None], good, first["id"])
    assert leaks(after, private_patterns(live_server, public_strings(after)))
    assert not leaks(after, label_patterns(live_server))


def test_tokens_are_stored_hashed(live_server_factory):
    live_server = live_server_factory(start=False)
    engine = make_engine(live_server.database_url)
    try:
        with engine.connect() as connection:
            dump = "\n".join(
                str(row) for row in connection.exec_driver_sql("SELECT * FROM teams").all()
            )
            dump += "\n".join(
                str(row) for row in connection.exec_driver_sql("SELECT * FROM competitions").all()
            )
    finally:
        engine.dispose()
    for token in [live_server.instructor_token, *live_server.team_tokens.values()]:
        assert token not in dump
    assert np.all([len(t) >= 32 for t in live_server.team_tokens.values()])


def test_guessing_tokens_gets_an_address_refused_for_a_while(live_server_factory):
    server = live_server_factory(
        env={
            "GLASSNET_COMPETE_AUTH_FAILURES_PER_MINUTE": "5",
            "GLASSNET_COMPETE_AUTH_BLOCK_SECONDS": "2",
        }
    )
    good = server.predictions_csv(flip=10)
    for k in range(5):
        with server.client(f"guess-{k}") as guesser:
            assert server.upload(guesser, good).status_code == 401
    # Now even the right token is refused from this address: a lucky guess would not show.
    with server.client(server.token) as team:
        refused = server.upload(team, good)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) <= 2
        assert (
            "Too many wrong tokens from your address (5 within a minute)"
            in (refused.json()["detail"])
        )
        instructor = team.post(
            f"/api/competitions/{server.competition}/reveal",
            headers={"Authorization": f"Bearer {server.instructor_token}"},
        )
        assert instructor.status_code == 429
        page = team.post(f"/c/{server.competition}/team", data={"token": server.token})
        assert page.status_code == 429 and "Too many wrong tokens" in page.text
        # Pages and boards that need no token still answer.
        board = team.get(f"/api/competitions/{server.competition}/leaderboard")
        assert board.status_code == 200
        # Nothing was counted or stored while refused.
        time.sleep(2.2)
        accepted = server.upload(team, good)
        assert accepted.status_code == 201 and accepted.json()["remaining_today"] == 4


def test_the_default_limit_is_twenty_wrong_tokens_a_minute(live_server_factory):
    # Behind a proxy on loopback, named as trusted: X-Forwarded-For gives the addresses.
    live_server = live_server_factory(env={"GLASSNET_COMPETE_TRUSTED_PROXIES": "127.0.0.1"})
    address = {"X-Forwarded-For": "198.51.100.20"}
    path = f"/api/competitions/{live_server.competition}/team"
    with live_server.client() as client:
        for k in range(20):
            wrong = {**address, "Authorization": f"Bearer wrong-{k}"}
            assert client.get(path, headers=wrong).status_code == 401
        right = {**address, "Authorization": f"Bearer {live_server.token}"}
        assert client.get(path, headers=right).status_code == 429
        # Another address is not held back by this one's guesses.
        elsewhere = {"X-Forwarded-For": "198.51.100.21", "Authorization": right["Authorization"]}
        assert client.get(path, headers=elsewhere).status_code == 200
