"""The REST API against a real server: scores, limits, tokens, finals, reveal, Ladder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import update

from glassnet.compete.db import make_engine
from glassnet.compete.models import Competition


def upload(client, competition: str, content: bytes):
    return client.post(
        f"/api/competitions/{competition}/submissions",
        files={"file": ("predictions.csv", content, "text/csv")},
    )


def expected_accuracy(server, content: bytes, public: bool = True) -> float:
    lines = content.decode().splitlines()[1:]
    predicted = np.array([line.split(",")[1] for line in lines])
    truth = server.solution.iloc[:, 1].to_numpy()
    rows = server.public_mask() == public
    return round(float(np.mean(predicted[rows] == truth[rows])), 5)


def test_submission_is_scored_on_the_public_rows_and_ranked(live_server):
    content = live_server.predictions_csv(flip=40)
    with live_server.client(live_server.team_tokens["alpha"]) as alpha:
        info = alpha.get(f"/api/competitions/{live_server.competition}").json()
        assert info["expected_header"] == "Id,Label"
        assert info["labels"] == ["0", "1"] and info["test_rows"] == 418
        answer = upload(alpha, live_server.competition, content)
        assert answer.status_code == 201, answer.text
        result = answer.json()
        assert result["public_score"] == expected_accuracy(live_server, content)
        assert result["private_score"] is None
        assert result["remaining_today"] == 4 and not result["duplicate"]
        team = alpha.get(f"/api/competitions/{live_server.competition}/team").json()
    assert team["remaining_today"] == 4
    assert [s["id"] for s in team["submissions"]] == [result["id"]]
    board = (
        live_server.client().get(f"/api/competitions/{live_server.competition}/leaderboard").json()
    )
    assert board["revealed"] is False
    rows = {row["team"]: row for row in board["rows"]}
    assert rows["alpha"]["rank"] == 1 and rows["alpha"]["entries"] == 1
    assert rows["majority class"]["baseline"] and rows["majority class"]["rank"] is None
    assert all(row["private_score"] is None for row in board["rows"])


def test_double_click_is_one_submission(live_server):
    content = live_server.predictions_csv(flip=10)
    with live_server.client(live_server.token) as client, ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda _: upload(client, live_server.competition, content), range(4))
        )
        assert {a.status_code for a in answers} == {201}
        assert len({a.json()["id"] for a in answers}) == 1
        assert sum(a.json()["duplicate"] for a in answers) == 3
        assert (
            client.get(f"/api/competitions/{live_server.competition}/team").json()[
                "remaining_today"
            ]
            == 4
        )


def test_daily_limit_holds_against_parallel_requests(live_server_factory):
    server = live_server_factory(daily_limit=3)
    files = [server.predictions_csv(flip=k + 1, seed=k) for k in range(12)]
    with server.client(server.token) as client, ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda content: upload(client, server.competition, content), files))
        codes = sorted(a.status_code for a in answers)
        assert codes == [201] * 3 + [429] * 9
        refused = next(a for a in answers if a.status_code == 429).json()["detail"]
        assert "Your team has used today's 3 submissions" in refused
        assert (
            len(client.get(f"/api/competitions/{server.competition}/team").json()["submissions"])
            == 3
        )
    # Another team's count is its own.
    with server.client(server.team_tokens["beta"]) as beta:
        assert upload(beta, server.competition, files[0]).status_code == 201


def test_refused_files_do_not_count_but_are_limited(live_server_factory):
    server = live_server_factory(daily_limit=2, invalid_daily_limit=3)
    with server.client(server.token) as client:
        for _ in range(3):
            answer = upload(client, server.competition, b"Id,Label\n1,0\n")
            assert answer.status_code == 422
        assert "the test set has 418" in answer.json()["detail"]
        assert upload(client, server.competition, b"Id,Label\n1,0\n").status_code == 429
        good = upload(client, server.competition, server.predictions_csv(flip=3))
        assert good.status_code == 201 and good.json()["remaining_today"] == 1


def test_every_change_needs_the_right_token(live_server):
    content = live_server.predictions_csv()
    with live_server.client() as anonymous:
        assert upload(anonymous, live_server.competition, content).status_code == 401
        assert anonymous.get(f"/api/competitions/{live_server.competition}/team").status_code == 401
        assert (
            anonymous.post(f"/api/competitions/{live_server.competition}/reveal").status_code == 401
        )
    with live_server.client("not-a-token") as wrong:
        answer = upload(wrong, live_server.competition, content)
        assert answer.status_code == 401 and "team's token" in answer.json()["detail"]
    with live_server.client(live_server.instructor_token) as instructor:
        assert upload(instructor, live_server.competition, content).status_code == 401
        created = instructor.post(
            f"/api/competitions/{live_server.competition}/teams", json={"name": "delta"}
        )
        assert created.status_code == 201
    with live_server.client(live_server.token) as team:
        assert team.post(f"/api/competitions/{live_server.competition}/reveal").status_code == 401
        assert (
            team.post(
                f"/api/competitions/{live_server.competition}/teams", json={"name": "x"}
            ).status_code
            == 401
        )
    with live_server.client(created.json()["token"]) as delta:
        assert upload(delta, live_server.competition, content).status_code == 201


def test_upload_size_limit(live_server_factory):
    server = live_server_factory(env={"GLASSNET_COMPETE_MAX_UPLOAD_BYTES": "3000"})
    with server.client(server.token) as client:
        answer = upload(client, server.competition, server.predictions_csv())  # about 4 kB
        assert answer.status_code == 413
        assert "too large" in answer.json()["detail"]
        huge = upload(client, server.competition, b"Id,Label\n" + b"1,0\n" * 100_000)
        assert huge.status_code == 413


def test_finals_reveal_and_shake_up(live_server_factory):
    server = live_server_factory(final_selections=1)
    ids = {}
    for seed, team in enumerate(["alpha", "beta", "gamma"]):
        with server.client(server.team_tokens[team]) as client:
            for flip in (20, 60):
                answer = upload(
                    client, server.competition, server.predictions_csv(flip=flip, seed=seed)
                )
                ids.setdefault(team, []).append(answer.json()["id"])
    with server.client(server.team_tokens["alpha"]) as alpha:
        path = f"/api/competitions/{server.competition}/submissions/{ids['alpha'][1]}/select"
        assert alpha.post(path).json()["selected"] is True
        other = f"/api/competitions/{server.competition}/submissions/{ids['alpha'][0]}/select"
        assert alpha.post(other).status_code == 409  # one final only
        beta_s = f"/api/competitions/{server.competition}/submissions/{ids['beta'][0]}/select"
        assert alpha.post(beta_s).status_code == 404
    with server.client(server.instructor_token) as instructor:
        assert instructor.post(f"/api/competitions/{server.competition}/reveal").json() == {
            "revealed": True
        }
    board = server.client().get(f"/api/competitions/{server.competition}/leaderboard").json()
    rows = {row["team"]: row for row in board["rows"]}
    assert board["revealed"]
    # alpha chose its worse submission: its private score is that one's.
    worse = server.predictions_csv(flip=60, seed=0)
    assert rows["alpha"]["private_score"] == expected_accuracy(server, worse, public=False)
    better = server.predictions_csv(flip=20, seed=1)  # beta chose nothing: its best public
    assert rows["beta"]["private_score"] == expected_accuracy(server, better, public=False)
    for row in rows.values():
        if not row["baseline"]:
            assert row["shake_up"] == row["rank"] - row["private_rank"]
    with server.client(server.team_tokens["gamma"]) as gamma:
        assert upload(gamma, server.competition, server.predictions_csv(flip=1)).status_code == 409


def test_after_the_deadline_scores_are_revealed_and_submissions_closed(live_server_factory):
    server = live_server_factory(deadline=datetime.now(UTC) + timedelta(days=1))
    # A day later: the deadline, a minute ago (init refuses a deadline already past).
    engine = make_engine(server.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Competition)
                .where(Competition.name == server.competition)
                .values(deadline=datetime.now(UTC) - timedelta(minutes=1))
            )
    finally:
        engine.dispose()
    board = server.client().get(f"/api/competitions/{server.competition}/leaderboard").json()
    assert board["revealed"] and board["rows"][0]["private_score"] is not None
    with server.client(server.token) as client:
        answer = upload(client, server.competition, server.predictions_csv())
        assert answer.status_code == 409 and "closed" in answer.json()["detail"]


def test_ladder_releases_only_clear_improvements(live_server_factory):
    server = live_server_factory(scoring="ladder")
    truth = server.solution.iloc[:, 1].to_numpy()
    public = server.public_mask()
    first = truth.copy()
    wrong = np.flatnonzero(public)[:40]
    first[wrong] = np.where(first[wrong] == "1", "0", "1")
    nudged = first.copy()
    nudged[wrong[:1]] = truth[wrong[:1]]  # one more public row right: within the noise
    with server.client(server.token) as client:
        one = upload(client, server.competition, server.predictions_csv(column=first)).json()
        two = upload(client, server.competition, server.predictions_csv(column=nudged)).json()
        assert one["released"] and not two["released"]
        assert two["public_score"] == one["public_score"]
        three = upload(client, server.competition, server.predictions_csv()).json()  # all right
        assert three["released"] and three["public_score"] == 1.0


def test_probability_metric(live_server_factory):
    server = live_server_factory(metric="roc_auc")
    truth = (server.solution.iloc[:, 1] == "1").to_numpy()
    scores = np.where(truth, 0.7, 0.3)
    scores[:50] = 0.5
    with server.client(server.token) as client:
        info = client.get(f"/api/competitions/{server.competition}").json()
        assert info["wants"] == "probabilities" and info["positive_label"] == "1"
        answer = upload(client, server.competition, server.predictions_csv(column=scores))
        assert answer.status_code == 201, answer.text
        assert 0.9 < answer.json()["public_score"] < 1.0
        labels = upload(client, server.competition, server.predictions_csv())
        assert labels.status_code == 422 and "scores probabilities" in labels.json()["detail"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "A team needs a name; received a blank one."),
        ("\u202eAda", "control characters"),
        ("Bo\x00", "control characters"),
    ],
)
def test_a_team_name_nobody_could_read_is_refused(live_server, name, message):
    path = f"/api/competitions/{live_server.competition}/teams"
    with live_server.client(live_server.instructor_token) as instructor:
        answer = instructor.post(path, json={"name": name})
    assert answer.status_code == 422 and message in answer.text


def test_csv_export_neutralises_formulas(live_server):
    with live_server.client(live_server.instructor_token) as instructor:
        made = instructor.post(
            f"/api/competitions/{live_server.competition}/teams", json={"name": "=HYPERLINK(1)"}
        )
    with live_server.client(made.json()["token"]) as team:
        assert (
            upload(team, live_server.competition, live_server.predictions_csv()).status_code == 201
        )
    export = live_server.client().get(
        f"/api/competitions/{live_server.competition}/leaderboard.csv"
    )
    assert export.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in export.text
    assert "\n=HYPERLINK" not in export.text and ",=HYPERLINK" not in export.text


def test_a_restart_keeps_everything(live_server_factory):
    live_server = live_server_factory(fresh=True)  # it kills and restarts the server
    with live_server.client(live_server.token) as client:
        first = upload(client, "demo", live_server.predictions_csv(flip=5)).json()
    before = live_server.client().get("/api/competitions/demo/leaderboard").json()
    live_server.kill()
    live_server.start()
    assert live_server.client().get("/api/competitions/demo/leaderboard").json() == before
    with live_server.client(live_server.token) as client:
        again = upload(client, "demo", live_server.predictions_csv(flip=5)).json()
    assert again["id"] == first["id"] and again["duplicate"]


@pytest.mark.parametrize("name", ["nope"])
def test_unknown_competition_is_404(live_server, name):
    answer = live_server.client().get(f"/api/competitions/{name}/leaderboard")
    assert answer.status_code == 404 and "no competition named 'nope'" in answer.json()["detail"]


def test_titanic_competition_scores_kaggles_gender_submission(live_server_factory):
    """Kaggle's gender_submission.csv gets 320 of these 418 labels right (0.76555)."""
    server = live_server_factory(titanic=True)
    test = pd.read_csv(server.files["test"])
    gender = pd.DataFrame(
        {"PassengerId": test["PassengerId"], "Survived": (test["Sex"] == "female").astype(int)}
    )
    content = gender.to_csv(index=False).encode()
    public = server.public_mask()
    assert (public.sum(), (~public).sum()) == (125, 293)
    with server.client(server.token) as client:
        answer = client.post(
            f"/api/competitions/{server.competition}/submissions",
            files={"file": ("gender_submission.csv", content, "text/csv")},
        )
    assert answer.status_code == 201, answer.text
    with server.client(server.instructor_token) as instructor:
        instructor.post(f"/api/competitions/{server.competition}/reveal")
    rows = server.client().get(f"/api/competitions/{server.competition}/leaderboard").json()["rows"]
    ours = next(row for row in rows if row["team"] == "alpha")
    right = ours["public_score"] * 125 + ours["private_score"] * 293
    assert right == pytest.approx(320, abs=1e-3)


def test_public_scores_are_rounded_to_the_stated_precision(live_server_factory):
    server = live_server_factory(precision=2)
    with server.client(server.token) as client:
        info = client.get(f"/api/competitions/{server.competition}").json()
        score = server.upload(client, server.predictions_csv(flip=37)).json()["public_score"]
    assert info["precision"] == 2 and score == round(score, 2)
    assert "Scores rounded to 2 decimals" in server.client().get(f"/c/{server.competition}").text
