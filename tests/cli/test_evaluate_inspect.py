"""``glassnet evaluate`` and ``glassnet inspect``: their numbers against direct computations."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app
from glassnet.metrics import ConfusionMatrix, classification_report, roc_curve
from glassnet.workflow.model_file import load_model

runner = CliRunner()


def _direct(model: Path, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True labels, predictions and positive-class probabilities, without the CLI."""
    pipeline, metadata = load_model(model)
    X = frame[metadata["columns"]]
    return frame["Survived"].to_numpy(), pipeline.predict(X), pipeline.predict_proba(X)[:, 1]


def test_evaluate_numbers_are_glassnet_metrics(course):
    model, last = course
    result = runner.invoke(app, ["evaluate", str(model), str(last), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    y, predicted, scores = _direct(model, pd.read_csv(last))
    cm = ConfusionMatrix(y, predicted)
    cells = got["confusion_matrix"]
    assert (cells["tn"], cells["fp"], cells["fn"], cells["tp"]) == (cm.tn, cm.fp, cm.fn, cm.tp)
    assert cells["matrix"] == cm.matrix.tolist() and got["rows"] == 100
    assert got["accuracy"] == cm.accuracy()
    majority = pd.Series(y).value_counts()
    assert got["baseline"] == {"class": str(majority.index[0]), "accuracy": majority.iloc[0] / 100}
    assert got["roc_auc"] == roc_curve(y, scores).auc
    assert got["explanation"] == cm.explain()
    report = classification_report(y, predicted, output="dict", zero_division=0)
    assert got["report"] == json.loads(json.dumps(report))


def test_evaluate_prints_named_cells_report_and_baseline(course):
    model, last = course
    result = runner.invoke(app, ["evaluate", str(model), str(last)])
    assert result.exit_code == 0, result.output
    y, predicted, scores = _direct(model, pd.read_csv(last))
    cm = ConfusionMatrix(y, predicted)
    text = result.output
    for cell in (f"TN = {cm.tn}", f"FP (type I) = {cm.fp}", f"FN (type II) = {cm.fn}"):
        assert cell in text
    assert f"TP = {cm.tp}" in text
    assert "precision    recall  f1-score" in text
    assert " ".join(cm.explain().split()) in " ".join(text.split())  # wrapped by Rich
    assert f"Accuracy {cm.accuracy():.3f}" in text and "majority baseline" in text
    assert f"ROC AUC {roc_curve(y, scores).auc:.3f}." in text


def test_evaluate_skips_rows_without_a_target(course, tmp_path):
    model, last = course
    frame = pd.read_csv(last)
    frame.loc[[0, 5, 9], "Survived"] = np.nan  # the column becomes 0.0 / 1.0 / NaN
    data = tmp_path / "gaps.csv"
    frame.to_csv(data, index=False)
    result = runner.invoke(app, ["evaluate", str(model), str(data), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    kept = frame.dropna(subset=["Survived"]).astype({"Survived": int})
    y, predicted, _ = _direct(model, kept)
    assert got["rows"] == 97
    assert got["confusion_matrix"]["matrix"] == ConfusionMatrix(y, predicted).matrix.tolist()
    assert got["confusion_matrix"]["labels"] == ["0", "1"]


def test_evaluate_without_the_target_names_it(course, tmp_path):
    model, last = course
    data = tmp_path / "unlabelled.csv"
    pd.read_csv(last).drop(columns="Survived").to_csv(data, index=False)
    result = runner.invoke(app, ["evaluate", str(model), str(data)])
    assert result.exit_code == 1
    assert "no column 'Survived'" in result.output and "Traceback" not in result.output
    as_json = runner.invoke(app, ["evaluate", str(model), str(data), "--json"])
    assert as_json.exit_code == 1 and "Survived" in json.loads(as_json.output)["error"]


def test_inspect_shows_architecture_and_categories(kaggle):
    result = runner.invoke(app, ["inspect", str(kaggle)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "10 → 8 → 1" in text and "relu → logistic" in text
    assert "97 (88 weights, 9 biases)" in text
    assert "one-hot: female, male" in text and "one-hot: C, Q, S" in text
    assert "titanic_train.csv" in text and "Sex_female" in text
    # Trained through CliRunner, not a shell: no command line was recorded.
    assert "not recorded" in text
    assert "alpha" not in text  # a default: not shown


def test_inspect_json_reads_the_fitted_preprocessing(course, course_csv):
    model, _ = course
    result = runner.invoke(app, ["inspect", str(model), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    pipeline, metadata = load_model(model)
    network = pipeline.named_steps["model"]
    assert got["architecture"]["layers"] == [2, 16, 8, 1]
    assert got["architecture"]["activations"] == ["relu", "relu", "logistic"]
    count = sum(c.size for c in network.coefs_) + sum(b.size for b in network.intercepts_)
    assert got["architecture"]["parameters"] == count == 2 * 16 + 16 + 16 * 8 + 8 + 8 + 1
    assert got["parameters"] == {"hidden_layer_sizes": [16, 8], "max_iter": 50, "random_state": 0}
    assert got["training"]["epochs"] == metadata["epochs"] == network.n_iter_
    assert got["training"]["test_accuracy"] == metadata["test_accuracy"]
    assert got["training"]["classes"] == ["0", "1"]
    # An oracle independent of the pipeline: the mean age of the 400 training rows.
    age = next(entry for entry in got["preprocessing"] if entry["column"] == "Age")
    mean_age = pd.read_csv(course_csv)["Age"].iloc[:400].mean()
    assert age["fill"] == "mean" and age["fill_value"] == pytest.approx(mean_age)
    assert age["scaler"]["name"] == "standard"
    assert age["scaler"]["mean"] == pytest.approx(mean_age)
    assert got["features"] == ["Pclass", "Age"]


def test_inspect_as_a_real_process(kaggle):
    done = subprocess.run(
        [sys.executable, "-m", "glassnet", "inspect", str(kaggle), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sex = next(e for e in json.loads(done.stdout)["preprocessing"] if e["column"] == "Sex")
    assert sex["kind"] == "categorical" and sex["categories"] == ["female", "male"]


@pytest.mark.parametrize("command", ["inspect", "evaluate"])
def test_tampered_model_is_exit_1_without_traceback(course, tmp_path, command):
    model, last = course
    raw = bytearray(model.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 8] = bytes(b ^ 0xFF for b in raw[middle : middle + 8])
    copy = tmp_path / "tampered.glassnet"
    copy.write_bytes(bytes(raw))
    args = [command, str(copy)] + ([str(last)] if command == "evaluate" else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "not a glassnet model file" in result.output and "Traceback" not in result.output


def test_missing_model_file_is_a_user_error(tmp_path):
    result = runner.invoke(app, ["inspect", str(tmp_path / "nope.glassnet")])
    assert result.exit_code == 1 and "does not exist" in result.output
