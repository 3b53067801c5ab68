"""Every setting the training-health advice can name is an option of ``glassnet train``."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app
from glassnet.workflow.model_file import load_model

runner = CliRunner()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    path = tmp_path_factory.mktemp("options") / "d.csv"
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=(X[:, 0] > 0).astype(int))
    frame.to_csv(path, index=False)
    return path


def train(data, tmp_path, *args):
    out = tmp_path / "m.glassnet"
    result = runner.invoke(
        app, ["train", str(data), "-t", "y", "--max-iter", "3", "--quiet", "--out", str(out), *args]
    )
    return result, out


def network(out):
    pipeline, _ = load_model(out)
    return pipeline.named_steps["model"]


def test_each_option_reaches_the_network(data, tmp_path):
    result, out = train(
        data,
        tmp_path,
        *("--hidden", "5", "4", "--activation", "relu", "tanh", "--init", "he_uniform"),
        *("--dropout", "0.2", "--solver", "sgd", "--momentum", "0.5", "--alpha", "0.01"),
        *("--clip-grad-norm", "1.5", "--class-weight", "0=1", "1=2.5", "--tol", "0.001"),
        *("--n-iter-no-change", "7", "--early-stopping", "--validation-fraction", "0.25"),
        "--learning-rate",
        "0.05",
    )
    assert result.exit_code == 0, result.output
    params = network(out).get_params()
    assert params["hidden_layer_sizes"] == (5, 4)
    assert params["activation"] == ["relu", "tanh"]
    assert params["class_weight"] == {0: 1.0, 1: 2.5}
    expected = {
        "init": "he_uniform",
        "dropout": 0.2,
        "solver": "sgd",
        "momentum": 0.5,
        "alpha": 0.01,
        "clip_grad_norm": 1.5,
        "tol": 0.001,
        "n_iter_no_change": 7,
        "early_stopping": True,
        "validation_fraction": 0.25,
        "learning_rate_init": 0.05,
    }
    assert {k: params[k] for k in expected} == expected


@pytest.mark.parametrize("written", [["16,8"], ["(16, 8)"], ["[16, 8]"], ["16,", "8"]])
def test_hidden_as_the_course_and_scikit_learn_write_it(data, tmp_path, written):
    result, out = train(data, tmp_path, "--hidden", *written)
    assert result.exit_code == 0, result.output
    assert network(out).hidden_layer_sizes == (16, 8)


def test_hidden_with_an_equals_sign(data, tmp_path):
    result, out = train(data, tmp_path, "--hidden=6,2")
    assert result.exit_code == 0, result.output
    assert network(out).hidden_layer_sizes == (6, 2)


def test_balanced_class_weight(data, tmp_path):
    result, out = train(data, tmp_path, "--class-weight", "balanced")
    assert result.exit_code == 0, result.output
    assert network(out).class_weight == "balanced"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hidden", "4", "4", "--activation", "relu", "tanh", "elu"], "has 3 names but"),
        (["--activation", "sigmoid"], "'sigmoid' is not an activation glassnet knows"),
        (["--init", "xavier"], "--init 'xavier' is not a known initialisation"),
        (["--class-weight", "2=1"], "'2' is not a class of 'y'"),
        (["--class-weight", "1=heavy"], "write balanced, or CLASS=WEIGHT"),
        (["--dropout", "1.5"], "less than or equal to 0.99"),
    ],
)
def test_bad_options_name_the_option(data, tmp_path, args, message):
    result, _ = train(data, tmp_path, *args)
    assert result.exit_code in (1, 2), result.output
    assert message in " ".join(result.output.split())


def test_a_class_never_predicted_is_said_once_without_library_warnings(tmp_path):
    # Features that never vary: the network answers one class for every row, and
    # scikit-learn's metrics warn three times about the other class's precision.
    rng = np.random.default_rng(1)
    data = tmp_path / "rare.csv"
    pd.DataFrame({"a": np.ones(300), "y": (rng.random(300) < 0.3).astype(int)}).to_csv(
        data, index=False
    )
    done = subprocess.run(
        [
            *(sys.executable, "-m", "glassnet", "train", str(data), "-t", "y", "--hidden", "1"),
            *("--max-iter", "2", "--out", str(tmp_path / "m.glassnet")),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "it answers '1' for every one of the 60 samples" in said
    assert "Warning" not in done.stderr and "site-packages" not in done.stderr, done.stderr


def test_every_option_the_advice_can_name_exists():
    import re

    import typer

    from glassnet.diagnostics._advice import CLI_OPTIONS

    command = typer.main.get_command(app).commands["train"]
    offered = {name for param in command.params for name in param.opts}
    named = {re.match(r"--[a-z][a-z-]*", str(option)).group(0) for option in CLI_OPTIONS.values()}
    assert named <= offered, named - offered
