"""Column plans, --fill-missing and the preparation pipeline, on the course's files."""

import numpy as np
import pandas as pd
import pytest

import glassnet
from glassnet.workflow.data import DataError, check_target, read_csv
from glassnet.workflow.preprocess import (
    FillMissing,
    build_pipeline,
    build_preprocessor,
    drop_incomplete_rows,
    feature_names,
    parse_fill_missing,
    plan_columns,
    select_features,
)
from glassnet.workflow.split import split_rows

KAGGLE_TEXT_COLUMNS = ["Name", "Ticket", "Cabin"]
SMALL_MODEL = {"hidden_layer_sizes": (8,), "solver": "lbfgs", "max_iter": 2000, "random_state": 0}


def course_plan(course):
    return plan_columns(course.frame, "Survived", course.path, drop=["PassengerId"])


def fitted_preprocessor(frame, plan, rows, **options):
    preprocessor = build_preprocessor(plan, **options)
    return preprocessor.fit(select_features(frame.iloc[rows], plan))


# Plans


def test_kaggle_plan_with_text_columns_dropped(kaggle):
    drop = ["PassengerId", *KAGGLE_TEXT_COLUMNS]
    plan = plan_columns(kaggle.frame, "Survived", kaggle.path, drop=drop)
    assert plan.numeric == ("Pclass", "Age", "SibSp", "Parch", "Fare")
    assert plan.categorical == {"Sex": ("female", "male"), "Embarked": ("C", "Q", "S")}
    assert plan.columns == ("Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked")
    assert plan.dropped == tuple(drop)
    assert plan.missing["Age"] == 177
    assert plan.missing["Embarked"] == 2
    assert plan.n_rows == 891
    assert plan.describe() == [
        "numeric: Pclass, Age (177 missing), SibSp, Parch, Fare",
        "one-hot encoded: Sex (female, male), Embarked (C, Q, S; 2 missing)",
        "dropped: PassengerId, Name, Ticket, Cabin",
    ]


def test_kaggle_text_columns_are_refused_by_name(kaggle):
    with pytest.raises(DataError) as raised:
        plan_columns(kaggle.frame, "Survived", kaggle.path)
    message = str(raised.value)
    for column in KAGGLE_TEXT_COLUMNS:
        values = kaggle.frame[column].dropna()
        expected = f"'{column}' is text with {values.nunique()} distinct values in {len(values)}"
        assert f"{expected} rows" in message
    assert message.endswith("Leave them out with --drop Name --drop Ticket --drop Cabin.")
    assert "Sex" not in message


def test_a_single_text_column_left_is_the_only_one_named(kaggle):
    with pytest.raises(DataError, match=r"'Cabin' is text .* with --drop Cabin\.$"):
        plan_columns(kaggle.frame, "Survived", kaggle.path, drop=["Name", "Ticket"])


def test_category_limits():
    rows = 100
    frame = pd.DataFrame(
        {
            "y": np.arange(rows) % 2,
            "twenty": [f"c{i % 20}" for i in range(rows)],
            "ok_small": ["a", "b", "a", "b"] * 25,
        }
    )
    plan = plan_columns(frame, "y", "f.csv")
    assert len(plan.categorical["twenty"]) == 20
    frame["twenty_one"] = [f"c{i % 21}" for i in range(rows)]
    with pytest.raises(
        DataError, match=r"'twenty_one' is text with 21 distinct values in 100 rows"
    ):
        plan_columns(frame, "y", "f.csv")


def test_categories_must_repeat():
    # 3 distinct values in 4 rows: more than half of the rows, so not categories.
    frame = pd.DataFrame({"y": [0, 1, 0, 1], "x": ["a", "b", "c", "a"], "n": [1, 2, 3, 4]})
    with pytest.raises(DataError, match="'x' is text with 3 distinct values in 4 rows"):
        plan_columns(frame, "y", "f.csv")


def test_numbers_with_decimal_commas_are_pointed_out(kaggle, tmp_path):
    path = tmp_path / "titanic_decimal_commas.csv"
    kaggle.frame.to_csv(path, sep=";", decimal=",", index=False)
    table = read_csv(path)
    with pytest.raises(DataError, match=r"'Fare' is text .* but looks numeric \(e\.g\. '7,25'\)"):
        plan_columns(table.frame, "Survived", path, drop=KAGGLE_TEXT_COLUMNS)


def test_empty_column_is_refused(course):
    frame = course.frame.assign(Cabin=np.nan)
    with pytest.raises(
        DataError, match=r"'Cabin' has no values in any of its 500 rows.*--drop Cabin"
    ):
        plan_columns(frame, "Survived", course.path)


