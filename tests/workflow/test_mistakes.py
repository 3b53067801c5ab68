"""Likely mistakes get a notice: identifiers among the features, scoring on training rows."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app
from glassnet.workflow.mistakes import (
    MAX_FINGERPRINTS,
    identifier_columns,
    row_fingerprints,
    training_rows_share,
)

runner = CliRunner()


def frame(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "PassengerId": np.arange(1, n + 1),
            "Pclass": rng.integers(1, 4, n),
            "Age": rng.integers(1, 80, n).astype(float),
            "counter": rng.permutation(n) + 1000,
            "Survived": rng.integers(0, 2, n),
        }
    )


def test_identifiers_by_name_or_by_a_different_whole_number_in_every_row():
    data = frame()
    numeric = ["PassengerId", "Pclass", "Age", "counter"]
    assert identifier_columns(data, numeric) == ["PassengerId", "counter"]


def test_measurements_that_happen_to_differ_are_not_identifiers():
    data = pd.DataFrame({"Fare": np.linspace(0.5, 99.5, 100), "paid": np.arange(100) % 3})
    assert identifier_columns(data, ["Fare", "paid"]) == []


def test_the_training_rows_are_recognised_and_held_out_rows_are_not():
    data = frame()
    prints = row_fingerprints(data.iloc[:150])
    assert training_rows_share(data.iloc[:150], prints) == 1.0
    assert training_rows_share(data.iloc[150:], prints) == 0.0
    assert training_rows_share(data, prints) == pytest.approx(0.75)


def test_rows_alike_in_every_feature_stay_apart_by_their_other_columns():
    # Two passengers of the same class and age: the id column tells them apart.
    data = pd.DataFrame({"PassengerId": [1, 2], "Pclass": [3, 3], "Age": [22.0, 22.0]})
    prints = row_fingerprints(data.iloc[:1])
    assert training_rows_share(data.iloc[1:], prints) == 0.0


def test_a_file_read_with_other_types_still_matches():
    data = frame()
    prints = row_fingerprints(data)
    assert training_rows_share(data.astype({"Pclass": object}), prints) == 1.0


def test_a_file_without_a_fingerprinted_column_cannot_be_compared():
    data = frame()
    prints = row_fingerprints(data)
    assert training_rows_share(data.drop(columns="PassengerId"), prints) is None


def test_large_training_sets_keep_a_sample_and_the_share_is_estimated():
    data = frame(n=3 * MAX_FINGERPRINTS, seed=1)
    prints = row_fingerprints(data)
    assert len(prints["hashes"]) == MAX_FINGERPRINTS and prints["rows"] == len(data)
    assert training_rows_share(data, prints) == pytest.approx(1.0, abs=0.02)
    assert training_rows_share(frame(n=5000, seed=2).assign(PassengerId=-1), prints) == 0.0


def test_train_and_evaluate_say_so(tmp_path):
    data = frame(n=300)
    path = tmp_path / "passengers.csv"
    data.to_csv(path, index=False)
    model = tmp_path / "m.glassnet"
    trained = runner.invoke(
        app,
        [
            "train",
            str(path),
            "-t",
            "Survived",
            "--split",
            "head:200",
            "--max-iter",
            "3",
            "--out",
            str(model),
        ],
    )
    assert trained.exit_code == 0, trained.output
    said = " ".join(trained.output.split())
    assert "PassengerId, counter look like identifiers" in said
    assert "Leave it out with --drop PassengerId counter" in said

    data.iloc[:200].to_csv(tmp_path / "seen.csv", index=False)
    data.iloc[200:].to_csv(tmp_path / "unseen.csv", index=False)
    seen = runner.invoke(app, ["evaluate", str(model), str(tmp_path / "seen.csv")])
    assert "These are rows the model was trained on" in " ".join(seen.output.split())
    whole = runner.invoke(app, ["evaluate", str(model), str(path)])
    assert "About 67 % of these are rows the model was trained on" in " ".join(whole.output.split())
    unseen = runner.invoke(app, ["evaluate", str(model), str(tmp_path / "unseen.csv")])
    assert unseen.exit_code == 0 and "trained on:" not in unseen.output
