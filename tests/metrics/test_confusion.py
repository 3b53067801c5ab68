"""ConfusionMatrix: every number against scikit-learn or a slow obvious reference."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)

from glassnet.metrics import ConfusionMatrix

AVERAGES = [None, "macro", "micro", "weighted"]
ZERO_DIVISIONS = ["warn", 0, 1, np.nan]
TITANIC_NAMES = {0: "died", 1: "survived"}
TITANIC_SENTENCE = (
    "Of the 36 passengers who survived, the model found 10 (recall 0.28); of the 13 it said "
    "survived, 10 did (precision 0.77). It is 71 % accurate; always answering 'died' would "
    "be 64 % accurate."
)


# ---------------------------------------------------------------- data


@st.composite
def predictions(draw, pool, weighted=None):
    """(y_true, y_pred, sample_weight or None) drawn from the labels in ``pool``.

    A label repeated in ``pool`` is drawn more often: that makes imbalanced data.
    """
    n = draw(st.integers(1, 40))
    labels = st.lists(st.sampled_from(pool), min_size=n, max_size=n)
    y_true, y_pred = np.array(draw(labels)), np.array(draw(labels))
    use_weights = draw(st.booleans()) if weighted is None else weighted
    weights = st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n)
    return y_true, y_pred, (np.array(draw(weights)) if use_weights else None)


POOLS = {
    "binary": [0, 1],
    "multiclass": [0, 1, 2, 3],
    "strings": ["cat", "dog", "fox"],
    "imbalanced binary": [0] * 19 + [1],
    "imbalanced multiclass": [0] * 12 + [1] * 3 + [2],
}
any_predictions = st.sampled_from(list(POOLS.values())).flatmap(predictions)


def titanic_arrays():
    """The course's lazy Titanic model on its 100 test rows: TP=10, FN=26, FP=3, TN=61."""
    y_true = np.array([1] * 36 + [0] * 64)
    y_pred = np.array([1] * 10 + [0] * 26 + [1] * 3 + [0] * 61)
    return y_true, y_pred


# ---------------------------------------------------------------- slow references


def reference_cells(y_true, y_pred, label, sample_weight):
    """(tn, fp, fn, tp) of ``label`` against the rest, by counting sample by sample."""
    weights = [1.0] * len(y_true) if sample_weight is None else list(sample_weight)
    tn = fp = fn = tp = 0.0
    for truth, guess, w in zip(y_true.tolist(), y_pred.tolist(), weights, strict=True):
        if truth == label and guess == label:
            tp += w
        elif truth == label:
            fn += w
        elif guess == label:
            fp += w
        else:
            tn += w
    return tn, fp, fn, tp


def reference_ratio(numerator, denominator, zero_division):
    if denominator == 0:
        return 0.0 if zero_division == "warn" else float(zero_division)
    return numerator / denominator


RATE_PARTS = {
    # name: (numerator, denominator) from (tn, fp, fn, tp)
    "specificity": (lambda c: c[0], lambda c: c[0] + c[1]),
    "npv": (lambda c: c[0], lambda c: c[0] + c[2]),
    "fpr": (lambda c: c[1], lambda c: c[1] + c[0]),
    "fnr": (lambda c: c[2], lambda c: c[2] + c[3]),
}


def reference_rate(name, y_true, y_pred, labels, sample_weight, zero_division, average):
    """The rate ``name`` per label or averaged, computed the obvious way."""
    numerator, denominator = RATE_PARTS[name]
    cells = [reference_cells(y_true, y_pred, k, sample_weight) for k in labels]
    if average == "micro":
        return reference_ratio(
            sum(numerator(c) for c in cells), sum(denominator(c) for c in cells), zero_division
        )
    values = [reference_ratio(numerator(c), denominator(c), zero_division) for c in cells]
    if average is None:
        return values
    supports = [c[2] + c[3] for c in cells]
    # As scikit-learn does with zero_division=np.nan: undefined values leave the average.
    kept = [(v, s) for v, s in zip(values, supports, strict=True) if not math.isnan(v)]
    if not kept:
        return math.nan
    if average == "macro":
        return sum(v for v, _ in kept) / len(kept)
    total = sum(s for _, s in kept)
    return sum(v * s for v, s in kept) / total if total else sum(v for v, _ in kept) / len(kept)