def test_drop_unknown_column_suggests(course):
    with pytest.raises(DataError, match=r"--drop: no column 'passengerid' .*'PassengerId'"):
        plan_columns(course.frame, "Survived", course.path, drop=["passengerid"])


def test_drop_target_is_refused(course):
    with pytest.raises(DataError, match="names the target column"):
        plan_columns(course.frame, "Survived", course.path, drop=["Survived"])


def test_nothing_left_to_learn_from(course):
    with pytest.raises(DataError, match="no column left to learn from"):
        plan_columns(course.frame, "Survived", course.path, drop=["PassengerId", "Pclass", "Age"])


# --fill-missing


def test_parse_fill_missing():
    assert parse_fill_missing(None) == FillMissing("mean", {})
    assert parse_fill_missing("median") == FillMissing("median", {})
    assert parse_fill_missing(["drop", "Embarked=S", "Age=30"]) == FillMissing(
        "drop", {"Embarked": "S", "Age": "30"}
    )


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["average"], r"'average' is not a strategy; use one of mean, median, most_frequent, drop"),
        (["mean", "median"], r"2 strategies \(mean, median\); give one"),
        (["Age="], "needs both a column and a value"),
        (["=3"], "needs both a column and a value"),
    ],
)
def test_bad_fill_missing(specs, message):
    with pytest.raises(DataError, match=message):
        parse_fill_missing(specs)


def test_constant_for_unknown_column(course):
    fill = parse_fill_missing(["age=30"])
    with pytest.raises(
        DataError, match=r"no column 'age' in the feature columns \(did you mean 'Age'"
    ):
        build_preprocessor(course_plan(course), fill)


def test_text_constant_for_numeric_column(course):
    fill = parse_fill_missing(["Age=unknown"])
    with pytest.raises(DataError, match="'Age' is numeric, so its value must be a number"):
        build_preprocessor(course_plan(course), fill)


def test_unknown_scaler(course):
    with pytest.raises(
        DataError, match="'robust' is not a scaler; use one of standard, minmax, none"
    ):
        build_preprocessor(course_plan(course), scale="robust")


def test_drop_strategy_drops_incomplete_rows(course):
    plan = course_plan(course)
    frame, dropped = drop_incomplete_rows(course.frame, plan, FillMissing("drop"))
    assert len(dropped) == course.frame["Age"].isna().sum()
    assert frame["Age"].notna().all()
    assert frame.index.equals(pd.RangeIndex(len(frame)))
    assert np.array_equal(dropped, np.flatnonzero(course.frame["Age"].isna()))


def test_drop_strategy_spares_columns_with_a_constant_and_other_strategies(course):
    plan = course_plan(course)
    frame, dropped = drop_incomplete_rows(course.frame, plan, FillMissing("drop", {"Age": "30"}))
    assert dropped == ()
    assert len(frame) == 500
    assert drop_incomplete_rows(course.frame, plan, FillMissing("mean"))[1] == ()


# Statistics from the training rows only


def test_mean_and_standard_scaler_come_from_training_rows(course):
    frame, plan = course.frame, course_plan(course)
    train = split_rows("head:400", frame["Survived"]).train
    numeric = fitted_preprocessor(frame, plan, train).named_transformers_["numeric"]
    age_train = frame["Age"].iloc[train]
    assert age_train.mean() != pytest.approx(frame["Age"].mean())  # the test can tell
    imputer, scaler = numeric.named_steps["impute"], numeric.named_steps["scale"]
    assert imputer.statistics_ == pytest.approx(
        [frame["Pclass"].iloc[train].mean(), age_train.mean()]
    )
    filled = age_train.fillna(age_train.mean())
    assert scaler.mean_[1] == pytest.approx(filled.mean())
    assert scaler.scale_[1] == pytest.approx(filled.std(ddof=0))


def test_median_and_minmax_come_from_training_rows(kaggle):
    frame = kaggle.frame
    plan = plan_columns(frame, "Survived", kaggle.path, drop=["PassengerId", *KAGGLE_TEXT_COLUMNS])
    train = split_rows("random:0.3", frame["Survived"], seed=1).train
    preprocessor = fitted_preprocessor(
        frame, plan, train, fill=FillMissing("median"), scale="minmax"
    )
    numeric = preprocessor.named_transformers_["numeric"]
    rows = frame.iloc[train]
    assert numeric.named_steps["impute"].statistics_ == pytest.approx(
        rows[list(plan.numeric)].median()
    )
    filled = rows[list(plan.numeric)].fillna(rows[list(plan.numeric)].median())
    assert numeric.named_steps["scale"].data_min_ == pytest.approx(filled.min())
    assert numeric.named_steps["scale"].data_max_ == pytest.approx(filled.max())
    # The test can tell: on all rows the median age and the youngest age differ.
    assert rows["Age"].median() != frame["Age"].median()
    assert filled["Age"].min() != frame["Age"].min()


