"""Metrics against sklearn.metrics, the stratified public/private draw, the Ladder's rule."""

import numpy as np
import pytest
from sklearn import metrics as skm

from glassnet.compete.scoring import (
    METRICS,
    get_metric,
    ladder_metrics,
    ladder_releases,
    stratified_public_mask,
)

rng = np.random.default_rng(0)
Y = rng.choice(["0", "1"], size=300, p=[0.6, 0.4]).astype(object)
P = np.clip(rng.normal(0.4 + 0.2 * (Y == "1"), 0.2), 0, 1)
LABELS = np.where(P > 0.5, "1", "0").astype(object)


def test_metrics_agree_with_sklearn_and_know_their_direction():
    truth = (Y == "1").astype(int)
    assert get_metric("accuracy").score(Y, LABELS, "1") == skm.accuracy_score(Y, LABELS)
    assert get_metric("f1").score(Y, LABELS, "1") == skm.f1_score(Y, LABELS, pos_label="1")
    assert get_metric("balanced_accuracy").score(Y, LABELS, "1") == pytest.approx(
        skm.balanced_accuracy_score(Y, LABELS)
    )
    assert get_metric("roc_auc").score(Y, P, "1") == pytest.approx(skm.roc_auc_score(truth, P))
    assert get_metric("log_loss").score(Y, P, "1") == pytest.approx(skm.log_loss(truth, P))
    directions = {name: m.greater_is_better for name, m in METRICS.items()}
    assert directions == {
        "accuracy": True,
        "f1": True,
        "balanced_accuracy": True,
        "roc_auc": True,
        "log_loss": False,
    }
    assert {m.wants for m in METRICS.values()} == {"labels", "probabilities"}


def test_unknown_metric_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown metric 'auc'; choose one of accuracy, f1"):
        get_metric("auc")


def test_public_draw_is_stratified_and_seeded():
    mask = stratified_public_mask(Y, 0.3, seed=1)
    for label in ("0", "1"):
        rows = Y == label
        assert mask[rows].mean() == pytest.approx(0.3, abs=0.01)
    assert np.array_equal(mask, stratified_public_mask(Y, 0.3, seed=1))
    assert not np.array_equal(mask, stratified_public_mask(Y, 0.3, seed=2))
    with pytest.raises(ValueError, match=r"between 0 and 1; received 1\.5"):
        stratified_public_mask(Y, 1.5, seed=0)


def test_ladder_losses_average_to_the_score():
    for name, score in [
        ("accuracy", 1 - skm.accuracy_score(Y, LABELS)),
        ("balanced_accuracy", 1 - skm.balanced_accuracy_score(Y, LABELS)),
    ]:
        assert float(np.mean(get_metric(name).losses(Y, LABELS, "1"))) == pytest.approx(score)
    losses = get_metric("log_loss").losses(Y, P, "1")
    assert float(np.mean(losses)) == pytest.approx(skm.log_loss(Y == "1", P))
    assert ladder_metrics() == ["accuracy", "balanced_accuracy", "log_loss"]


def float_ladder(metric, y, new, best):
    """The paper's rule as floats: mean loss down by more than s / sqrt(n); and the gap."""
    d = np.array([float(v) for v in metric.losses(y, new, "1")])
    d -= np.array([float(v) for v in metric.losses(y, best, "1")])
    gap = -d.mean() - d.std(ddof=1) / np.sqrt(len(d))
    return gap > 0, gap


def probes(metric, best, rng):
    """Submissions that each change one row of `best` (the row's label, or probability)."""
    for row in range(len(best)):
        probe = best.copy()
        if metric.wants == "labels":
            probe[row] = "1" if probe[row] == "0" else "0"
        else:
            probe[row] = rng.uniform()
        yield probe


@pytest.mark.parametrize("name", ["accuracy", "balanced_accuracy", "log_loss"])
def test_a_one_row_change_is_never_released(name):
    # A student flips one public row at a time (125 of them, the Titanic's public part)
    # against a poor first submission: a release would tell them the row's label.
    metric, y = get_metric(name), Y[:125]
    best = LABELS[:125].copy() if metric.wants == "labels" else P[:125].copy()
    rng = np.random.default_rng(1)
    released = [ladder_releases(metric, y, p, best, "1") for p in probes(metric, best, rng)]
    assert not any(released)
    if name == "accuracy":  # the float comparison of the same rule released most of them
        right_flips = [p for p in probes(metric, best, rng) if (p != y).sum() < (best != y).sum()]
        assert sum(float_ladder(metric, y, p, best)[0] for p in right_flips) > len(right_flips) / 2


@pytest.mark.parametrize("name", ["accuracy", "balanced_accuracy", "log_loss"])
def test_the_exact_rule_is_the_papers_away_from_ties(name):
    metric, rng = get_metric(name), np.random.default_rng(2)
    truth = Y[:125]
    best = LABELS[:125] if metric.wants == "labels" else P[:125]
    checked = 0
    for k in [2, 3, 5, 8, 13, 21, 34]:
        for _ in range(20):
            new = best.copy()
            rows = rng.choice(len(new), size=k, replace=False)
            if metric.wants == "labels":
                new[rows] = np.where(new[rows] == "1", "0", "1")  # some right, some wrong
            else:
                new[rows] = np.clip((truth[rows] == "1") + rng.normal(0, 0.3, k), 0, 1)
            expected, gap = float_ladder(metric, truth, new, best)
            if abs(gap) > 1e-9:
                checked += 1
                assert ladder_releases(metric, truth, new, best, "1") == expected
    assert checked > 100


def test_two_rows_made_right_are_released():
    accuracy = get_metric("accuracy")
    wrong = np.flatnonzero(LABELS != Y)[:2]
    better = LABELS.copy()
    better[wrong] = Y[wrong]
    assert ladder_releases(accuracy, Y, better, LABELS, "1")
    assert not ladder_releases(accuracy, Y, LABELS, better, "1")  # worse: never
    assert not ladder_releases(accuracy, Y, LABELS, LABELS, "1")  # the same: never


def test_metrics_that_are_no_mean_of_row_losses_cannot_be_laddered():
    with pytest.raises(ValueError, match=r"mean of per-row losses \(accuracy, "):
        ladder_releases(get_metric("f1"), Y, LABELS, LABELS, "1")
