"""glassnet.metrics threshold functions against scikit-learn and brute-force references."""

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning

from glassnet.metrics import (
    average_precision,
    choose_threshold,
    precision_recall_curve,
    roc_auc,
    roc_curve,
    threshold_table,
)

SETTINGS = settings(max_examples=40, deadline=None)

# Scores from a small grid make ties; scores from an interval make none.
TIED_SCORES = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0])
FREE_SCORES = st.floats(-5, 5, allow_nan=False, allow_subnormal=False)


@st.composite
def binary_problems(draw, weighted=None, zero_weights=False):
    """(y_true, scores, sample_weight or None, positive_label, kwargs for positive_label).

    Labels are 0/1 with the default positive label, 0/1 with 0 positive, or strings;
    imbalance comes from the label probability.
    """
    n = draw(st.integers(2, 40))
    share = draw(st.sampled_from([0.05, 0.2, 0.5, 0.8]))
    is_positive = (
        np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)), dtype=float) < share
    )
    scores = np.array(
        draw(
            st.lists(
                st.one_of(TIED_SCORES, FREE_SCORES) if draw(st.booleans()) else TIED_SCORES,
                min_size=n,
                max_size=n,
            )
        )
    )
    kind = draw(st.sampled_from(["default", "zero_positive", "strings"]))
    if kind == "default":
        y, positive, kwargs = is_positive.astype(int), 1, {}
    elif kind == "zero_positive":
        y, positive, kwargs = (~is_positive).astype(int), 0, {"positive_label": 0}
    else:
        y = np.where(is_positive, "spam", "ham")
        positive, kwargs = "spam", {"positive_label": "spam"}
    if weighted is None:
        weighted = draw(st.booleans())
    weight = None
    if weighted:
        # Whole-number weights keep every sum exact, so ties are ties in both references.
        low = 0 if zero_weights else 1
        weight = np.array(draw(st.lists(st.integers(low, 4), min_size=n, max_size=n)), float)
        assume(weight.sum() > 0)
    return y, scores, weight, positive, kwargs


def _both_classes(y, weight, positive):
    pos = y == positive
    w = np.ones(len(y)) if weight is None else weight
    return w[pos].sum() > 0 and w[~pos].sum() > 0


# ------------------------------------------------------------- curves vs scikit-learn


@SETTINGS
@given(binary_problems(), st.booleans())
def test_roc_curve_equals_sklearn(problem, drop_intermediate):
    y, s, w, positive, kwargs = problem
    assume(_both_classes(y, w, positive))
    ours = roc_curve(y, s, sample_weight=w, drop_intermediate=drop_intermediate, **kwargs)
    fpr, tpr, thresholds = skm.roc_curve(
        y, s, pos_label=positive, sample_weight=w, drop_intermediate=drop_intermediate
    )
    np.testing.assert_array_equal(ours.fpr, fpr)
    np.testing.assert_array_equal(ours.tpr, tpr)
    np.testing.assert_array_equal(ours.thresholds, thresholds)
    assert ours.auc == skm.auc(fpr, tpr)
    assert ours.positive_label == positive


@SETTINGS
@given(binary_problems())
def test_binary_roc_auc_equals_sklearn(problem):
    y, s, w, positive, kwargs = problem
    assume(_both_classes(y, w, positive))
    expected = skm.roc_auc_score(y == positive, s, sample_weight=w)
    assert roc_auc(y, s, sample_weight=w, **kwargs) == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(binary_problems(), st.booleans())
def test_precision_recall_curve_and_ap_equal_sklearn(problem, drop_intermediate):
    y, s, w, positive, kwargs = problem
    assume(_both_classes(y, w, positive))
    ours = precision_recall_curve(
        y, s, sample_weight=w, drop_intermediate=drop_intermediate, **kwargs
    )
    precision, recall, thresholds = skm.precision_recall_curve(
        y, s, pos_label=positive, sample_weight=w, drop_intermediate=drop_intermediate
    )
    np.testing.assert_array_equal(ours.precision, precision)
    np.testing.assert_array_equal(ours.recall, recall)
    np.testing.assert_array_equal(ours.thresholds, thresholds)
    expected_ap = skm.average_precision_score(y, s, pos_label=positive, sample_weight=w)
    assert ours.average_precision == pytest.approx(expected_ap, abs=1e-12)
    assert average_precision(y, s, sample_weight=w, **kwargs) == pytest.approx(expected_ap)
    weights = np.ones(len(y)) if w is None else w
    assert ours.prevalence == pytest.approx(weights[y == positive].sum() / weights.sum())


