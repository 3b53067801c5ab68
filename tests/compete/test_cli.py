"""``glassnet compete``: init on the course's Titanic files, teams, submit and leaderboard."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app


def run(*args):
    return CliRunner().invoke(app, ["compete", *map(str, args)])


def init_args(files, tmp_path, name="demo", test=True, **options):
    """``compete init`` arguments for the generated files; ``options`` add or replace flags."""
    flags = {
        "--train": files["train"],
        "--test": files["test"] if test else None,
        "--solution": files["solution"],
        "--id-column": "Id",
        "--target": "Label",
        "--database": f"sqlite:///{tmp_path / 'c.db'}",
    }
    flags.update({f"--{key.replace('_', '-')}": value for key, value in options.items()})
    return ["init", name, *[x for k, v in flags.items() if v is not None for x in (k, v)]]


@pytest.fixture(scope="module")
def lazy_model(tmp_path_factory):
    """The course's lazy MLP: Pclass and Age, (16, 8), trained on Kaggle's train file."""
    from pathlib import Path

    data = (Path(__file__).resolve().parents[2] / "../shared/data/titanic_train.csv").resolve()
    if not data.is_file():
        pytest.skip(f"course data not found: {data} does not exist")
    model = tmp_path_factory.mktemp("lazy") / "lazy.glassnet"
    drop = ["PassengerId", "Name", "Sex", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked"]
    result = CliRunner().invoke(
        app,
        [
            "train",
            str(data),
            "--target",
            "Survived",
            "--drop",
            *drop,
            "--hidden",
            "16",
            "8",
            "--max-iter",
            "50",
            "--quiet",
            "--out",
            str(model),
        ],
    )
    assert result.exit_code == 0, result.output
    return model


def test_init_on_the_titanic_files_with_baselines(titanic_files, lazy_model, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    out = tmp_path / "students"
    result = run(
        "init",
        "titanic",
        "--train",
        titanic_files["train"],
        "--test",
        titanic_files["test"],
        "--solution",
        titanic_files["solution"],
        "--id-column",
        "PassengerId",
        "--target",
        "Survived",
        "--metric",
        "accuracy",
        "--baseline",
        f"lazy MLP={lazy_model}",
        "--out-dir",
        out,
        "--database",
        db,
        "--json",
    )
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert made["public_rows"] + made["private_rows"] == 418
    assert made["public_rows"] == 125  # 30 % of each label: 78 of 260 and 47 of 158
    assert set(made["baselines"]) == {"majority class", "lazy MLP"}
    assert 0.55 < made["baselines"]["lazy MLP"] < 0.8
    test = pd.read_csv(out / "test.csv")
    assert len(test) == 418 and "Survived" not in test.columns
    assert list(test.columns) == list(pd.read_csv(titanic_files["test"]).columns)
    sample = pd.read_csv(out / "sample_submission.csv")
    assert list(sample.columns) == ["PassengerId", "Survived"] and len(sample) == 418
    assert set(sample["Survived"]) == {0}  # the majority class of train.csv: died
    assert (out / "train.csv").read_bytes() == titanic_files["train"].read_bytes()

    team = run("add-team", "Ada and Bo", "--members", "Ada", "Bo", "--database", db, "--json")
    assert team.exit_code == 0, team.output
    assert len(json.loads(team.output)["token"]) >= 32
    again = run("add-team", "Ada and Bo", "--database", db)
    assert again.exit_code == 1 and "already exists" in again.output


def test_usage_column_sets_the_public_rows(generated_files, tmp_path):
    solution = pd.read_csv(generated_files["solution"])
    solution["Usage"] = ["Public" if k % 4 == 0 else "Private" for k in range(len(solution))]
    solution.to_csv(generated_files["solution"], index=False)
    result = run(*init_args(generated_files, tmp_path, out_dir=tmp_path / "s"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["public_rows"] == (len(solution) + 3) // 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--id-column", "PassengerID"], "no column 'PassengerID'"),
        (["--metric", "auc"], "unknown metric 'auc'; choose one of accuracy"),
        (["--scoring", "fair"], "--scoring must be exact or ladder"),
        (["--scoring", "ladder", "--metric", "f1"], "f1 is not, and a change of one row"),
        (["--scoring", "ladder", "--metric", "roc_auc"], "(accuracy, balanced_accuracy, log_loss)"),
        (["--deadline", "next friday"], "is not a date and time"),
        (["--deadline", "2020-01-01T18:00"], "--deadline 2020-01-01T18:00 has passed"),
        (["--public-fraction", "1.5"], "between 0 and 1"),
        (["--baseline", "lazy"], "write NAME=MODEL"),
        (["--daily-limit", "0"], "--daily-limit must be at least 1; received 0"),
        (["--final-selections", "0"], "--final-selections must be at least 1"),
    ],
)
def test_init_refuses_bad_options_with_a_message(generated_files, tmp_path, change, message):
    dropped = {flag[2:].replace("-", "_"): None for flag in change[::2]}
    args = init_args(generated_files, tmp_path, test=False, out_dir=tmp_path / "s", **dropped)
    result = run(*args, *change)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_test_file_with_the_labels_is_refused(generated_files, tmp_path):
    with_labels = tmp_path / "leaky_test.csv"
    features = pd.read_csv(generated_files["test"])
    features["Label"] = pd.read_csv(generated_files["solution"])["Label"]
    features.to_csv(with_labels, index=False)
    args = init_args(generated_files, tmp_path, test=False, out_dir=tmp_path / "s")
    result = run(*args, "--test", with_labels)
    assert result.exit_code == 1 and "must not hold the labels" in result.output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "A team needs a name; received a blank one."),
        ("Ada\x1b[2J", "control characters"),
        ("x" * 101, "at most 100 characters; received 101"),
    ],
)
def test_add_team_refuses_a_name_nobody_could_read(generated_files, tmp_path, name, message):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    args = init_args(generated_files, tmp_path, out_dir=tmp_path / "s", database=db)
    assert run(*args).exit_code == 0
    result = run("add-team", name, "--database", db)
    assert result.exit_code == 1 and message in " ".join(result.output.split())


def test_add_team_without_a_competition(tmp_path):
    result = run("add-team", "x", "--database", f"sqlite:///{tmp_path / 'empty.db'}")
    assert (
        result.exit_code == 1 and "none yet; create one with glassnet compete init" in result.output
    )


def test_submit_and_leaderboard_over_http(live_server, tmp_path):
    predictions = tmp_path / "predictions.csv"
    predictions.write_bytes(live_server.predictions_csv(flip=50))
    submitted = run(
        "submit",
        predictions,
        "--server",
        live_server.url,
        "--token",
        live_server.token,
        "--json",
        "--competition",
        live_server.competition,
    )
    assert submitted.exit_code == 0, submitted.output
    assert json.loads(submitted.output)["remaining_today"] == 4
    where = ["--server", live_server.url, "--competition", live_server.competition]
    text = run("submit", predictions, *where, "--token", live_server.token)
    assert "The same file again: counted once." in text.output
    board = run("leaderboard", *where)
    assert board.exit_code == 0 and "alpha" in board.output and "(baseline)" in board.output
    bad = tmp_path / "bad.csv"
    bad.write_text("PassengerId,Survived\n1,0\n")
    refused = run("submit", bad, *where, "--token", live_server.token)
    assert refused.exit_code == 1
    assert "The server refused (422): The header should be Id,Label" in refused.output
    wrong = run("submit", predictions, *where, "--token", "nope")
    assert wrong.exit_code == 1 and "(401)" in wrong.output


def test_reveal_from_the_command_line(live_server):
    with live_server.client(live_server.token) as client:
        live_server.upload(client, live_server.predictions_csv(flip=20))
    name = ["--competition", live_server.competition]
    result = run("reveal", "--database", live_server.database_url, *name)
    assert result.exit_code == 0, result.output
    board = json.loads(run("leaderboard", "--server", live_server.url, *name, "--json").output)
    assert board["revealed"] and all(r["private_score"] is not None for r in board["rows"])


def test_init_twice_with_one_name_is_refused_before_writing(generated_files, tmp_path):
    args = init_args(generated_files, tmp_path)
    assert run(*args, "--out-dir", tmp_path / "one").exit_code == 0
    again = run(*args, "--out-dir", tmp_path / "two")
    assert again.exit_code == 1 and "already exists in this database" in again.output
    assert not (tmp_path / "two").exists()


def test_competition_names_must_fit_in_a_url(generated_files, tmp_path):
    args = init_args(generated_files, tmp_path, "my class/2026", test=False, out_dir=tmp_path / "s")
    result = run(*args)
    assert result.exit_code == 1 and "goes into URLs" in result.output


def test_the_table_shows_every_score_with_the_stated_decimals(live_server_factory):
    server = live_server_factory(precision=3)
    with server.client(server.token) as client:
        assert server.upload(client, server.predictions_csv()).status_code == 201  # all right
    name = ["--competition", server.competition]
    assert run("reveal", "--database", server.database_url, *name).exit_code == 0
    table = run("leaderboard", "--server", server.url, *name)
    assert table.exit_code == 0, table.output
    rows = [line.split("│") for line in table.output.splitlines() if "│" in line]
    alpha = next(cells for cells in rows if cells[2].strip() == "alpha")
    assert [alpha[3].strip(), alpha[4].strip()] == ["1.000", "1.000"]  # not "1.0"
    scores = [cells[k].strip() for cells in rows for k in (3, 4)]
    assert len(scores) == 4 and all(re.fullmatch(r"[01]\.\d{3}", s) for s in scores), scores
