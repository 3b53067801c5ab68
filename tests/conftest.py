from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

REPO_ROOT = Path(__file__).resolve().parents[1]
# The course data sit beside the repository, in ../shared/data.
SHARED_DATA = (REPO_ROOT / "../shared/data").resolve()
TITANIC_COURSE_CSV = SHARED_DATA / "titanic_train_500_age_passengerclass.csv"
N_TRAIN = 400


@pytest.fixture(scope="session")
def titanic_course():
    """The course's Titanic workflow: (X_train, X_test, y_train, y_test), scaled.

    Columns PassengerId,Survived,Pclass,Age; missing ages get the mean age of the
    first 400 rows; those rows train, the last 100 test; the scaler is fitted on
    the training rows only.
    """
    if not TITANIC_COURSE_CSV.is_file():
        pytest.skip(f"course Titanic data not found: {TITANIC_COURSE_CSV} does not exist")
    df = pd.read_csv(TITANIC_COURSE_CSV).drop(columns="PassengerId")
    df["Age"] = df["Age"].fillna(df["Age"].iloc[:N_TRAIN].mean())
    X = df[["Pclass", "Age"]].to_numpy(dtype=np.float64)
    y = df["Survived"].to_numpy()
    scaler = StandardScaler().fit(X[:N_TRAIN])
    return scaler.transform(X[:N_TRAIN]), scaler.transform(X[N_TRAIN:]), y[:N_TRAIN], y[N_TRAIN:]
