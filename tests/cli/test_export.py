"""``glassnet export``: a model trained by ``glassnet train`` runs in onnxruntime."""

import json
import shlex
import subprocess
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import pytest
from sklearn.datasets import make_moons
from sklearn.pipeline import make_pipeline
from typer.testing import CliRunner

from glassnet import MLPClassifier
from glassnet.cli import app
from glassnet.workflow.model_file import load_model, save_model
from glassnet.workflow.plane import PlaneFeatures


def passengers(n, seed):
    """Numbers, an integer column, text columns and missing cells, as a CSV would hold."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.normal(30, 12, n).round(1),
            "fare": rng.exponential(30, n).round(2),
            "klass": rng.integers(1, 4, n),
            "sex": rng.choice(["female", "male"], n),
            "port": rng.choice(["C", "Q", "S"], n),
        }
    )
    frame.loc[rng.choice(n, n // 10, replace=False), "age"] = np.nan
    frame.loc[rng.choice(n, n // 12, replace=False), "port"] = np.nan
    frame["survived"] = np.where((frame["sex"] == "female") ^ (frame["fare"] > 40), "yes", "no")
    return frame


@pytest.fixture(scope="module")
def trained(tmp_path_factory, train_model):
    """A model trained by glassnet train on a generated CSV, and rows it never saw."""
    folder = tmp_path_factory.mktemp("export")
    data = folder / "passengers.csv"
    passengers(200, seed=0).to_csv(data, index=False)
    model = folder / "passengers.glassnet"
    train_model([str(data), "--target", "survived", "--hidden", "8", "4", "--out", str(model)])
    return model, passengers(60, seed=1).drop(columns="survived")


def export(*args):
    return CliRunner().invoke(app, ["export", *map(str, args)])


def test_the_exported_model_answers_in_onnxruntime_as_glassnet_does(trained, tmp_path):
    model, rows = trained
    out = tmp_path / "passengers.onnx"
    result = export(model, "--onnx", out)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"Wrote {out} (ONNX opset 22)" in text
    for line in ("age │ float │ (N, 1)", "sex │ string │ (N, 1)", "label │ string │ (N,)"):
        assert line in text
    assert "probabilities │ float │ (N, 2)" in text
    pipeline, _ = load_model(model)
    feeds = {
        column: rows[[column]].fillna("").to_numpy().astype(str)
        if column in ("sex", "port")
        else rows[[column]].to_numpy(np.float32)
        for column in rows.columns
    }
    label, proba = ort.InferenceSession(str(out)).run(None, feeds)
    np.testing.assert_allclose(proba, pipeline.predict_proba(rows), atol=1e-5)
    np.testing.assert_array_equal(label, pipeline.predict(rows))


def test_the_printed_example_runs(trained, tmp_path, monkeypatch):
    model, _ = trained
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["export", str(model), "--onnx", "m.onnx", "--json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    assert [(v["name"], v["type"], v["shape"]) for v in said["inputs"]][-2:] == [
        ("sex", "string", [None, 1]),
        ("port", "string", [None, 1]),
    ]
    assert said["checked_difference"] < 1e-5
    words = shlex.split(said["example"])
    assert words[:2] == ["python", "-c"]
    done = subprocess.run(
        [sys.executable, *words[1:]], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "array([" in done.stdout and "dtype=float32" in done.stdout


def test_without_onnx_the_file_is_named_after_the_model_and_opset_is_kept(trained, tmp_path):
    model, _ = trained
    copy = tmp_path / "titanic.glassnet"
    copy.write_bytes(model.read_bytes())
    result = export(copy, "--opset", "17", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    written = onnx.load(tmp_path / "titanic.onnx")
    assert [o.version for o in written.opset_import if o.domain == ""] == [17]


def test_a_step_without_an_onnx_converter_is_named(tmp_path):
    X, y = make_moons(60, random_state=0)
    pipeline = make_pipeline(PlaneFeatures(["x1", "x2", "x1*x2"]), MLPClassifier((3,), max_iter=5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # five epochs: fitted, not good
        pipeline.fit(X, y)
    model = save_model(tmp_path / "plane.glassnet", pipeline, {})
    result = export(model, "--onnx", tmp_path / "plane.onnx")
    assert result.exit_code == 1
    assert "step 'planefeatures' (glassnet.workflow.plane.PlaneFeatures) has no ONNX" in " ".join(
        result.output.split()
    )
    assert not (tmp_path / "plane.onnx").exists()


def test_a_missing_model_file_is_said(tmp_path):
    result = export(tmp_path / "nothing.glassnet")
    assert result.exit_code == 1
    assert "nothing.glassnet" in result.output


def test_a_regressor_trained_by_glassnet_train_runs_in_onnxruntime(tmp_path, train_model):
    """Numbers in the hundreds: float32 agrees to about 1e-5 of them, not 1e-5 absolute."""
    frame = passengers(300, seed=2).drop(columns="survived")
    frame["price"] = 100 + 3 * frame["fare"] + 20 * (frame["sex"] == "female")
    data, model = tmp_path / "prices.csv", tmp_path / "prices.glassnet"
    frame.to_csv(data, index=False)
    train_model(
        [str(data), "--target", "price", "--hidden", "8", "--learning-rate", "0.05",
         "--out", str(model)]
    )  # fmt: skip
    out = tmp_path / "prices.onnx"
    result = export(model, "--onnx", out)
    assert result.exit_code == 0, result.output
    assert "variable │ float │ (N, 1)" in " ".join(result.output.split())
    rows = passengers(40, seed=3).drop(columns="survived")
    feeds = {
        column: rows[[column]].fillna("").to_numpy().astype(str)
        if column in ("sex", "port")
        else rows[[column]].to_numpy(np.float32)
        for column in rows.columns
    }
    (predicted,) = ort.InferenceSession(str(out)).run(None, feeds)
    pipeline, _ = load_model(model)
    expected = pipeline.predict(rows)
    assert np.abs(expected).min() > 50  # the scale the test is about
    np.testing.assert_allclose(predicted.ravel(), expected, rtol=1e-5)
