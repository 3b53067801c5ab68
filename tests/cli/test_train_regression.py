"""``glassnet train`` on a numeric target: an MLPRegressor, regression scores, a report."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes
from sklearn.metrics import mean_absolute_error, r2_score
from typer.testing import CliRunner

from glassnet import MLPClassifier, MLPRegressor
from glassnet.cli import app
from glassnet.workflow.model_file import load_model

runner = CliRunner()


@pytest.fixture
def diabetes_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frame = load_diabetes(as_frame=True).frame  # 442 rows, 10 features, 'target' 25-346
    frame.to_csv(tmp_path / "diabetes.csv", index=False)
    return tmp_path / "diabetes.csv"


def _train(*args):
    return runner.invoke(app, ["train", *map(str, args)])


def test_a_numeric_target_trains_a_regressor_and_reports_its_scores(diabetes_csv):
    result = _train(
        diabetes_csv, "-t", "target", "--hidden", "16", "--learning-rate", "0.05",
        "--max-iter", "80", "--report", "r.html", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["task"] == "regression"
    assert "accuracy" not in summary and "confusion_matrix" not in summary
    assert (summary["train_rows"], summary["test_rows"]) == (353, 89)  # random:0.2
    pipeline, metadata = load_model(diabetes_csv.parent / summary["model"])
    assert isinstance(pipeline[-1], MLPRegressor)
    assert metadata["task"] == "regression" and metadata["classes"] == []
    # The scores are those of the saved model on the test rows (random:0.2, seed 0).
    from sklearn.model_selection import train_test_split

    frame = pd.read_csv(diabetes_csv)
    _, test = train_test_split(frame, test_size=0.2, random_state=0, shuffle=True)
    predictions = pipeline.predict(test.drop(columns="target"))
    assert summary["r2"] == pytest.approx(r2_score(test["target"], predictions))
    assert summary["mae"] == pytest.approx(mean_absolute_error(test["target"], predictions))
    assert summary["rmse"] == pytest.approx(np.sqrt(np.mean((test["target"] - predictions) ** 2)))
    assert 0.2 < summary["r2"] < 0.7  # it learnt something, as far as diabetes allows
    assert metadata["test_scores"]["r2"] == summary["r2"]
    html = (diabetes_csv.parent / "r.html").read_text()
    assert "Predicted against true" in html and "R²" in html
    assert "Confusion matrix" not in html


def test_people_see_regression_scores_not_a_confusion_matrix(diabetes_csv):
    result = _train(diabetes_csv, "-t", "target", "--hidden", "8", "--max-iter", "20")
    assert result.exit_code == 0, result.output
    assert "network to predict numbers (squared_error)" in result.output
    for word in ("R²", "MAE", "RMSE", "baseline RMSE"):
        assert word in result.output
    assert "precision" not in result.output


def test_task_forces_either_way(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "z": rng.normal(size=200)})
    frame["y"] = (frame["x"] > 0).astype(int) + (frame["z"] > 0).astype(int)  # 0, 1 or 2
    frame.to_csv("small.csv", index=False)
    common = ["small.csv", "-t", "y", "--hidden", "4", "--max-iter", "10", "--json"]
    auto = json.loads(_train(*common).output)
    assert auto["task"] == "classification" and auto["classes"] == ["0", "1", "2"]
    forced = _train(*common, "--task", "regression", "--out", "r.glassnet")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.output)["task"] == "regression"
    assert isinstance(load_model("r.glassnet")[0][-1], MLPRegressor)
    _train(*common, "--task", "classification", "--out", "c.glassnet")
    assert isinstance(load_model("c.glassnet")[0][-1], MLPClassifier)


def test_regression_mistakes_are_explained(diabetes_csv):
    stratified = _train(diabetes_csv, "-t", "target", "--split", "stratified:0.2")
    assert stratified.exit_code != 0
    assert "a regression target has no classes. Use random:0.2" in stratified.output
    weights = _train(diabetes_csv, "-t", "target", "--class-weight", "balanced")
    assert "Leave out --class-weight, or pass --task classification" in weights.output
    # A measurement forced to be classes: every value its own class.
    frame = pd.DataFrame({"x": np.arange(100.0), "y": np.sqrt(np.arange(100.0))})
    frame.to_csv("measured.csv", index=False)
    forced = _train("measured.csv", "-t", "y", "--task", "classification")
    assert "numbers are predicted as numbers with --task regression" in forced.output
    bad = _train(diabetes_csv, "-t", "target", "--task", "guess")
    assert "--task 'guess' is not a task; choose one of auto, classification, regression" in (
        bad.output
    )


def test_predict_and_evaluate_a_regression_model(diabetes_csv):
    assert _train(diabetes_csv, "-t", "target", "--hidden", "8", "--max-iter", "30").exit_code == 0
    pipeline, _ = load_model("diabetes.glassnet")
    frame = pd.read_csv(diabetes_csv)
    expected = pipeline.predict(frame.drop(columns="target"))
    predicted = runner.invoke(app, ["predict", "diabetes.glassnet", str(diabetes_csv), "--json"])
    assert predicted.exit_code == 0, predicted.output
    written = pd.read_csv("predictions.csv")
    np.testing.assert_allclose(written["target"], expected)
    assert json.loads(predicted.output)["summary"]["mean"] == pytest.approx(expected.mean())
    proba = runner.invoke(app, ["predict", "diabetes.glassnet", str(diabetes_csv), "--proba"])
    assert "predicts numbers (a regression): it has none. Leave out --proba." in proba.output
    scored = runner.invoke(app, ["evaluate", "diabetes.glassnet", str(diabetes_csv), "--json"])
    assert scored.exit_code == 0, scored.output
    result = json.loads(scored.output)
    assert result["task"] == "regression" and result["rows"] == 442
    assert result["r2"] == pytest.approx(r2_score(frame["target"], expected))
    assert result["mae"] == pytest.approx(mean_absolute_error(frame["target"], expected))
