"""What the commands do with a model file from someone else: its text shown as text,
its signature checked where a key is set."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app

from ..workflow.hostile_models import TERMINAL_ATTACK, edited_weights, members, rezip

KEY = "a-signing-key-of-forty-characters-------"
runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A labelled CSV, a model trained on it and the same model signed."""
    folder = tmp_path_factory.mktemp("trust")
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"Age": rng.normal(30, 10, 200), "Sex": rng.choice(["f", "m"], 200)})
    rows["Survived"] = ((rows["Sex"] == "f") | (rows["Age"] < 20)).astype(int)
    rows.to_csv(folder / "data.csv", index=False)
    common = ["train", str(folder / "data.csv"), "--target", "Survived", "--hidden", "8"]
    common += ["--max-iter", "20", "--quiet", "--out"]
    assert runner.invoke(app, [*common, str(folder / "plain.glassnet")]).exit_code == 0
    signed = runner.invoke(
        app, [*common, str(folder / "signed.glassnet"), "--sign"], env={"GLASSNET_SIGNING_KEY": KEY}
    )
    assert signed.exit_code == 0, signed.output
    return folder


def hostile_copy(files, name="hostile.glassnet"):
    """The model with escape sequences and Rich markup in its target and command."""
    data = (files / "plain.glassnet").read_bytes()
    header = json.loads(members(data)["glassnet.json"])
    header["metadata"]["target"] = header["metadata"]["command"] = TERMINAL_ATTACK
    path = files / name
    path.write_bytes(rezip(data, {"glassnet.json": json.dumps(header).encode()}))
    return path


@pytest.mark.parametrize("command", ["inspect", "predict", "evaluate"])
def test_a_models_text_is_shown_as_text(files, tmp_path, command):
    model = hostile_copy(files)
    data = pd.read_csv(files / "data.csv").rename(columns={"Survived": TERMINAL_ATTACK})
    data.to_csv(tmp_path / "data.csv", index=False)
    args = {
        "inspect": [str(model)],
        "predict": [str(model), str(tmp_path / "data.csv"), "-o", str(tmp_path / "p.csv")],
        "evaluate": [str(model), str(tmp_path / "data.csv")],
    }[command]
    result = runner.invoke(app, [command, *args])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    # The markup is printed as the characters it is, not obeyed.
    assert "[link=https://evil.example]Survived[/link]" in result.output.replace("\n", "")


def test_an_error_quoting_a_file_is_one_line_of_text(tmp_path):
    path = tmp_path / "[red]x\x1b[2J\nfake line.glassnet"
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line and "\x1b" not in line
    assert "[red]x[2J fake line.glassnet: the file does not exist" in line


def test_train_signs_and_the_commands_check_with_the_key(files, tmp_path):
    signed, data = files / "signed.glassnet", files / "data.csv"
    out = str(tmp_path / "p.csv")
    with_key = {"GLASSNET_SIGNING_KEY": KEY}
    ok = runner.invoke(
        app, ["predict", str(signed), str(data), "-o", out, "--require-signature"], env=with_key
    )
    assert ok.exit_code == 0, ok.output
    edited = tmp_path / "edited.glassnet"
    edited.write_bytes(edited_weights(signed.read_bytes()))
    for command in (["inspect", str(edited)], ["evaluate", str(edited), str(data)]):
        refused = runner.invoke(app, command, env=with_key)
        assert refused.exit_code == 1
        assert "its signature does not match GLASSNET_SIGNING_KEY" in refused.stderr
    unsigned = runner.invoke(app, ["inspect", str(files / "plain.glassnet")], env=with_key)
    assert unsigned.exit_code == 1 and "it is not signed" in unsigned.stderr


def test_require_signature_without_a_key_is_refused(files):
    result = runner.invoke(
        app,
        ["inspect", str(files / "signed.glassnet"), "--require-signature"],
        env={"GLASSNET_SIGNING_KEY": ""},
    )
    assert result.exit_code == 1
    assert "needs a key: set the environment variable GLASSNET_SIGNING_KEY" in result.stderr
