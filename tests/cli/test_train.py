"""``glassnet train``: the course workflow from a CSV file, and its bad inputs."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app
from glassnet.metrics import ConfusionMatrix
from glassnet.workflow.model_file import load_model, read_metadata

runner = CliRunner()
DATA = (Path(__file__).resolve().parents[2] / "../shared/data").resolve()
COURSE = DATA / "titanic_train_500_age_passengerclass.csv"
KAGGLE = DATA / "titanic_train.csv"


def need(path):
    if not path.is_file():
        pytest.skip(f"Titanic data not found: {path} does not exist")
    return path


def test_course_workflow_head_400(tmp_path, monkeypatch):
    course = need(COURSE)
    monkeypatch.chdir(tmp_path)
    args = ["train", str(course), "--target", "Survived", "--drop", "PassengerId"]
    args += ["--split", "head:400", "--hidden", "16", "8", "--max-iter", "300", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["train_rows"], summary["test_rows"]) == (400, 100)
    assert summary["model"] == "titanic_train_500_age_passengerclass.glassnet"
    pipeline, metadata = load_model(tmp_path / summary["model"])
    model = pipeline.named_steps["model"]
    assert model.hidden_layer_sizes == (16, 8) and model.n_iter_ == summary["epochs"]
    assert metadata["columns"] == ["Pclass", "Age"] and metadata["dropped"] == ["PassengerId"]
    # The numbers are those of the test rows: the file's last 100.
    frame = pd.read_csv(course)
    test = frame.iloc[400:]
    predictions = pipeline.predict(test[["Pclass", "Age"]])
    cm = ConfusionMatrix(test["Survived"], predictions)
    assert summary["accuracy"] == cm.accuracy()
    assert summary["confusion_matrix"] == cm.matrix.tolist()
    assert summary["baseline_accuracy"] == pytest.approx(0.64)  # always 'died' on the last 100
    # Preprocessing learnt from the first 400 rows only: the imputer's mean age.
    imputer = pipeline.named_steps["prepare"].named_transformers_["numeric"].named_steps
    age_mean = next(iter(imputer.values())).statistics_[1]
    assert age_mean == pytest.approx(frame["Age"].iloc[:400].mean())


def test_people_see_the_plan_the_bar_the_cells_and_the_health(tmp_path, monkeypatch):
    course = need(COURSE)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        [
            "train",
            str(course),
            "-t",
            "Survived",
            "--drop",
            "PassengerId",
            "--split",
            "head:400",
            "--hidden",
            "8",
            "--max-iter",
            "40",
            "--out",
            "m.glassnet",
            "--report",
            "r.html",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "500 (400 training, 100 test)" in out and "Age (102 missing)" in out
    assert "training" in out and "40/40" in out
    assert "TN = " in out and "FN (type II) = " in out and "majority baseline accuracy" in out
    assert "Training health" in out and "Not converged" in out
    assert "Model: m.glassnet" in out and "Report: r.html" in out
    html = (tmp_path / "r.html").read_text()
    assert 'id="evaluation"' in html and "glassnet train" in html


def test_kaggle_file_one_hot_encodes_sex_and_embarked(tmp_path):
    kaggle = need(KAGGLE)
    out = tmp_path / "k.glassnet"
    drop = ["--drop", "PassengerId", "Name", "Ticket", "Cabin"]
    result = runner.invoke(
        app,
        [
            "train",
            str(kaggle),
            "--target",
            "Survived",
            *drop,
            "--split",
            "stratified:0.2",
            "--hidden",
            "16",
            "--max-iter",
            "200",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["train_rows"] + summary["test_rows"] == 891
    assert {"Sex_female", "Sex_male", "Embarked_C", "Embarked_Q", "Embarked_S"} <= set(
        summary["features"]
    )
    assert read_metadata(out)["categorical"] == {
        "Sex": ["female", "male"],
        "Embarked": ["C", "Q", "S"],
    }
    assert summary["accuracy"] > 0.75


def test_text_columns_are_refused_with_the_drop_advice(tmp_path):
    kaggle = need(KAGGLE)
    result = runner.invoke(
        app, ["train", str(kaggle), "--target", "Survived", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "Name" in result.output and "Ticket" in result.output and "--drop" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x").exists()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "does not exist"),
        ("", [], "empty"),
        ("a,b,Survived\n1,2,0\n3,4,0\n5,6,0\n", [], "at least two classes"),
        ("a,b,survivd\n1,2,0\n3,4,1\n", [], "Did you mean"),
    ],
)
def test_bad_inputs_exit_1_with_a_message(tmp_path, content, args, message):
    path = tmp_path / "data.csv" if content is None else write(tmp_path, "data.csv", content)
    result = runner.invoke(app, ["train", str(path), "--target", "Survived", *args])
    assert result.exit_code == 1, result.output
    assert message.lower() in result.output.lower()
    assert "Traceback" not in result.output


def test_split_and_test_file_together_is_a_user_error(tmp_path):
    path = write(tmp_path, "d.csv", "a,Survived\n1,0\n2,1\n")
    result = runner.invoke(
        app, ["train", str(path), "-t", "Survived", "--split", "head:1", "--test", str(path)]
    )
    assert result.exit_code == 1 and "not both" in result.output


def test_semicolons_and_a_test_file(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 2))
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "y": (X[:, 0] + X[:, 1] > 0).astype(int)})
    train = tmp_path / "train.csv"
    frame.iloc[:200].to_csv(train, sep=";", index=False)
    test = tmp_path / "test.csv"
    frame.iloc[200:].assign(extra=1).to_csv(test, index=False)
    result = runner.invoke(
        app,
        [
            "train",
            str(train),
            "-t",
            "y",
            "--test",
            str(test),
            "--hidden",
            "8",
            "--max-iter",
            "300",
            "--out",
            str(tmp_path / "m.glassnet"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "semicolon" in result.output
    assert "extra" in result.output and "ignored" in result.output
    assert "200 training, 40 test" in result.output.replace("\n", " ")


def test_multi_value_options_as_a_real_process(tmp_path):
    course = need(COURSE)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "glassnet",
            "train",
            str(course),
            "--target",
            "Survived",
            "--drop",
            "PassengerId",
            "--hidden",
            "4",
            "3",
            "--max-iter",
            "5",
            "--quiet",
            "--out",
            str(tmp_path / "p.glassnet"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    pipeline, _ = load_model(tmp_path / "p.glassnet")
    assert pipeline.named_steps["model"].hidden_layer_sizes == (4, 3)
    bad = subprocess.run(
        [sys.executable, "-m", "glassnet", "train", str(course), "--target", "Survived", "--bogus"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "No such option" in bad.stderr


def test_ctrl_c_stops_training_and_keeps_the_model(tmp_path):
    import os
    import signal
    import time

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 4))
    data = tmp_path / "d.csv"
    pd.DataFrame(X, columns=list("abcd")).assign(y=(X[:, 0] > 0).astype(int)).to_csv(
        data, index=False
    )
    out = tmp_path / "m.glassnet"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "glassnet", "train", str(data), "-t", "y", "--hidden", "32"),
            *("--max-iter", "1000000", "--n-iter-no-change", "1000000", "--out", str(out)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A process that does not end is made to print where each of its threads is.
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
        # Ctrl-C as a user at a terminal sends it: a test run started in the background
        # (nohup, or & without job control) ignores SIGINT, and its children inherit that
        # (Python then installs no KeyboardInterrupt handler): the process never stopped.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # The plan of the columns is printed just before the epochs begin: wait for it,
    # however long the imports take on a busy machine, then let a few epochs pass.
    for line in process.stdout:
        if "target" in line:
            break
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack
        stdout, stderr = process.communicate(timeout=30)
        dump = stderr[stderr.find("Fatal Python error") :][:6000]
        pytest.fail(f"still running 60 s after Ctrl-C; its threads:\n{dump}")
    assert process.returncode == 0, stderr
    assert "stopped by Ctrl-C" in stdout, stdout
    pipeline, _ = load_model(out)
    assert 0 < pipeline.named_steps["model"].n_iter_ < 1_000_000


def test_unwritable_report_is_a_user_error(tmp_path):
    course = need(COURSE)
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    result = runner.invoke(
        app,
        [
            "train",
            str(course),
            "-t",
            "Survived",
            "--drop",
            "PassengerId",
            "--max-iter",
            "3",
            "--out",
            str(tmp_path / "m.glassnet"),
            "--report",
            str(blocker / "r.html"),
        ],
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert str(blocker / "r.html") in "".join(result.output.split())  # wrapped anywhere
    assert list(tmp_path.iterdir()) == [blocker] or "m.glassnet" in {
        p.name for p in tmp_path.iterdir()
    }
