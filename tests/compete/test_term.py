"""A term through the CLI and the API: roster, tokens, files, notes, late work, grades.

Each test uses a real server (the session's shared one unless said) and a real
database; the clock is moved by setting the deadline in the database, as a day passing
would.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from glassnet.compete.db import make_engine
from glassnet.compete.models import Competition

from .test_cli import run


def set_dates(server, **dates) -> None:
    """Move the competition's deadline (and late_until) as time passing would."""
    engine = make_engine(server.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Competition).where(Competition.name == server.competition).values(**dates)
            )
    finally:
        engine.dispose()


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def where(server) -> list[str]:
    return ["--database", server.database_url, "--competition", server.competition]


def test_roster_to_grades_through_the_command_line(live_server, tmp_path):
    roster = tmp_path / "roster.csv"
    # Excel's "CSV UTF-8": a byte-order mark; a team name a spreadsheet would run.
    lines = ["team,members,email", "Ada and Bo,Ada;Bo,ada@example.org", "=HYPERLINK(1),Eve,"]
    roster.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    tokens = tmp_path / "tokens.csv"
    added = run("add-teams", roster, "--tokens-out", tokens, *where(live_server))
    assert added.exit_code == 0, added.output
    assert stat.S_IMODE(os.stat(tokens).st_mode) == 0o600
    given = {row["team"]: row for row in read_csv(tokens.read_text())}
    assert given["Ada and Bo"]["members"] == "Ada, Bo"
    assert given["Ada and Bo"]["email"] == "ada@example.org"
    # The same roster again: refused naming the row, nothing added, no tokens file.
    again = run("add-teams", roster, "--tokens-out", tmp_path / "t2.csv", *where(live_server))
    assert again.exit_code == 1 and "row 2, column team" in again.output
    assert not (tmp_path / "t2.csv").exists()
    # An existing tokens file is never written over.
    other = tmp_path / "other.csv"
    other.write_text("team,members\nZed,Z\n")
    kept = run("add-teams", other, "--tokens-out", tokens, *where(live_server))
    assert kept.exit_code == 1 and "exists already" in kept.output
    assert {row["team"] for row in read_csv(tokens.read_text())} == set(given)

    ada = given["Ada and Bo"]["token"]
    note = tmp_path / "p.csv"
    note.write_bytes(live_server.predictions_csv(flip=30))
    submitted = run(
        "submit", note, "--server", live_server.url, "--token", ada, "-m", "=1+1 tried Age",
        "--competition", live_server.competition, "--json",
    )  # fmt: skip
    assert submitted.exit_code == 0, submitted.output
    assert json.loads(submitted.output)["note"] == "=1+1 tried Age"

    reset = run("reset-token", "Ada and Bo", *where(live_server), "--json")
    assert reset.exit_code == 0, reset.output
    new = json.loads(reset.output)["token"]
    with live_server.client(ada) as old_client:
        assert (
            old_client.get(f"/api/competitions/{live_server.competition}/team").status_code == 401
        )
    with live_server.client(new) as new_client:
        team = new_client.get(f"/api/competitions/{live_server.competition}/team").json()
    assert team["submissions"][0]["note"] == "=1+1 tried Age"
    unknown = run("reset-token", "Nobody", *where(live_server))
    assert unknown.exit_code == 1 and "has no team named 'Nobody'" in unknown.output

    grades = tmp_path / "grades.csv"
    before = run("grades", "--out", grades, *where(live_server))
    assert before.exit_code == 0 and "not revealed yet" in " ".join(before.output.split())
    rows = {row["team"]: row for row in read_csv(grades.read_text())}
    assert rows["Ada and Bo"]["final_private"] == "" and rows["Ada and Bo"]["submissions"] == "1"
    assert run("reveal", *where(live_server)).exit_code == 0
    assert run("grades", "--out", grades, *where(live_server)).exit_code == 0
    text = grades.read_text()
    header = text.splitlines()[0]
    assert header == (
        "team,members,email,best_public,public_rank,final_private,private_rank,submissions,"
        "last_submission,late_submissions,best_late_private"
    )
    rows = {row["team"]: row for row in read_csv(text)}
    ada_row = rows["Ada and Bo"]
    assert ada_row["public_rank"] == "1" and ada_row["private_rank"] == "1"
    assert float(ada_row["final_private"]) > 0.5 and ada_row["last_submission"].startswith("20")
    # Every team of the roster is there, with or without a submission; none runs.
    assert "'=HYPERLINK(1)" in rows and rows["'=HYPERLINK(1)"]["submissions"] == "0"
    assert {"alpha", "beta", "gamma"} <= set(rows) and "majority class" not in rows
    exported = tmp_path / "submissions.csv"
    assert run("submissions", "--out", exported, *where(live_server)).exit_code == 0
    record = read_csv(exported.read_text())
    assert [(r["team"], r["note"]) for r in record] == [("Ada and Bo", "'=1+1 tried Age")]
    assert record[0]["private_score"] != "" and record[0]["late"] == "False"