@st.composite
def multiclass_problems(draw):
    n_classes = draw(st.integers(3, 4))
    n = draw(st.integers(n_classes, 30))
    # Every class appears at least once, then random labels.
    extra = draw(st.lists(st.integers(0, n_classes - 1), min_size=n - n_classes, max_size=n))
    y = np.array(list(range(n_classes)) + extra[: n - n_classes])
    raw = np.array(
        draw(
            st.lists(
                st.sampled_from([0.1, 0.2, 0.5, 1.0, 2.0, 3.0]),
                min_size=n * n_classes,
                max_size=n * n_classes,
            )
        )
    ).reshape(n, n_classes)
    return y, raw / raw.sum(axis=1, keepdims=True)


@SETTINGS
@given(
    multiclass_problems(),
    st.sampled_from(["ovr", "ovo"]),
    st.sampled_from(["macro", "weighted"]),
    st.booleans(),
)
def test_multiclass_roc_auc_equals_sklearn(problem, multi_class, average, string_labels):
    y, proba = problem
    if string_labels:
        y = np.array(["ant", "bee", "cat", "dog"])[y]
    expected = skm.roc_auc_score(y, proba, multi_class=multi_class, average=average)
    ours = roc_auc(y, proba, multi_class=multi_class, average=average)
    assert ours == pytest.approx(expected, abs=1e-12)


def test_multiclass_roc_auc_with_labels_and_per_class_areas():
    y = np.array(["b", "a", "c", "a", "b", "c", "c"])
    proba = np.array(
        [
            [0.2, 0.7, 0.1],
            [0.6, 0.3, 0.1],
            [0.1, 0.1, 0.8],
            [0.5, 0.4, 0.1],
            [0.3, 0.4, 0.3],
            [0.2, 0.2, 0.6],
            [0.4, 0.3, 0.3],
        ]
    )
    per_class = roc_auc(y, proba, multi_class="ovr", average=None, labels=["a", "b", "c"])
    expected = skm.roc_auc_score(y, proba, multi_class="ovr", average=None, labels=["a", "b", "c"])
    np.testing.assert_allclose(per_class, expected)
    assert per_class.shape == (3,)


# ------------------------------------------------------------- threshold table


def brute_force_table(y, s, w, positive, thresholds):
    """One row per threshold, every count by a full pass over the samples."""
    w = np.ones(len(y)) if w is None else w
    pos = y == positive
    rows = []
    for t in thresholds:
        pred = s >= t
        tp, fp = w[pred & pos].sum(), w[pred & ~pos].sum()
        fn, tn = w[~pred & pos].sum(), w[~pred & ~pos].sum()

        def div(a, b):
            return a / b if b else np.nan

        rows.append(
            {
                "threshold": t,
                "tp": tp,
                "fp": fp,
                "tn": tn,
                "fn": fn,
                "tpr": div(tp, tp + fn),
                "fpr": div(fp, fp + tn),
                "precision": div(tp, tp + fp),
                "specificity": div(tn, tn + fp),
                "accuracy": (tp + tn) / w.sum(),
                "f1": div(2 * tp, 2 * tp + fp + fn),
            }
        )
    return pd.DataFrame(rows)


def _assert_tables_equal(ours, expected):
    assert list(ours.columns) == list(expected.columns)
    assert len(ours) == len(expected)
    for column in expected.columns:
        np.testing.assert_allclose(
            ours[column].to_numpy(float),
            expected[column].to_numpy(float),
            rtol=1e-12,
            atol=1e-12,
            err_msg=column,
        )


