"""classification_report: scikit-learn's numbers, plus specificity and the baseline."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import classification_report as sklearn_report

from glassnet.metrics import classification_report

ADDED = ("specificity", "majority baseline")
TITANIC = (np.array([1] * 36 + [0] * 64), np.array([1] * 10 + [0] * 26 + [1] * 3 + [0] * 61))


@st.composite
def predictions(draw):
    """(y_true, y_pred, sample_weight or None), binary, multiclass or strings, maybe skewed."""
    pool = draw(
        st.sampled_from([[0, 1], [0, 1, 2, 3], ["cat", "dog", "fox"], [0] * 12 + [1] * 3 + [2]])
    )
    n = draw(st.integers(1, 40))
    labels = st.lists(st.sampled_from(pool), min_size=n, max_size=n)
    y_true, y_pred = np.array(draw(labels)), np.array(draw(labels))
    weights = st.none() | st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n).map(np.array)
    return y_true, y_pred, draw(weights)


def reference_specificity(y_true, y_pred, label, sample_weight, zero_division):
    """tn / (tn + fp) of ``label`` against the rest, counting sample by sample."""
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    negatives = [w for t, w in zip(y_true, weights, strict=True) if t != label]
    tn = sum(w for t, p, w in zip(y_true, y_pred, weights, strict=True) if t != label != p)
    if not negatives:
        return 0.0 if zero_division == "warn" else float(zero_division)
    return tn / sum(negatives)


def without_added(report):
    """Our report with the added keys removed: what scikit-learn's should equal."""
    out = {}
    for key, value in report.items():
        if key in ADDED:
            continue
        out[key] = (
            {k: v for k, v in value.items() if k not in ADDED} if isinstance(value, dict) else value
        )
    return out


def assert_same_numbers(ours, theirs):
    assert ours.keys() == theirs.keys()
    for key in ours:
        if isinstance(ours[key], dict):
            assert ours[key].keys() == theirs[key].keys()
            for k in ours[key]:
                assert ours[key][k] == pytest.approx(theirs[key][k], nan_ok=True), (key, k)
        else:
            assert ours[key] == pytest.approx(theirs[key], nan_ok=True), key


@settings(max_examples=80, deadline=None)
@given(data=predictions(), zero_division=st.sampled_from(["warn", 0, 1, np.nan]))
def test_dict_equals_sklearn_plus_specificity_and_baseline(data, zero_division):
    y_true, y_pred, w = data
    kwargs = dict(sample_weight=w, zero_division=zero_division)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = classification_report(y_true, y_pred, output="dict", **kwargs)
        theirs = sklearn_report(y_true, y_pred, output_dict=True, **kwargs)
    assert_same_numbers(without_added(ours), theirs)

    labels = np.unique(np.concatenate([y_true, y_pred]))
    values = []
    for label in labels:
        expected = reference_specificity(y_true, y_pred, label, w, zero_division)
        assert ours[str(label)]["specificity"] == pytest.approx(expected, nan_ok=True)
        values.append(expected)
        assert list(ours[str(label)]) == [
            "precision",
            "recall",
            "f1-score",
            "specificity",
            "support",
        ]
    kept = [(v, ours[str(k)]["support"]) for k, v in zip(labels, values, strict=True)]
    kept = [(v, s) for v, s in kept if not math.isnan(v)]
    if kept:
        macro = sum(v for v, _ in kept) / len(kept)
        total = sum(s for _, s in kept)
        # As scikit-learn's averages do: when every kept weight is zero, ignore weights.
        weighted = sum(v * s for v, s in kept) / total if total else macro
        assert ours["macro avg"]["specificity"] == pytest.approx(macro)
        assert ours["weighted avg"]["specificity"] == pytest.approx(weighted)

    X = np.zeros((len(y_true), 1))
    dummy = DummyClassifier(strategy="most_frequent").fit(X, y_true, sample_weight=w)
    assert ours["majority baseline"] == {
        "class": str(dummy.predict(X[:1])[0]),
        "accuracy": pytest.approx(dummy.score(X, y_true, sample_weight=w)),
    }


def test_a_subset_of_labels_gives_micro_avg_specificity():
    y_true, y_pred = [0, 1, 2, 2, 1, 0], [0, 2, 2, 1, 1, 1]
    report = classification_report(y_true, y_pred, labels=[1, 2], output="dict")
    assert "micro avg" in report and "accuracy" not in report
    # Label 1 against the rest counts the label-0 samples too: tn = 2 of 4 negatives.
    assert report["1"]["specificity"] == pytest.approx(2 / 4)
    assert report["2"]["specificity"] == pytest.approx(3 / 4)
    assert report["micro avg"]["specificity"] == pytest.approx((2 + 3) / (4 + 4))


def test_text_has_sklearns_numbers_then_specificity_and_the_baseline_line():
    y_true, y_pred = TITANIC
    names = ["died", "survived"]
    text = classification_report(y_true, y_pred, target_names=names)
    theirs = sklearn_report(y_true, y_pred, target_names=names)
    lines, their_lines = text.splitlines(), theirs.splitlines()
    # Names and the precision, recall and f1-score columns sit where scikit-learn puts them.
    for ours, their in zip(lines[2:8], their_lines[2:8], strict=True):
        assert ours[:43] == their[:43]
    assert lines[0].split() == ["precision", "recall", "f1-score", "specificity", "support"]
    assert lines[2].split() == ["died", "0.70", "0.95", "0.81", "0.28", "64"]
    assert lines[3].split() == ["survived", "0.77", "0.28", "0.41", "0.95", "36"]
    assert lines[5].split() == ["accuracy", "0.71", "100"]
    assert lines[-1] == "majority baseline accuracy: 0.64 (always answering 'died')"


def test_digits_sets_the_decimals_of_the_text():
    text = classification_report(*TITANIC, digits=4)
    assert "0.9531" in text and "majority baseline accuracy: 0.6400" in text


def test_frame_has_one_row_per_class_and_average_then_the_baseline():
    frame = classification_report(*TITANIC, target_names=["died", "survived"], output="frame")
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.tolist() == [
        "died", "survived", "accuracy", "macro avg", "weighted avg", "majority baseline",
    ]  # fmt: skip
    assert frame.columns.tolist() == ["precision", "recall", "f1-score", "specificity", "support"]
    assert frame.loc["survived", "recall"] == pytest.approx(10 / 36)
    assert frame.loc["died", "specificity"] == pytest.approx(10 / 36)
    assert frame.loc["accuracy", "f1-score"] == pytest.approx(0.71)
    assert math.isnan(frame.loc["accuracy", "precision"])
    assert frame.loc["majority baseline", "f1-score"] == pytest.approx(0.64)
    assert frame.attrs["majority_class"] == "died"


def test_specificity_zero_division_warns_like_sklearn():
    with pytest.warns(UndefinedMetricWarning, match="Specificity is ill-defined"):
        report = classification_report([1, 1], [1, 1], labels=[1], output="dict")
    assert report["1"]["specificity"] == 0.0
    report = classification_report([1, 1], [1, 1], labels=[1], output="dict", zero_division=1)
    assert report["1"]["specificity"] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output": "html"}, "output='html' is not valid"),
        ({"digits": -1}, "digits=-1 is not valid"),
        ({"zero_division": "no"}, "zero_division='no' is not valid"),
    ],
)
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        classification_report([0, 1], [0, 1], **kwargs)


def test_bad_labels_get_the_confusion_matrix_errors():
    with pytest.raises(ValueError, match="y_true has 2 samples but y_pred has 3"):
        classification_report([0, 1], [0, 1, 1])