def test_most_frequent_category_comes_from_training_rows():
    frame = pd.DataFrame(
        {
            "y": [0, 1] * 10,
            "x": [1.0] * 20,
            # Training rows (first 8): mostly 'a'; all rows: mostly 'b'.
            "c": ["a", "a", "a", "b", "a", None, "b", "a", *(["b"] * 12)],
        }
    )
    plan = plan_columns(frame, "y", "f.csv")
    preprocessor = fitted_preprocessor(frame, plan, np.arange(8))
    imputer = preprocessor.named_transformers_["categorical"].named_steps["impute"]
    assert imputer.statistics_.tolist() == ["a"]
    assert frame["c"].mode()[0] == "b"


def test_same_features_as_the_course_fixture(course, titanic_course):
    X_train, X_test, _, _ = titanic_course
    frame, plan = course.frame, course_plan(course)
    split = split_rows("head:400", frame["Survived"])
    preprocessor = fitted_preprocessor(frame, plan, split.train)
    assert np.allclose(
        preprocessor.transform(select_features(frame.iloc[split.train], plan)), X_train
    )
    assert np.allclose(
        preprocessor.transform(select_features(frame.iloc[split.test], plan)), X_test
    )


def test_constant_category_and_unknown_categories():
    frame = pd.DataFrame(
        {
            "y": [0, 1, 0, 1, 0, 1],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "port": ["S", None, "S", "C", "C", "S"],
        }
    )
    plan = plan_columns(frame, "y", "f.csv")
    preprocessor = fitted_preprocessor(
        frame, plan, np.arange(6), fill=parse_fill_missing(["port=U"]), scale="none"
    )
    assert list(preprocessor.get_feature_names_out()) == ["x", "port_C", "port_S", "port_U"]
    unseen = pd.DataFrame({"x": [7.0], "port": ["Q"]})
    assert preprocessor.transform(unseen).tolist() == [[7.0, 0.0, 0.0, 0.0]]


# The whole pipeline


def test_pipeline_trains_and_predicts_on_kaggle_titanic(kaggle):
    target = check_target(kaggle.frame, "Survived", kaggle.path)
    plan = plan_columns(
        target.frame, "Survived", kaggle.path, drop=["PassengerId", *KAGGLE_TEXT_COLUMNS]
    )
    split = split_rows("stratified:0.2", target.frame["Survived"], seed=0)
    train, test = target.frame.iloc[split.train], target.frame.iloc[split.test]
    pipeline = build_pipeline(plan, parse_fill_missing(["median"]), "standard", SMALL_MODEL)
    pipeline.fit(select_features(train, plan), train["Survived"])
    assert isinstance(pipeline.named_steps["model"], glassnet.MLPClassifier)
    assert feature_names(pipeline) == [
        "Pclass", "Age", "SibSp", "Parch", "Fare",
        "Sex_female", "Sex_male", "Embarked_C", "Embarked_Q", "Embarked_S",
    ]  # fmt: skip
    assert pipeline.named_steps["model"].n_features_in_ == 10
    predictions = pipeline.predict(select_features(test, plan))
    assert predictions.shape == (len(test),)
    assert set(predictions) <= {0, 1}
    # Far better than always answering "died" (62 %), or the features are garbled.
    assert np.mean(predictions == test["Survived"]) > 0.72


def test_pipeline_from_drop_strategy_predicts_incomplete_rows(kaggle, shared_file):
    plan = plan_columns(
        kaggle.frame, "Survived", kaggle.path, drop=["PassengerId", *KAGGLE_TEXT_COLUMNS]
    )
    fill = FillMissing("drop")
    complete, dropped = drop_incomplete_rows(kaggle.frame, plan, fill)
    assert len(dropped) == kaggle.frame[list(plan.columns)].isna().any(axis=1).sum()
    pipeline = build_pipeline(plan, fill, "standard", SMALL_MODEL)
    pipeline.fit(select_features(complete, plan), complete["Survived"])
    kaggle_test = read_csv(shared_file("titanic_test.csv")).frame
    assert kaggle_test[list(plan.columns)].isna().any(axis=1).sum() > 0  # the case under test
    assert pipeline.predict(select_features(kaggle_test, plan)).shape == (len(kaggle_test),)


def test_column_without_values_in_the_training_rows_keeps_its_input(course):
    frame = course.frame.copy()
    frame.loc[:399, "Age"] = np.nan  # ages only in the test rows
    plan = course_plan(course)
    preprocessor = fitted_preprocessor(frame, plan, np.arange(400), scale="none")
    assert list(preprocessor.get_feature_names_out()) == ["Pclass", "Age"]
    assert preprocessor.transform(select_features(frame.iloc[400:], plan)).shape == (100, 2)