def assert_close(ours, theirs):
    np.testing.assert_allclose(
        np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-12, atol=1e-12
    )


# ---------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None)
@given(data=any_predictions, zero_division=st.sampled_from(ZERO_DIVISIONS))
def test_counts_and_sklearn_rates_equal_sklearn(data, zero_division):
    y_true, y_pred, w = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cm = ConfusionMatrix(y_true, y_pred, sample_weight=w, zero_division=zero_division)
        labels = cm.labels
        np.testing.assert_array_equal(
            cm.matrix, confusion_matrix(y_true, y_pred, labels=labels, sample_weight=w)
        )
        for normalize in ["true", "pred", "all"]:
            assert_close(
                cm.normalize(normalize),
                confusion_matrix(
                    y_true, y_pred, labels=labels, sample_weight=w, normalize=normalize
                ),
            )
        common = dict(labels=labels, sample_weight=w, zero_division=zero_division)
        for average in AVERAGES:
            assert_close(
                cm.precision(average), precision_score(y_true, y_pred, average=average, **common)
            )
            assert_close(
                cm.recall(average), recall_score(y_true, y_pred, average=average, **common)
            )
            assert_close(cm.f1(average), f1_score(y_true, y_pred, average=average, **common))
            assert_close(
                cm.fbeta(2.0, average),
                fbeta_score(y_true, y_pred, beta=2.0, average=average, **common),
            )
        assert cm.accuracy() == pytest.approx(accuracy_score(y_true, y_pred, sample_weight=w))
        assert cm.error_rate() == pytest.approx(1 - accuracy_score(y_true, y_pred, sample_weight=w))
        assert cm.balanced_accuracy() == pytest.approx(
            balanced_accuracy_score(y_true, y_pred, sample_weight=w)
        )
        assert cm.mcc() == pytest.approx(matthews_corrcoef(y_true, y_pred, sample_weight=w))


@settings(max_examples=80, deadline=None)
@given(data=any_predictions, zero_division=st.sampled_from(ZERO_DIVISIONS))
def test_cell_rates_equal_the_slow_reference(data, zero_division):
    y_true, y_pred, w = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cm = ConfusionMatrix(y_true, y_pred, sample_weight=w, zero_division=zero_division)
        for name in RATE_PARTS:
            for average in AVERAGES:
                expected = reference_rate(
                    name, y_true, y_pred, cm.labels, w, zero_division, average
                )
                assert_close(getattr(cm, name)(average), expected)


@settings(max_examples=60, deadline=None)
@given(data=any_predictions)
def test_per_class_frame_equals_sklearn_and_the_reference(data):
    y_true, y_pred, w = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cm = ConfusionMatrix(y_true, y_pred, sample_weight=w)
        frame = cm.per_class()
        precision, recall, f1, support = precision_recall_fscore_support(
            y_true, y_pred, labels=cm.labels, sample_weight=w
        )
    assert list(frame.columns) == [
        "tp", "fp", "fn", "tn", "support",
        "precision", "recall", "specificity", "npv", "fpr", "fnr", "f1",
    ]  # fmt: skip
    assert frame.index.tolist() == cm.labels.tolist()
    assert_close(frame["precision"], precision)
    assert_close(frame["recall"], recall)
    assert_close(frame["f1"], f1)
    assert_close(frame["support"], support)
    for label in cm.labels.tolist():
        tn, fp, fn, tp = reference_cells(y_true, y_pred, label, w)
        assert_close(frame.loc[label, ["tn", "fp", "fn", "tp"]], [tn, fp, fn, tp])