@SETTINGS
@given(binary_problems(zero_weights=True))
def test_threshold_table_at_every_score_equals_brute_force(problem):
    y, s, w, positive, kwargs = problem
    ours = threshold_table(y, s, sample_weight=w, zero_division=np.nan, **kwargs)
    # Every distinct score of a sample with weight, largest first.
    kept = s if w is None else s[w > 0]
    expected = brute_force_table(y, s, w, positive, np.unique(kept)[::-1])
    _assert_tables_equal(ours, expected)


@SETTINGS
@given(binary_problems(zero_weights=True))
def test_threshold_table_at_every_score_equals_sklearn_counts(problem):
    y, s, w, positive, kwargs = problem
    ours = threshold_table(y, s, sample_weight=w, zero_division=np.nan, **kwargs)
    tns, fps, fns, tps, thresholds = skm.confusion_matrix_at_thresholds(
        y == positive, s, sample_weight=w
    )
    np.testing.assert_array_equal(ours["threshold"], thresholds)
    for name, counts in {"tn": tns, "fp": fps, "fn": fns, "tp": tps}.items():
        np.testing.assert_allclose(ours[name], counts, rtol=1e-12, err_msg=name)


@SETTINGS
@given(
    binary_problems(zero_weights=True),
    st.lists(
        st.one_of(TIED_SCORES, FREE_SCORES, st.just(np.inf), st.just(-np.inf)),
        min_size=1,
        max_size=8,
    ),
)
def test_threshold_table_at_given_thresholds_equals_brute_force(problem, thresholds):
    y, s, w, positive, kwargs = problem
    ours = threshold_table(y, s, thresholds, sample_weight=w, zero_division=np.nan, **kwargs)
    _assert_tables_equal(ours, brute_force_table(y, s, w, positive, thresholds))


def test_threshold_table_counts_are_integers_without_weights_and_floats_with():
    y, s = [0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6]
    assert threshold_table(y, s)["tp"].dtype.kind == "i"
    assert threshold_table(y, s, sample_weight=[1, 2, 1, 1])["tp"].dtype.kind == "f"


def test_threshold_table_keeps_the_given_order_and_accepts_a_scalar():
    y, s = [0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6]
    table = threshold_table(y, s, [0.5, 0.1, 0.95], zero_division=0.0)
    assert table["threshold"].tolist() == [0.5, 0.1, 0.95]
    assert table["tp"].tolist() == [1, 2, 0]
    assert threshold_table(y, s, 0.5)["tp"].tolist() == [1]


# The course's table: ten passengers, their scores and classes, at thresholds 0.5 and 0.8.
# One score is exactly 0.8: "predict positive when score >= threshold" counts it positive.
COURSE_SCORES = [0.95, 0.85, 0.80, 0.66, 0.60, 0.55, 0.42, 0.35, 0.20, 0.10]
COURSE_CLASSES = [1, 1, 0, 1, 0, 1, 0, 1, 0, 0]


def test_course_table_at_two_thresholds():
    table = threshold_table(COURSE_CLASSES, COURSE_SCORES, [0.5, 0.8])
    at_05, at_08 = table.iloc[0], table.iloc[1]
    # 0.5: the six highest are predicted positive: classes 1 1 0 1 0 1 | 0 1 0 0.
    assert (at_05.tp, at_05.fp, at_05.tn, at_05.fn) == (4, 2, 3, 1)
    # 0.8: the three highest (0.95, 0.85, and 0.80 itself): 1 1 0 | 1 0 1 0 1 0 0.
    assert (at_08.tp, at_08.fp, at_08.tn, at_08.fn) == (2, 1, 4, 3)
    assert table["tpr"].tolist() == [0.8, 0.4]
    assert table["fpr"].tolist() == [0.4, 0.2]
    assert table["precision"].tolist() == pytest.approx([4 / 6, 2 / 3])
    assert table["specificity"].tolist() == [0.6, 0.8]
    assert table["accuracy"].tolist() == [0.7, 0.6]
    assert table["f1"].tolist() == pytest.approx([8 / 11, 4 / 8])


