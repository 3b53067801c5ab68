"""The playground's data sets: drawn as the exported script draws them, files checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glassnet.playground.datasets import blob_centers, generate, load, make_spiral, make_xor
from glassnet.playground.spec import DataSpec
from glassnet.workflow.data import DataError

from .conftest import course_file_or_skip


@pytest.mark.parametrize("dataset", ["moons", "circles", "xor", "spiral", "blobs"])
def test_every_toy_set_is_split_scaled_and_framed(dataset):
    spec = DataSpec(dataset=dataset, samples=301, test_share=30, classes=3)
    data = load(spec, seed=4)
    n_classes = 3 if dataset == "blobs" else 2
    assert list(data.classes) == list(range(n_classes))
    assert len(data.y_train) + len(data.y_test) == 301
    assert len(data.y_test) == round(301 * 0.3) or abs(len(data.y_test) - 90) <= 1
    # Scaled on the training rows: mean 0, standard deviation 1 there.
    np.testing.assert_allclose(data.P_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(data.P_train.std(axis=0), 1, atol=1e-12)
    assert np.abs(np.vstack([data.P_train, data.P_test])).max() < data.extent
    # The same seed draws the same data; another seed other data.
    again = load(spec, seed=4)
    np.testing.assert_array_equal(again.P_test, data.P_test)
    assert not np.array_equal(load(spec, seed=5).P_test, data.P_test)


def test_xor_and_spiral_are_playgrounds():
    X, y = make_xor(1000, noise=0.0, random_state=0)
    assert np.all((X[:, 0] * X[:, 1] >= 0) == (y == 1))
    assert np.abs(X).min() >= 0.3  # the gap along the axes
    _, noisy = make_xor(1000, noise=0.5, random_state=0)
    assert 0.05 < np.mean(noisy != y) < 0.5
    X, y = make_spiral(501, noise=0.0, random_state=0)
    assert np.bincount(y).tolist() == [250, 251]
    assert np.hypot(X[:, 0], X[:, 1]).max() < 5


def test_blob_centres_and_noise():
    centres = blob_centers(4)
    np.testing.assert_allclose(np.hypot(centres[:, 0], centres[:, 1]), 3)
    X_quiet, y = generate(DataSpec(dataset="blobs", classes=4, noise=0), seed=0)
    X_noisy, _ = generate(DataSpec(dataset="blobs", classes=4, noise=50), seed=0)
    spread = [X[y == 0].std() for X in (X_quiet, X_noisy)]
    assert spread[1] > 3 * spread[0]


def write(tmp_path, frame, name="data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def people(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=120),
            "b": rng.normal(size=120),
            "city": ["x", "y"] * 60,
            "score": rng.normal(size=120),
        }
    )
    frame["label"] = np.where(frame["a"] > 0, "high", "low")
    return frame


def csv_spec(**columns):
    return DataSpec(
        dataset="csv", upload="0" * 64, **({"x1": "a", "x2": "b", "label": "label"} | columns)
    )


def test_a_csv_sample_is_drawn_with_the_seed(tmp_path, people):
    path = write(tmp_path, people)
    data = load(csv_spec(samples=50), seed=1, file=path)
    assert len(data.y_train) + len(data.y_test) == 50
    assert "50 of the file's 120 rows, drawn at random." in data.notes
    assert list(data.classes) == ["high", "low"]


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        (
            {"x1": "age"},
            "has no column 'age' (chosen as x1); its columns are a, b, city, score, label",
        ),
        ({"x2": "city"}, "column 'city' of data.csv (chosen as x2) is not numeric"),
        ({"x2": "a"}, "pick three different columns"),
        ({"label": "score"}, "has 120 distinct values"),
    ],
)
def test_a_bad_column_choice_is_named(tmp_path, people, columns, words):
    path = write(tmp_path, people)
    with pytest.raises(DataError, match="") as caught:
        load(csv_spec(**columns), seed=0, file=path)
    assert words in str(caught.value)
    assert "--target" not in str(caught.value)  # the page's words, not the command line's


def test_a_class_of_one_row_cannot_be_split(tmp_path, people):
    people.loc[0, "label"] = "odd"
    path = write(tmp_path, people)
    with pytest.raises(DataError, match="class 'odd' of 'label' has a single row"):
        load(csv_spec(), seed=0, file=path)


def test_rows_without_a_label_are_dropped_and_said(tmp_path, people):
    people.loc[[5, 9], "label"] = np.nan
    path = write(tmp_path, people)
    data = load(csv_spec(samples=2000), seed=0, file=path)
    assert len(data.y_train) + len(data.y_test) == 118
    assert any("2 rows have no value in target column 'label'" in n for n in data.notes)


def test_the_course_file_fills_ages_with_the_training_mean():
    path = course_file_or_skip()
    data = load(DataSpec(dataset="titanic", samples=500, test_share=20), seed=0, file=path)
    assert data.columns == ("Pclass", "Age") and data.label == "Survived"
    mean = data.X_train["Age"].mean()
    assert data.imputer.statistics_[1] == pytest.approx(mean)
    assert f"Age: 102 missing values filled with the training rows' mean, {mean:.4g}." in data.notes
    assert not np.isnan(data.P_test).any()
