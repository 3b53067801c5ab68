"""The students' files reveal nothing of the solution's order.

An instructor may well sort the solution by label or by Usage before ``init``; if the
students' test.csv followed that order, its rows would hand every student the labels
or the public/private split. The rows are given in a seeded random order of their own.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from glassnet.compete.db import make_engine
from glassnet.compete.models import SolutionRow

from .test_cli import init_args, run


def runs(values: np.ndarray) -> int:
    """How many runs of equal neighbours a sequence has (a sorted 0/1 column has 2)."""
    return int(1 + np.sum(values[1:] != values[:-1]))


def init_with(files, tmp_path, solution: pd.DataFrame, name: str) -> tuple[bytes, bytes, list]:
    """Run init with this solution; return test.csv, sample_submission.csv, the public IDs."""
    path = tmp_path / f"{name}.csv"
    solution.to_csv(path, index=False)
    out = tmp_path / name
    database = f"sqlite:///{tmp_path / f'{name}.db'}"
    args = init_args({**files, "solution": path}, tmp_path, out_dir=out, database=database)
    result = run(*args)
    assert result.exit_code == 0, result.output
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            query = select(SolutionRow.row_id).where(SolutionRow.public)
            public = sorted(connection.execute(query).scalars())
    finally:
        engine.dispose()
    return (out / "test.csv").read_bytes(), (out / "sample_submission.csv").read_bytes(), public


@pytest.mark.parametrize("usage", [False, True])
def test_the_test_file_is_the_same_whatever_the_solutions_order(generated_files, tmp_path, usage):
    solution = pd.read_csv(generated_files["solution"])
    if usage:
        rng = np.random.default_rng(5)
        solution["Usage"] = np.where(rng.uniform(size=len(solution)) < 0.3, "Public", "Private")
    orders = {
        "by_label": solution.sort_values("Label", kind="stable"),
        "by_label_down": solution.sort_values("Label", ascending=False, kind="stable"),
        "shuffled": solution.sample(frac=1, random_state=3),
    }
    if usage:
        orders["by_usage"] = solution.sort_values("Usage", kind="stable")
    first = init_with(generated_files, tmp_path, solution, "first")
    for name, frame in orders.items():
        made = init_with(generated_files, tmp_path, frame, name)
        assert made == first, f"the solution ordered {name} gave other student files"


def test_the_test_files_order_is_not_the_labels_or_the_split(generated_files, tmp_path):
    solution = pd.read_csv(generated_files["solution"]).sort_values("Label", kind="stable")
    solution["Usage"] = np.where(np.arange(len(solution)) % 10 < 3, "Public", "Private")
    solution = solution.sort_values("Usage", kind="stable")  # public rows first
    test_csv, _, public = init_with(generated_files, tmp_path, solution, "sorted")
    given = pd.read_csv(io.BytesIO(test_csv))["Id"].to_numpy()
    labels = solution.set_index("Id").loc[given, "Label"].to_numpy()
    is_public = np.isin(given, np.array(public, dtype=given.dtype))
    # A random order of 418 rows has about 1 + 2 n p (1 - p) runs (200 for 40 % 1s);
    # the solution's order had 2 of each.
    assert runs(labels) > 150 and runs(is_public) > 150
    # Nor is it simply the IDs sorted, which an instructor may have assigned by label.
    assert not np.array_equal(given, np.sort(given))
