"""glassnet.save and glassnet.load: the command line's model files, from Python."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_moons
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from typer.testing import CliRunner

import glassnet
from glassnet import MLPClassifier
from glassnet.callbacks import EarlyStopping
from glassnet.cli import app
from glassnet.workflow.errors import ModelFileError
from glassnet.workflow.model_file import read_metadata

from .hostile_models import edited_weights

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
KEY = "a-signing-key-of-forty-characters-------"
X, y = make_moons(120, noise=0.2, random_state=0)
FRAME = pd.DataFrame(X, columns=["width", "height"])


@pytest.fixture(scope="module")
def models():
    bare = MLPClassifier((6,), max_iter=30, random_state=0, health_warnings=False).fit(X, y)
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier((6,), max_iter=30, random_state=0, health_warnings=False)
    ).fit(FRAME, y)
    return bare, pipe


def test_round_trip_in_a_fresh_process(models, tmp_path):
    bare, pipe = models
    glassnet.save(bare, tmp_path / "bare.glassnet")
    glassnet.save(pipe, tmp_path / "pipe.glassnet")
    FRAME.to_csv(tmp_path / "rows.csv", index=False)
    script = textwrap.dedent(
        f"""
        import json, sys
        import numpy as np, pandas as pd
        import glassnet
        bare = glassnet.load({str(tmp_path / "bare.glassnet")!r})
        pipe = glassnet.load({str(tmp_path / "pipe.glassnet")!r})
        rows = pd.read_csv({str(tmp_path / "rows.csv")!r})
        json.dump({{
            "types": [type(bare).__name__, type(pipe).__name__],
            "bare": bare.predict_proba(rows.to_numpy()).tolist(),
            "pipe": pipe.predict_proba(rows).tolist(),
        }}, sys.stdout)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["types"] == ["MLPClassifier", "Pipeline"]
    np.testing.assert_array_equal(answer["bare"], bare.predict_proba(X))
    np.testing.assert_array_equal(answer["pipe"], pipe.predict_proba(FRAME))


def test_the_metadata_says_what_python_knows(models, tmp_path):
    _, pipe = models
    path = glassnet.save(pipe, tmp_path / "m.glassnet", metadata={"dataset": "moons"})
    meta = read_metadata(path)
    assert meta["columns"] == ["width", "height"] and meta["dataset"] == "moons"
    assert (meta["saved_from"], meta["object"], meta["classes"]) == (
        "python",
        "pipeline",
        ["0", "1"],
    )
    with pytest.raises(ValueError, match=r"metadata may not set 'object': glassnet writes"):
        glassnet.save(pipe, tmp_path / "x.glassnet", metadata={"object": "mine"})


def test_the_commands_read_a_pipeline_saved_from_python(models, tmp_path):
    _, pipe = models
    model = str(glassnet.save(pipe, tmp_path / "m.glassnet", metadata={"target": "label"}))
    FRAME.assign(label=y).to_csv(tmp_path / "rows.csv", index=False)
    out = tmp_path / "p.csv"
    result = CliRunner().invoke(app, ["predict", model, str(tmp_path / "rows.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(pd.read_csv(out)["label"], pipe.predict(FRAME))  # the target
    evaluated = CliRunner().invoke(app, ["evaluate", model, str(tmp_path / "rows.csv"), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.stdout)["accuracy"] == pipe.score(FRAME, y)


def test_callbacks_are_left_out_of_the_file_not_off_the_model(tmp_path):
    stop = EarlyStopping(monitor="loss", patience=3)
    model = MLPClassifier((4,), max_iter=20, random_state=0, health_warnings=False)
    model.set_params(callbacks=[stop]).fit(X, y)
    loaded = glassnet.load(glassnet.save(model, tmp_path / "m.glassnet"))
    assert loaded.callbacks is None and model.callbacks == [stop]
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_tampered_file_is_refused_as_on_the_command_line(models, tmp_path, monkeypatch):
    bare, _ = models
    path = glassnet.save(bare, tmp_path / "m.glassnet")
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 3] ^= 0xFF  # inside the zip's data: a checksum fails
    path.write_bytes(bytes(damaged))
    with pytest.raises(ModelFileError, match=r"is not a glassnet model file") as caught:
        glassnet.load(path)
    cli = CliRunner().invoke(app, ["inspect", str(path)])
    assert cli.exit_code == 1 and str(caught.value) in cli.stderr.replace("\n", "")


def test_a_signed_file_changed_after_signing_is_refused(models, tmp_path, monkeypatch):
    bare, _ = models
    monkeypatch.setenv("GLASSNET_SIGNING_KEY", KEY)
    path = glassnet.save(bare, tmp_path / "m.glassnet", sign=True)
    assert isinstance(glassnet.load(path, require_signature=True), MLPClassifier)
    path.write_bytes(edited_weights(path.read_bytes()))
    with pytest.raises(ModelFileError, match=r"signature does not match") as caught:
        glassnet.load(path)
    cli = CliRunner().invoke(app, ["inspect", str(path)])
    assert cli.exit_code == 1 and str(caught.value) in cli.stderr.replace("\n", "")


@pytest.mark.parametrize(
    ("model", "match"),
    [
        (MLPClassifier(), r"saves a fitted model, and this MLPClassifier is not fitted"),
        (make_pipeline(StandardScaler()), r"got a Pipeline ending in StandardScaler"),
        ("model", r"got a str\. Save other models with skops\.io or joblib"),
    ],
)
def test_what_cannot_be_saved_says_why(model, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        glassnet.save(model, tmp_path / "m.glassnet")
    assert not (tmp_path / "m.glassnet").exists()