@settings(max_examples=80, deadline=None)
@given(data=st.sampled_from([[0, 1], [0] * 19 + [1], [0, 1, 1, 1]]).flatmap(predictions))
def test_binary_named_cells_and_rates_equal_sklearn(data):
    y_true, y_pred, w = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cm = ConfusionMatrix(y_true, y_pred, sample_weight=w)
        assert cm.positive_label == 1  # the larger of {0, 1}, by default
        tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1], sample_weight=w).ravel()
        assert (cm.tn, cm.fp, cm.fn, cm.tp) == (tn, fp, fn, tp)
        assert (cm.type_i_errors, cm.type_ii_errors) == (fp, fn)
        binary = dict(sample_weight=w, zero_division=0)
        cm0 = ConfusionMatrix(y_true, y_pred, sample_weight=w, zero_division=0)
        assert_close(cm0.precision(), precision_score(y_true, y_pred, **binary))
        assert_close(cm0.recall(), recall_score(y_true, y_pred, **binary))
        assert_close(cm0.f1(), f1_score(y_true, y_pred, **binary))
        # Specificity is the recall of the negative class, NPV its precision.
        assert_close(cm0.specificity(), recall_score(y_true, y_pred, pos_label=0, **binary))
        assert_close(cm0.npv(), precision_score(y_true, y_pred, pos_label=0, **binary))
        if tn + fp:
            assert_close(cm0.fpr(), 1 - cm0.specificity())
        if tp + fn:
            assert_close(cm0.fnr(), 1 - cm0.recall())


@settings(max_examples=60, deadline=None)
@given(data=predictions(["ham", "spam"]), positive=st.sampled_from(["ham", "spam"]))
def test_string_labels_with_positive_label_equal_sklearn_pos_label(data, positive):
    y_true, y_pred, w = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cm = ConfusionMatrix(
            y_true, y_pred, labels=["ham", "spam"], positive_label=positive, sample_weight=w
        )
        kwargs = dict(labels=["ham", "spam"], pos_label=positive, sample_weight=w)
        assert_close(cm.precision(), precision_score(y_true, y_pred, **kwargs))
        assert_close(cm.recall(), recall_score(y_true, y_pred, **kwargs))
        tn, fp, fn, tp = reference_cells(y_true, y_pred, positive, w)
        assert_close([cm.tn, cm.fp, cm.fn, cm.tp], [tn, fp, fn, tp])


@pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")
@settings(max_examples=60, deadline=None)
@given(data=any_predictions)
def test_majority_baseline_equals_a_most_frequent_dummy(data):
    y_true, y_pred, w = data
    cm = ConfusionMatrix(y_true, y_pred, sample_weight=w)
    X = np.zeros((len(y_true), 1))
    dummy = DummyClassifier(strategy="most_frequent").fit(X, y_true, sample_weight=w)
    baseline = cm.majority_baseline()
    assert baseline.label == dummy.predict(X[:1])[0]
    assert baseline.accuracy == pytest.approx(dummy.score(X, y_true, sample_weight=w))


# ---------------------------------------------------------------- zero division


def test_a_class_never_predicted_warns_and_gives_zero_division():
    y_true, y_pred = [0, 1, 1, 0], [0, 0, 0, 0]
    cm = ConfusionMatrix(y_true, y_pred)
    with pytest.warns(UndefinedMetricWarning, match="Precision is ill-defined"):
        assert cm.precision() == 0.0
    assert ConfusionMatrix(y_true, y_pred, zero_division=1).precision() == 1.0
    assert math.isnan(ConfusionMatrix(y_true, y_pred, zero_division=np.nan).precision())