def test_instructor_routes_refuse_a_team_token(live_server):
    name = live_server.competition
    with live_server.client(live_server.token) as team:
        for method, path in [
            ("GET", "grades"),
            ("GET", "grades.csv"),
            ("GET", "submissions.csv"),
            ("POST", "teams/alpha/token"),
            ("POST", "roster"),
        ]:
            answer = team.request(method, f"/api/competitions/{name}/{path}")
            assert answer.status_code == 401, (path, answer.text)
            assert "instructor token" in answer.json()["detail"]
        page = team.post(f"/c/{name}/instructor", data={"token": live_server.token})
        assert page.status_code == 401 and "instructor token" in page.text
        roster = team.post(
            f"/c/{name}/instructor/roster",
            data={"token": live_server.token},
            files={"file": ("r.csv", b"team,members\nMallory,M\n", "text/csv")},
        )
        assert roster.status_code == 401
        grades = team.post(
            f"/c/{name}/instructor", data={"token": live_server.token, "action": "grades.csv"}
        )
        assert grades.status_code == 401 and "text/csv" not in grades.headers["content-type"]
    with live_server.client(live_server.instructor_token) as instructor:
        board = instructor.get(f"/api/competitions/{name}/grades").json()
    assert "Mallory" not in {row["team"] for row in board}


def test_roster_files_and_grades_over_the_api(live_server):
    name = live_server.competition
    with live_server.client(live_server.instructor_token) as instructor:
        bad = instructor.post(
            f"/api/competitions/{name}/roster",
            files={"file": ("r.csv", b"team,members,email\nDee,D,dee@\n", "text/csv")},
        )
        assert bad.status_code == 422
        assert bad.json()["detail"].startswith("r.csv, row 2, column email: 'dee@'")
        added = instructor.post(
            f"/api/competitions/{name}/roster",
            files={"file": ("r.csv", b"team,members,email\nDee,D;E,dee@x.org\n", "text/csv")},
        )
        assert added.status_code == 201, added.text
        (dee,) = added.json()
        assert (dee["team"], dee["members"], dee["email"]) == ("Dee", "D, E", "dee@x.org")
        reset = instructor.post(f"/api/competitions/{name}/teams/Dee/token")
        assert reset.status_code == 201 and reset.json()["token"] != dee["token"]
        missing = instructor.post(f"/api/competitions/{name}/teams/Nobody/token")
        assert missing.status_code == 404
    with live_server.client() as anyone:
        info = anyone.get(f"/api/competitions/{name}").json()
        assert info["files"] == ["train.csv", "test.csv", "sample_submission.csv"]
        kept = {"train.csv": "train", "test.csv": "test", "sample_submission.csv": "sample"}
        for filename, key in kept.items():
            got = anyone.get(f"/api/competitions/{name}/files/{filename}")
            assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
            assert got.content == live_server.files[key].read_bytes()
        page = anyone.get(f"/c/{name}/files/test.csv")
        assert page.content == live_server.files["test"].read_bytes()
        assert anyone.get(f"/api/competitions/{name}/files/..%2Fsolution.csv").status_code == 404
        assert anyone.get(f"/api/competitions/{name}/files/solution.csv").status_code == 404


