"""``--split`` specs and the rows they choose, on the course's files."""

import numpy as np
import pytest

from glassnet.workflow.data import DataError
from glassnet.workflow.split import SplitSpec, parse_split, split_rows


def test_head_400_is_the_course_split(course):
    split = split_rows("head:400", course.frame["Survived"])
    assert split.train.tolist() == list(range(400))
    assert split.test.tolist() == list(range(400, 500))
    assert course.frame["Age"].iloc[split.train].isna().sum() == 78


def test_random_split_is_seeded_disjoint_and_complete(course):
    y = course.frame["Survived"]
    split = split_rows("random:0.2", y, seed=3)
    assert len(split.test) == 100
    assert len(split.train) == 400
    assert np.array_equal(np.sort(np.concatenate([split.train, split.test])), np.arange(500))
    assert np.all(np.diff(split.train) > 0)  # file order kept
    again = split_rows("random:0.2", y, seed=3)
    assert np.array_equal(again.test, split.test)
    other = split_rows("random:0.2", y, seed=4)
    assert not np.array_equal(other.test, split.test)


def test_stratified_split_keeps_the_class_proportions(kaggle):
    y = kaggle.frame["Survived"].to_numpy()
    split = split_rows(SplitSpec("stratified", 0.2), y, seed=0)
    survived_rate = y.mean()
    assert abs(y[split.test].mean() - survived_rate) < 1 / len(split.test)
    assert abs(y[split.train].mean() - survived_rate) < 1 / len(split.train)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("head400", "is not understood; use head:N"),
        ("tail:100", "is not understood"),
        ("", "is not understood"),
        ("head:", "whole number of training rows"),
        ("head:0", "whole number of training rows, at least 1"),
        ("head:-5", "whole number"),
        ("head:1.5", "whole number"),
        ("random:0", r"strictly between 0 and 1, e\.g\. random:0\.2"),
        ("random:1", "strictly between 0 and 1"),
        ("random:20", "strictly between 0 and 1"),
        ("stratified:abc", r"stratified takes the fraction .* e\.g\. stratified:0\.2"),
        ("random:nan", "strictly between 0 and 1"),
    ],
)
def test_bad_specs(spec, message):
    with pytest.raises(DataError, match=message):
        parse_split(spec)


def test_parse_split_values():
    assert parse_split("head:400") == SplitSpec("head", 400)
    assert parse_split(" stratified:0.25 ") == SplitSpec("stratified", 0.25)


@pytest.mark.parametrize("spec", ["head:600", "head:500"])
def test_head_beyond_the_file_says_how_many_rows_it_has(course, spec):
    with pytest.raises(DataError, match=r"titanic_train_500.*\.csv has 500 rows.*fewer than 500"):
        split_rows(spec, course.frame["Survived"], path=course.path)


def test_fraction_too_small_for_the_data():
    with pytest.raises(DataError, match="the data have 1 rows, too few"):
        split_rows("random:0.2", [1])


def test_stratified_with_a_class_of_one_row(course):
    y = course.frame["Survived"].to_numpy().copy()
    y[0] = 2  # a third class with a single member
    with pytest.raises(DataError, match=r"cannot be split keeping their proportions.*random:0\.2"):
        split_rows("stratified:0.2", y)


def test_stratified_error_names_the_small_classes_as_plain_values():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 3, 6])
    expected = r"\{0: 4, 1: 4, 3: 1, 6: 1\}.*classes 3, 6 have only 1 row"
    with pytest.raises(DataError, match=expected):
        split_rows("stratified:0.2", y)