def test_no_negative_samples_warns_for_specificity_like_sklearn():
    cm = ConfusionMatrix([1, 1, 1], [1, 0, 1])
    with pytest.warns(UndefinedMetricWarning, match="Specificity is ill-defined .* no negative"):
        assert cm.specificity() == 0.0
    with pytest.warns(UndefinedMetricWarning, match="Fpr is ill-defined"):
        assert cm.fpr() == 0.0
    quiet = ConfusionMatrix([1, 1, 1], [1, 0, 1], zero_division=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quiet.specificity() == 1.0
        assert quiet.npv() == 0.0  # defined: tn + fn = 1


def test_nan_zero_division_is_left_out_of_macro_average_like_sklearn():
    y_true, y_pred = ["a", "b", "c", "a"], ["a", "a", "a", "a"]
    cm = ConfusionMatrix(y_true, y_pred, zero_division=np.nan)
    expected = precision_score(y_true, y_pred, average="macro", zero_division=np.nan)
    assert cm.precision("macro") == pytest.approx(expected)
    # NPV: 'a' is never "not answered" (tn + fn = 0); for 'b' and 'c', 3 of 4 "not" are right.
    values = cm.npv(average=None)
    assert math.isnan(values[0]) and values[1:].tolist() == [0.75, 0.75]
    assert cm.npv("macro") == 0.75


# ---------------------------------------------------------------- positive label and labels


def test_bool_labels_default_to_true_as_positive():
    cm = ConfusionMatrix([True, False, True], [True, True, True])
    assert cm.positive_label is True
    assert (cm.tn, cm.fp, cm.fn, cm.tp) == (0, 1, 0, 2)


def test_only_zeros_still_give_a_two_by_two_matrix():
    cm = ConfusionMatrix([0, 0, 0], [0, 0, 0])
    assert cm.matrix.shape == (2, 2)
    assert (cm.tn, cm.fp, cm.fn, cm.tp) == (3, 0, 0, 0)


def test_multiclass_positive_label_gives_one_vs_rest_cells():
    y_true, y_pred = [0, 1, 2, 2, 1], [0, 2, 2, 1, 1]
    cm = ConfusionMatrix(y_true, y_pred, positive_label=2)
    assert (cm.tn, cm.fp, cm.fn, cm.tp) == (2, 1, 1, 1)
    assert cm.recall() == pytest.approx(recall_score(y_true, y_pred, labels=[2], average="micro"))


def test_extra_labels_are_kept_in_order():
    cm = ConfusionMatrix(["b", "a"], ["a", "a"], labels=["c", "b", "a"])
    assert cm.labels.tolist() == ["c", "b", "a"]
    np.testing.assert_array_equal(cm.matrix, [[0, 0, 0], [0, 0, 1], [0, 0, 1]])


def test_to_frame_and_array():
    y_true, y_pred = titanic_arrays()
    cm = ConfusionMatrix(y_true, y_pred)
    frame = cm.to_frame()
    assert frame.index.name == "true label" and frame.columns.name == "predicted label"
    assert frame.loc[1, 0] == 26 and frame.loc[0, 1] == 3
    np.testing.assert_array_equal(np.asarray(cm), [[61, 3], [26, 10]])
    assert cm.to_frame("true").loc[0].sum() == pytest.approx(1.0)


def test_from_estimator_uses_the_estimators_predictions():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    cm = ConfusionMatrix.from_estimator(model, X, y, label_names={0: "no", 1: "yes"})
    np.testing.assert_array_equal(cm.matrix, confusion_matrix(y, model.predict(X)))
    assert ConfusionMatrix.from_predictions(y, model.predict(X)).tp == cm.tp


# ---------------------------------------------------------------- the course's examples


def spam_arrays():
    """The course's spam filter: TP 320, FN 43, FP 20, TN 538."""
    y_true = np.array(["spam"] * 363 + ["ham"] * 558)
    y_pred = np.array(["spam"] * 320 + ["ham"] * 43 + ["spam"] * 20 + ["ham"] * 538)
    return y_true, y_pred


def test_spam_table():
    cm = ConfusionMatrix(*spam_arrays(), positive_label="spam")
    assert (cm.tp, cm.fn, cm.fp, cm.tn) == (320, 43, 20, 538)
    assert round(cm.recall(), 3) == 0.882
    assert round(cm.precision(), 3) == 0.941
    assert cm.specificity() == pytest.approx(538 / 558)
    assert cm.accuracy() == pytest.approx(858 / 921)


def zip_code_arrays():
    """The zip-code reader that always predicts 5, on ten of each digit."""
    y_true = np.repeat(np.arange(10), 10)
    return y_true, np.full(100, 5)


def test_zip_code_reader_that_always_says_5():
    y_true, y_pred = zip_code_arrays()
    cm = ConfusionMatrix(y_true, y_pred, positive_label=5, zero_division=0)
    assert cm.recall() == 1.0
    assert cm.precision() == pytest.approx(0.1)
    assert cm.specificity() == 0.0
    text = cm.explain(noun="digits")
    assert "answers '5' for every one of the 100 digits" in text
    assert "recall of 1.00 is meaningless" in text


def test_zip_code_reader_explained_per_class():
    cm = ConfusionMatrix(*zip_code_arrays())
    lines = cm.explain(noun="digits").splitlines()
    assert len(lines) == 12  # one per digit, accuracy, the warning
    assert lines[5].startswith("Of the 10 digits labelled '5', the model found 10 (recall 1.00)")
    assert "(precision 0.10)" in lines[5]
    assert "it never answers '3'" in lines[3]
    assert "10 % accurate" in lines[10] and "does no better" in lines[10]
    assert "answers '5' for every one of the 100 digits" in lines[11]
    assert "meaningless" in lines[11]


def test_titanic_explain_gives_the_course_sentence():
    y_true, y_pred = titanic_arrays()
    cm = ConfusionMatrix(y_true, y_pred, label_names=TITANIC_NAMES)
    assert (cm.tp, cm.fn, cm.fp, cm.tn) == (10, 26, 3, 61)
    text = cm.explain(noun="passengers")
    assert TITANIC_SENTENCE in text
    for part in ["recall 0.28", "precision 0.77", "71 % accurate", "64 % accurate"]:
        assert part in text
    assert "3 type I errors (false positives" in text
    assert "26 type II errors (false negatives" in text
    assert "specificity 0.95" in text
    assert "Beware" not in text


def test_titanic_on_the_course_test_rows(titanic_course):
    _, _, _, y_test = titanic_course
    assert np.bincount(y_test).tolist() == [64, 36]
    # Predictions with the lazy model's cells: 10 survivors found, 3 false alarms.
    y_pred = np.zeros_like(y_test)
    y_pred[np.flatnonzero(y_test == 1)[:10]] = 1
    y_pred[np.flatnonzero(y_test == 0)[:3]] = 1
    cm = ConfusionMatrix(y_test, y_pred, label_names=TITANIC_NAMES)
    assert TITANIC_SENTENCE in cm.explain(noun="passengers")


def test_explain_without_names_quotes_the_labels():
    cm = ConfusionMatrix(*titanic_arrays())
    text = cm.explain()
    assert "Of the 36 samples labelled '1', the model found 10 (recall 0.28)" in text
    assert "of the 13 it labelled '1', 10 were right (precision 0.77)" in text


def test_explain_warns_when_the_model_never_answers_positive():
    y_true = [1] * 4 + [0] * 6
    text = ConfusionMatrix(y_true, [0] * 10, label_names=TITANIC_NAMES).explain("passengers")
    assert "it never answered 'survived', so precision is undefined" in text
    assert "Beware: it never answers 'survived'" in text
    assert "finds none of the 4 passengers who survived" in text


def test_explain_warns_when_the_model_always_answers_positive():
    y_true = [1] * 4 + [0] * 6
    text = ConfusionMatrix(y_true, [1] * 10, label_names=TITANIC_NAMES).explain("passengers")
    assert "answers 'survived' for every one of the 10 passengers" in text
    assert "recall of 1.00 is meaningless" in text


def test_repr_names_the_cells():
    text = repr(ConfusionMatrix(*titanic_arrays(), label_names=TITANIC_NAMES))
    assert "positive label 'survived'" in text
    for cell in ["TN = 61", "FP = 3", "FN = 26", "TP = 10"]:
        assert cell in text
    assert "true survived" in text and "predicted died" in text
    assert str(ConfusionMatrix([0, 1, 2], [0, 1, 1])).splitlines()[1].split() == [
        "predicted", "0", "predicted", "1", "predicted", "2",
    ]  # fmt: skip


def test_aliases_are_the_same_rates():
    cm = ConfusionMatrix(*titanic_arrays())
    assert cm.sensitivity() == cm.tpr() == cm.recall()
    assert cm.ppv() == cm.precision()
    assert cm.tnr() == cm.specificity()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "message"),
    [
        ([0, 1, 1], [0, 1], {}, "y_true has 3 samples but y_pred has 2"),
        ([0, 1, 1], [0, np.nan, 1], {}, r"y_pred contains 1 missing value\(s\).* row\(s\) 1"),
        ([0, None, 1], [0, 1, 1], {}, r"y_true contains 1 missing value"),
        ([], [], {}, r"y_true is empty \(0 samples\)"),
        (
            [0, 1],
            [0.2, 0.9],
            {},
            r"y_pred contains non-integer numbers \(e.g. 0.2\).*model.predict",
        ),
        ([0, 1], [[0.2, 0.8], [0.6, 0.4]], {}, r"shape \(2, 2\).*predict_proba"),
        (["a", "b"], [0, 1], {}, r"y_true holds strings \('a', 'b'\) but y_pred holds numbers"),
        ([0, 1], [0, 1], {"positive_label": 7}, r"positive_label=7 is not one of the labels 0, 1"),
        ([0, 1], [0, 1], {"positive_label": "1"}, r"positive_label='1' is not one of the labels"),
        ([0, 1, 2], [0, 1, 2], {"labels": [0, 1]}, r"labels=\[0, 1\] leaves out 2"),
        ([0, 1], [0, 1], {"labels": [0, 1, 1]}, "labels lists 1 more than once"),
        ([0, 1], [0, 1], {"label_names": {"0": "no"}}, r"label_names has key\(s\) '0'"),
        ([0, 1], [0, 1], {"label_names": ["no"]}, "label_names has 1 names but there are 2"),
        ([0, 1], [0, 1], {"zero_division": "yes"}, "zero_division='yes' is not valid"),
        ([0, 1], [0, 1], {"sample_weight": [1.0]}, r"sample_weight has shape \(1,\)"),
    ],
)
def test_bad_input_is_named_in_the_error(y_true, y_pred, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ConfusionMatrix(y_true, y_pred, **kwargs)


def test_named_cells_on_multiclass_tell_what_to_do():
    cm = ConfusionMatrix([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match=r"tp needs one positive class.*3 classes.*per_class"):
        _ = cm.tp
    with pytest.raises(ValueError, match=r"precision\(average='binary'\).*average='macro'"):
        cm.precision()


def test_named_cells_on_two_string_labels_ask_for_positive_label():
    cm = ConfusionMatrix(["ham", "spam"], ["spam", "spam"])
    with pytest.raises(ValueError, match=r"Pass positive_label='spam' \(or 'ham'\)"):
        _ = cm.fn


def test_bad_average_and_normalize_are_named():
    cm = ConfusionMatrix([0, 1], [0, 1])
    with pytest.raises(ValueError, match="average='mean' is not valid"):
        cm.specificity(average="mean")
    with pytest.raises(ValueError, match="normalize='rows' is not valid"):
        cm.normalize("rows")


def test_from_estimator_without_predict_is_a_type_error():
    with pytest.raises(TypeError, match=r"got list.*from_predictions"):
        ConfusionMatrix.from_estimator([1, 2], [[0]], [0])
