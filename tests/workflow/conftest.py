"""The Titanic files of ../shared/data, read once per test, shared by the workflow tests."""

from pathlib import Path

import pytest

from glassnet.workflow.data import read_csv

SHARED_DATA = (Path(__file__).resolve().parents[2] / "../shared/data").resolve()


def shared_csv(name: str) -> Path:
    """Return the path of a file in ../shared/data, or skip saying it is missing."""
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"course data not found: {path} does not exist")
    return path


@pytest.fixture
def shared_file():
    """``shared_file(name)``: the path of a file in ../shared/data (skips if absent)."""
    return shared_csv


@pytest.fixture
def course():
    """The course's 500-row file, read."""
    return read_csv(shared_csv("titanic_train_500_age_passengerclass.csv"))


@pytest.fixture
def kaggle():
    """Kaggle's 891-row train.csv, read."""
    return read_csv(shared_csv("titanic_train.csv"))
