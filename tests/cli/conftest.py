"""Models trained once through ``glassnet train``, shared by the command tests."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from glassnet.cli import app

SHARED_DATA = (Path(__file__).resolve().parents[2] / "../shared/data").resolve()
COURSE_CSV = SHARED_DATA / "titanic_train_500_age_passengerclass.csv"
KAGGLE_TRAIN = SHARED_DATA / "titanic_train.csv"
KAGGLE_TEST = SHARED_DATA / "titanic_test.csv"


def need(path: Path) -> Path:
    """Return ``path``, or skip the test saying which data file is missing."""
    if not path.is_file():
        pytest.skip(f"course data not found: {path} does not exist")
    return path


def train(args: list[str]) -> None:
    """Run ``glassnet train`` quietly for 50 epochs; the test fails if it does."""
    result = CliRunner().invoke(app, ["train", *args, "--max-iter", "50", "--quiet"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A model trained on the course file's first 400 rows; its last 100 rows as a CSV."""
    data = need(COURSE_CSV)
    folder = tmp_path_factory.mktemp("course")
    model = folder / "course.glassnet"
    network = ["--split", "head:400", "--hidden", "16", "8", "--out", str(model)]
    train([str(data), "--target", "Survived", "--drop", "PassengerId", *network])
    last = folder / "last100.csv"
    pd.read_csv(data).iloc[400:].to_csv(last, index=False)
    return model, last


@pytest.fixture(scope="session")
def kaggle(tmp_path_factory):
    """A model trained on Kaggle's titanic_train.csv without its text columns."""
    data = need(KAGGLE_TRAIN)
    model = tmp_path_factory.mktemp("kaggle") / "kaggle.glassnet"
    drops = ["--drop", "PassengerId", "--drop", "Name", "--drop", "Ticket", "--drop", "Cabin"]
    train([str(data), "--target", "Survived", *drops, "--hidden", "8", "--out", str(model)])
    return model


@pytest.fixture(scope="session")
def kaggle_test():
    """Kaggle's titanic_test.csv (no Survived column)."""
    return need(KAGGLE_TEST)


@pytest.fixture(scope="session")
def course_csv():
    """The course's 500-row Titanic file."""
    return need(COURSE_CSV)


@pytest.fixture(scope="session")
def train_model():
    """``train(args)``: run ``glassnet train`` quietly for 50 epochs."""
    return train
