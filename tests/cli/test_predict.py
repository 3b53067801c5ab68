"""``glassnet predict``: the predictions file, its formats, and every bad input as exit code 1."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app
from glassnet.workflow.model_file import load_model

runner = CliRunner()


def _predict(*args: str) -> object:
    return runner.invoke(app, ["predict", *map(str, args)])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, train_model):
    """A model trained on generated data: text labels, a category, missing numbers."""
    folder = tmp_path_factory.mktemp("synthetic")
    rng = np.random.default_rng(0)
    n = 300
    x = rng.normal(size=n)
    colour = rng.choice(["blue", "green", "red"], size=n)
    label = np.where(x + (colour == "red") > 0.3, "yes", "no")
    x[::17] = np.nan
    frame = pd.DataFrame({"id": np.arange(100, 100 + n), "x": x, "colour": colour, "label": label})
    data = folder / "synthetic.csv"
    frame.to_csv(data, index=False)
    model = folder / "synthetic.glassnet"
    train_model(
        [str(data), "--target", "label", "--drop", "id", "--hidden", "4", "--out", str(model)]
    )
    return model, data, frame


def test_course_predictions_are_the_pipelines_own(course, tmp_path):
    model, last = course
    out = tmp_path / "predictions.csv"
    result = _predict(model, last, "--out", out)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert list(written.columns) == ["row", "Survived"]
    assert written["row"].tolist() == list(range(1, 101))
    pipeline, metadata = load_model(model)
    expected = pipeline.predict(pd.read_csv(last)[metadata["columns"]])
    np.testing.assert_array_equal(written["Survived"].to_numpy(), expected)
    # The file's PassengerId is not a model column: it is named as ignored.
    assert "ignored: PassengerId" in " ".join(result.output.split())
    # Without whitespace: Rich wraps lines where the path's length puts them.
    expected = "".join(f"Predicted Survived for 100 rows: {out}".split())
    assert expected in "".join(result.output.split())


def test_kaggle_submission_format(kaggle, kaggle_test, tmp_path):
    out = tmp_path / "submission.csv"
    result = _predict(kaggle, kaggle_test, "--out", out, "--id-column", "PassengerId", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rows"] == 418 and summary["predictions"] == str(out)
    assert sum(summary["counts"].values()) == 418 and set(summary["counts"]) == {"0", "1"}
    # Name, Ticket, Cabin: not model columns; PassengerId is used as the id.
    assert summary["ignored_columns"] == ["Name", "Ticket", "Cabin"]
    assert out.read_text().splitlines()[0] == "PassengerId,Survived"
    written = pd.read_csv(out)
    assert len(written) == 418 and not written.isna().any().any()
    assert written["PassengerId"].tolist() == list(range(892, 1310))
    assert set(written["Survived"]) <= {0, 1}
    # Kaggle's test file lacks Age and Fare in some rows: the pipeline fills them.
    assert pd.read_csv(kaggle_test)[["Age", "Fare"]].isna().any().all()


def test_extra_columns_get_a_notice(kaggle, kaggle_test, tmp_path):
    result = _predict(kaggle, kaggle_test, "--out", tmp_path / "p.csv")
    assert result.exit_code == 0, result.output
    notice = "columns not used by the model are ignored: PassengerId, Name, Ticket, Cabin."
    # Words, not lines: Rich wraps the notice where the file's path length puts it.
    assert notice in " ".join(result.output.split())


def test_proba_columns_sum_to_one_and_match_the_labels(synthetic, tmp_path):
    model, data, frame = synthetic
    out = tmp_path / "p.csv"
    result = _predict(model, data, "--out", out, "--proba", "--id-column", "id")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert list(written.columns) == ["id", "label", "proba_no", "proba_yes"]
    assert written["id"].tolist() == frame["id"].tolist()
    np.testing.assert_allclose(written["proba_no"] + written["proba_yes"], 1.0, atol=1e-12)
    most_likely = np.where(written["proba_yes"] > written["proba_no"], "yes", "no")
    np.testing.assert_array_equal(written["label"].to_numpy(), most_likely)
    # The target column in the data is not a model input and not "ignored" either.
    assert "ignored" not in result.output


def test_missing_training_column_is_named(synthetic, tmp_path):
    model, _, frame = synthetic
    data = tmp_path / "no_colour.csv"
    frame.drop(columns="colour").to_csv(data, index=False)
    result = _predict(model, data, "--out", tmp_path / "p.csv")
    assert result.exit_code == 1
    assert "lacks 1 column the model was trained on: no column 'colour'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "p.csv").exists()


def test_missing_id_column_lists_the_columns(synthetic, tmp_path):
    model, data, _ = synthetic
    result = _predict(model, data, "--out", tmp_path / "p.csv", "--id-column", "ID")
    assert result.exit_code == 1
    assert "no column 'ID'" in result.output and "did you mean 'id'" in result.output
    assert "The columns are: id, x, colour, label" in result.output


def test_text_in_a_numeric_column_is_named(synthetic, tmp_path):
    model, _, frame = synthetic
    data = tmp_path / "typo.csv"
    broken = frame.astype({"x": object})
    broken.loc[2, "x"] = "unknown"
    broken.to_csv(data, index=False)
    result = _predict(model, data, "--out", tmp_path / "p.csv")
    assert result.exit_code == 1
    assert "column 'x'" in result.output and "'unknown'" in result.output
    assert "data rows 3" in result.output


@pytest.mark.parametrize("where", ["middle", "truncated"])
def test_tampered_model_file_is_refused(synthetic, tmp_path, where):
    model, data, _ = synthetic
    raw = bytearray(model.read_bytes())
    if where == "middle":
        middle = len(raw) // 2
        raw[middle : middle + 8] = bytes(b ^ 0xFF for b in raw[middle : middle + 8])
    else:
        raw = raw[: len(raw) // 2]
    copy = tmp_path / "tampered.glassnet"
    copy.write_bytes(bytes(raw))
    result = _predict(copy, data, "--out", tmp_path / "p.csv")
    assert result.exit_code == 1
    assert "not a glassnet model file" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "p.csv").exists()


def test_unwritable_output_leaves_no_file(synthetic, tmp_path):
    model, data, _ = synthetic
    regular = tmp_path / "a_file"
    regular.write_text("not a folder")
    result = _predict(model, data, "--out", regular / "p.csv")
    assert result.exit_code == 1
    assert "Not a directory" in result.output and str(regular / "p.csv") in result.output
    assert regular.read_text() == "not a folder"
    # The rename fails after the temporary file was written: it is removed again.
    folder = tmp_path / "a_folder"
    folder.mkdir()
    result = _predict(model, data, "--out", folder)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "a_folder"]
    assert list(folder.iterdir()) == []


def test_usage_errors_exit_2(synthetic):
    model, _, _ = synthetic
    assert runner.invoke(app, ["predict", str(model)]).exit_code == 2
    assert runner.invoke(app, ["predict", str(model), "x.csv", "--bogus"]).exit_code == 2


def test_round_trip_in_a_fresh_process(course, tmp_path):
    """Train in this process, predict in another: the same predictions."""
    model, last = course
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    assert _predict(model, last, "--out", here, "--proba").exit_code == 0
    options = ["--out", str(there), "--proba", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "glassnet", "predict", str(model), str(last), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == 100
    pd.testing.assert_frame_equal(pd.read_csv(there), pd.read_csv(here), check_exact=True)


def test_quiet_prints_nothing(synthetic, tmp_path):
    model, data, _ = synthetic
    result = _predict(model, data, "--out", tmp_path / "p.csv", "--quiet")
    assert result.exit_code == 0 and result.output == ""
    assert len(pd.read_csv(tmp_path / "p.csv")) == 300