def test_undefined_precision_warns_and_zero_division_chooses_the_value():
    y, s = [0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6]
    with pytest.warns(UndefinedMetricWarning, match=r"precision is 0/0 at 1 of 2 thresholds"):
        table = threshold_table(y, s, [0.5, 0.95])
    assert table["precision"].tolist() == [0.5, 0.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert threshold_table(y, s, [0.95], zero_division=1.0)["precision"].tolist() == [1.0]
        assert np.isnan(threshold_table(y, s, [0.95], zero_division=np.nan)["precision"][0])


def test_one_class_table_warns_about_the_rates_it_cannot_define():
    with pytest.warns(UndefinedMetricWarning) as record:
        table = threshold_table([1, 1, 1], [0.2, 0.5, 0.9], [0.5])
    assert sorted(str(w.message).split(" is 0/0")[0] for w in record) == ["fpr", "specificity"]
    assert "at 1 of 1 thresholds (no negative samples)" in str(record[0].message)
    assert table[["tp", "fn", "fp", "tn"]].iloc[0].tolist() == [2, 1, 0, 0]
    # A batch without positives, with string labels: the absent class may be named.
    table = threshold_table(
        ["ham"] * 3, [0.2, 0.5, 0.9], [0.5], positive_label="spam", zero_division=np.nan
    )
    assert table[["tp", "fn", "fp", "tn"]].iloc[0].tolist() == [0, 0, 2, 1]
    assert np.isnan(table["tpr"][0])


def test_require_probabilities_accepts_probabilities():
    table = threshold_table([0, 1], [0.0, 1.0], [0.5], require_probabilities=True)
    assert table["tp"].tolist() == [1]


# ------------------------------------------------------------- choose_threshold


def brute_force_choice(y, s, w, positive, by):
    """(threshold, value) by scanning the distinct scores from the largest down."""
    w = np.ones(len(y)) if w is None else w
    pos = y == positive
    candidates = np.unique(s[w > 0])[::-1]
    stats = []
    for t in candidates:
        pred = s >= t
        tp, fp = w[pred & pos].sum(), w[pred & ~pos].sum()
        fn, tn = w[~pred & pos].sum(), w[~pred & ~pos].sum()
        j = Fraction(int(tp), int(tp + fn)) - Fraction(int(fp), int(fp + tn))
        stats.append(
            {
                "t": t,
                "j": j,
                "tpr": tp / (tp + fn),
                "fpr": fp / (fp + tn),
                "precision": tp / (tp + fp),
                "f1": 2 * tp / (2 * tp + fp + fn),
            }
        )
    if by == "youden":
        # Exact fractions (the weights are whole numbers), so ties are real ties;
        # max keeps the first of them, the largest threshold.
        best = max(stats, key=lambda r: r["j"])
        return best["t"], float(best["j"])
    if by == "f1":
        best = max(stats, key=lambda r: r["f1"])
        return best["t"], best["f1"]
    name, target = by
    key = "tpr" if name == "recall" else "precision"
    meets = [r for r in stats if r[key] >= target]
    if not meets:
        return None, max(r[key] for r in stats)
    # Largest threshold for recall (first in this order), smallest for precision (last).
    chosen = meets[0] if name == "recall" else meets[-1]
    return chosen["t"], chosen[key]


CRITERIA = st.one_of(
    st.sampled_from(["youden", "f1"]),
    st.tuples(st.sampled_from(["recall", "precision"]), st.sampled_from([0.3, 0.5, 0.8, 0.9, 1.0])),
)


@SETTINGS
@given(binary_problems(), CRITERIA)
def test_choose_threshold_equals_brute_force(problem, by):
    y, s, w, positive, kwargs = problem
    assume(_both_classes(y, w, positive))
    threshold, value = brute_force_choice(y, s, w, positive, by)
    if threshold is None:
        with pytest.raises(ValueError, match=rf"no threshold reaches {by[0]} >= .*best"):
            choose_threshold(y, s, by=by, sample_weight=w, **kwargs)
        return
    choice = choose_threshold(y, s, by=by, sample_weight=w, **kwargs)
    assert choice.threshold == threshold
    assert choice.value == pytest.approx(value, abs=1e-12)
    # The confusion matrix is that of "score >= threshold", with the original labels.
    weights = np.ones(len(y)) if w is None else w
    pred, pos = s >= threshold, y == positive
    cm = choice.confusion_matrix
    assert cm.tp == pytest.approx(weights[pred & pos].sum())
    assert cm.fp == pytest.approx(weights[pred & ~pos].sum())
    assert cm.fn == pytest.approx(weights[~pred & pos].sum())
    assert cm.tn == pytest.approx(weights[~pred & ~pos].sum())


def test_choose_threshold_on_the_course_example():
    youden = choose_threshold(COURSE_CLASSES, COURSE_SCORES)
    # J = TPR - FPR is 0.4 at 0.85, 0.66, 0.55 and 0.35 (0.4 - 0, 0.6 - 0.2, ...);
    # the tie goes to the largest threshold.
    assert (youden.threshold, youden.value) == (0.85, pytest.approx(0.4))
    assert youden.criterion == "youden"
    recall = choose_threshold(COURSE_CLASSES, COURSE_SCORES, by=("recall", 0.8))
    assert (recall.threshold, recall.tpr) == (0.55, 0.8)
    assert recall.criterion == "recall >= 0.8"
    # Precision is not monotone: 1, 1, 2/3, 3/4, 0.6, ... from 0.95 down, so the smallest
    # threshold with precision >= 0.7 is 0.66, below one (0.80) that misses it.
    precision = choose_threshold(COURSE_CLASSES, COURSE_SCORES, by=("precision", 0.7))
    assert (precision.threshold, precision.precision) == (0.66, 0.75)


# ------------------------------------------------------------- bad input


def test_length_mismatch_names_both_lengths():
    with pytest.raises(ValueError, match=r"y_true has 3 samples but scores has 2"):
        roc_curve([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"y_true has 3 samples but sample_weight has 4"):
        threshold_table([0, 1, 1], [0.1, 0.2, 0.3], sample_weight=[1, 1, 1, 1])


@pytest.mark.parametrize(
    ("y", "kwargs", "message"),
    [
        ([0, 0, 0], {}, r"only class 0 \(positive_label=1\), so there are no positive .*both"),
        ([1, 1], {}, r"only class 1 \(positive_label=1\), so there are no negative .*both"),
        (["a", "a"], {"positive_label": "a"}, r"only class 'a'.*no negative samples.*both"),
    ],
)
def test_roc_needs_both_classes(y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        roc_curve(y, np.linspace(0, 1, len(y)), **kwargs)
    with pytest.raises(ValueError, match=message):
        roc_auc(y, np.linspace(0, 1, len(y)), **kwargs)
    with pytest.raises(ValueError, match=message):
        choose_threshold(y, np.linspace(0, 1, len(y)), **kwargs)


def test_a_class_weighing_nothing_counts_as_missing():
    with pytest.raises(ValueError, match=r"every negative sample has sample_weight 0"):
        roc_curve([0, 1, 1], [0.1, 0.2, 0.3], sample_weight=[0, 1, 1])


def test_precision_recall_needs_positives():
    with pytest.raises(ValueError, match=r"only class 0 .*precision and recall need positive"):
        average_precision([0, 0], [0.1, 0.2])


def test_non_finite_scores_name_count_and_rows():
    scores = [0.1, np.nan, 0.3, np.inf, 0.5]
    with pytest.raises(ValueError, match=r"scores contains 2 non-finite .* at rows 1, 3;"):
        threshold_table([0, 1, 0, 1, 0], scores)


def test_unknown_positive_label_names_it_and_the_labels():
    with pytest.raises(
        ValueError,
        match=r"positive_label='maybe' is not a label of y_true; "
        r"the labels are 'no', 'yes'",
    ):
        roc_curve(["no", "yes"], [0.1, 0.9], positive_label="maybe")
    with pytest.raises(ValueError, match=r"positive_label=2 is not a label.*0, 1"):
        threshold_table([0, 1], [0.1, 0.9], positive_label=2)


def test_string_labels_need_a_positive_label():
    with pytest.raises(ValueError, match=r"labels 'no', 'yes'; say which one is positive"):
        precision_recall_curve(["no", "yes"], [0.1, 0.9])


def test_scores_outside_0_1_when_probabilities_are_required():
    with pytest.raises(
        ValueError,
        match=r"scores range from -0.5 to 2; 2 of them are outside \[0, 1\] "
        r"\(rows 0, 2\)",
    ):
        threshold_table([0, 1, 1], [-0.5, 0.5, 2.0], require_probabilities=True)
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        choose_threshold([0, 1, 1], [-0.5, 0.5, 2.0], require_probabilities=True)
    # Without the flag, decision values are fine.
    assert threshold_table([0, 1, 1], [-0.5, 0.5, 2.0])["tp"].tolist() == [1, 2, 2]


def test_two_dimensional_scores_for_a_binary_metric():
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*predict_proba\(X\)\[:, 1\]"):
        roc_curve([0, 1], [[0.9, 0.1], [0.2, 0.8]])


def test_more_than_two_classes_for_a_binary_metric():
    with pytest.raises(ValueError, match=r"y_true has 3 classes \(0, 1, 2\).*y_true == label"):
        threshold_table([0, 1, 2], [0.1, 0.5, 0.9])


def test_multiclass_auc_errors():
    y = [0, 1, 2, 1]
    proba = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.3, 0.4, 0.3]])
    with pytest.raises(ValueError, match=r"3 classes; say how .*multi_class='ovr'"):
        roc_auc(y, proba)
    with pytest.raises(ValueError, match=r"3 classes but scores is 1-D"):
        roc_auc(y, proba[:, 0], multi_class="ovr")
    with pytest.raises(ValueError, match=r"y_true has 3 classes but scores has 2 columns"):
        roc_auc(y, proba[:, :2], multi_class="ovr")
    bad = proba.copy()
    bad[2] = [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match=r"1 rows are not \(rows 2; row 2 sums to 1.5\)"):
        roc_auc(y, bad, multi_class="ovo")
    with pytest.raises(ValueError, match=r"positive_label=1 applies to binary"):
        roc_auc(y, proba, multi_class="ovr", positive_label=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sample_weight": [1, -1, 1]}, r"sample_weight has 1 negative value\(s\) at rows 1"),
        ({"sample_weight": [0, 0, 0]}, r"every sample_weight is 0"),
        ({"sample_weight": [1, np.nan, 1]}, r"sample_weight contains 1 non-finite"),
        ({"thresholds": [0.5, np.nan]}, r"thresholds contains NaN at positions 1"),
        ({"thresholds": ["a"]}, r"thresholds must be None or a number"),
        ({"zero_division": 2}, r"zero_division must be 'warn', 0.0, 1.0 or np.nan; received 2"),
    ],
)
def test_threshold_table_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        threshold_table([0, 1, 1], [0.1, 0.5, 0.9], **kwargs)


