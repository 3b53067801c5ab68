"""``glassnet activations``: the gallery picture, JSON output and exit codes."""

import json
import subprocess
import sys

import matplotlib.image
from typer.testing import CliRunner

from glassnet.cli import app

runner = CliRunner()


def test_writes_the_gallery(tmp_path):
    out = tmp_path / "gallery.png"
    result = runner.invoke(app, ["activations", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "logistic, tanh, relu" in result.output
    height, width, _ = matplotlib.image.imread(out).shape
    assert width > 600 and height > 300
    assert not list(tmp_path.glob("*.partial"))


def test_json_names_the_picture_and_the_activations(tmp_path):
    out = tmp_path / "two.png"
    result = runner.invoke(
        app, ["activations", "-o", str(out), "-n", "relu", "-n", "elu", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"picture": str(out), "activations": ["relu", "elu"]}


def test_unknown_activation_is_a_user_error(tmp_path):
    result = runner.invoke(app, ["activations", "-o", str(tmp_path / "x.png"), "-n", "reluu"])
    assert result.exit_code == 1
    assert "activation='reluu' is not a known activation" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.png").exists()


def test_missing_folder_is_a_user_error_and_bad_option_a_usage_error(tmp_path):
    missing = tmp_path / "no" / "such" / "a.png"
    result = runner.invoke(app, ["activations", "--out", str(missing)])
    assert result.exit_code == 1
    assert "No such file or directory" in result.output and str(missing) in result.output
    assert runner.invoke(app, ["activations", "--bogus"]).exit_code == 2


def test_quiet_prints_nothing_as_a_real_process(tmp_path):
    out = tmp_path / "q.png"
    done = subprocess.run(
        [sys.executable, "-m", "glassnet", "activations", "-o", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and out.stat().st_size > 10_000