def test_late_work_is_scored_shown_apart_and_never_ranked(live_server_factory):
    server = live_server_factory(daily_limit=10)
    name = server.competition
    with server.client(server.token) as alpha:
        on_time = server.upload(alpha, server.predictions_csv(flip=100)).json()
    now = datetime.now(UTC)
    set_dates(server, deadline=now - timedelta(minutes=1), late_until=now + timedelta(hours=1))
    with server.client(server.token) as alpha:
        late = alpha.post(
            f"/api/competitions/{name}/submissions",
            files={"file": ("late.csv", server.predictions_csv(flip=0), "text/csv")},
            data={"note": "after the bell"},
        )
        assert late.status_code == 201, late.text
        assert late.json()["late"] and late.json()["private_score"] == 1.0
        team = alpha.get(f"/api/competitions/{name}/team").json()
        # Late work cannot be a final.
        chosen = alpha.post(f"/api/competitions/{name}/submissions/{late.json()['id']}/select")
        assert chosen.status_code == 409
    assert [s["late"] for s in team["submissions"]] == [True, False]
    board = server.client().get(f"/api/competitions/{name}/leaderboard").json()
    alpha_row = next(r for r in board["rows"] if r["team"] == "alpha")
    assert alpha_row["entries"] == 1 and alpha_row["public_score"] == on_time["public_score"]
    with server.client() as anyone:
        page = anyone.post(f"/c/{name}/team", data={"token": server.token}).text
    assert 'id="late-submissions"' in page and "after the bell" in page
    assert 'id="score-chart"' in page and 'class="late point"' in page
    with server.client(server.instructor_token) as instructor:
        grades = {g["team"]: g for g in instructor.get(f"/api/competitions/{name}/grades").json()}
    assert grades["alpha"]["submissions"] == 1 and grades["alpha"]["late_submissions"] == 1
    assert grades["alpha"]["best_late_private"] == 1.0
    # After the second date: refused, saying until when late work was taken.
    set_dates(server, late_until=now - timedelta(seconds=1))
    with server.client(server.token) as alpha:
        refused = server.upload(alpha, server.predictions_csv(flip=5))
    assert refused.status_code == 409
    assert "Late work was taken until" in refused.json()["detail"]


def test_init_refuses_late_until_before_the_deadline(generated_files, tmp_path):
    from .test_cli import init_args

    args = init_args(generated_files, tmp_path, out_dir=tmp_path / "s")
    result = run(*args, "--deadline", "2099-01-02T00:00", "--late-until", "2099-01-01T00:00")
    assert result.exit_code == 1 and "--late-until must come after --deadline" in result.output
    alone = run(*args, "--late-until", "2099-01-01T00:00")
    assert alone.exit_code == 1 and "--late-until must come after --deadline" in alone.output


@pytest.mark.parametrize("length", [501])
def test_a_note_too_long_is_refused_and_counted(live_server, length):
    with live_server.client(live_server.token) as alpha:
        answer = alpha.post(
            f"/api/competitions/{live_server.competition}/submissions",
            files={"file": ("p.csv", live_server.predictions_csv(), "text/csv")},
            data={"note": "x" * length},
        )
    assert answer.status_code == 422
    assert answer.json()["detail"] == (
        f"A note has at most 500 characters; received {length}. Shorten it."
    )


def test_student_files_can_be_offered_for_a_competition_made_before(generated_files, tmp_path):
    from glassnet.compete import crud
    from glassnet.compete.db import session_scope

    from .test_cli import init_args

    database = f"sqlite:///{tmp_path / 'c.db'}"
    assert run(*init_args(generated_files, tmp_path, out_dir=tmp_path / "s")).exit_code == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("Drop the Name column.\n")
    odd = tmp_path / 'say "hi".csv'
    odd.write_text("x\n")
    refused = run("student-files", odd, "--database", database)
    assert refused.exit_code == 1 and "letters, digits" in refused.output
    done = run("student-files", notes, tmp_path / "s" / "test.csv", "--database", database)
    assert done.exit_code == 0, done.output
    engine = make_engine(database)
    try:
        with session_scope(engine) as session:
            found = crud.find_competition(session, None)
            names = [name for name, _ in crud.student_file_names(session, found)]
            assert crud.student_file(session, found, "notes.txt") == notes.read_bytes()
    finally:
        engine.dispose()
    assert names == ["train.csv", "test.csv", "sample_submission.csv", "notes.txt"]