def test_choose_threshold_reports_the_best_reached():
    y, s = [1, 0, 0, 1], [0.1, 0.9, 0.8, 0.2]
    with pytest.raises(
        ValueError,
        match=r"no threshold reaches precision >= 0.9; the best precision reached is 0.5, "
        r"at threshold 0.1",
    ):
        choose_threshold(y, s, by=("precision", 0.9))


@pytest.mark.parametrize("by", ["accuracy", ("recall", 1.5), ("precision",), ("f1", 0.5)])
def test_choose_threshold_rejects_unknown_criteria(by):
    with pytest.raises(ValueError, match=r"by must be|target must be between 0 and 1"):
        choose_threshold([0, 1], [0.1, 0.9], by=by)


def test_empty_input():
    with pytest.raises(ValueError, match=r"y_true is empty"):
        threshold_table([], [])


def test_youden_ties_are_not_broken_by_rounding():
    # Going down the scores: J = 1/2 - 2/10 = 0.3 after the first positive and
    # 2/2 - 7/10 = 0.3 after the second, the highest J; in floating point the second is
    # 0.30000000000000004, which must not win the tie against the larger threshold.
    y = [0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]
    scores = np.linspace(1.0, 0.0, 12)
    choice = choose_threshold(y, scores, by="youden")
    assert choice.threshold == scores[2]
    assert choice.value == pytest.approx(0.3)
