"""Metrics against sklearn.metrics, the stratified public/private draw, the Ladder's noise."""

import numpy as np
import pytest
from sklearn import metrics as skm

from glassnet.compete.scoring import METRICS, get_metric, ladder_threshold, stratified_public_mask

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
    assert get_metric("log_loss").better(0.3, than=0.5) > 0


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


def test_ladder_threshold_is_the_spread_of_loss_differences_over_root_n():
    accuracy = get_metric("accuracy")
    flipped = LABELS.copy()
    flipped[:10] = np.where(flipped[:10] == "1", "0", "1")
    diff = (flipped != Y).astype(float) - (LABELS != Y).astype(float)
    expected = np.std(diff, ddof=1) / np.sqrt(len(Y))
    assert ladder_threshold(accuracy, Y, flipped, LABELS, "1") == pytest.approx(expected)
    # The same predictions again: no noise, and no improvement either.
    assert ladder_threshold(accuracy, Y, LABELS, LABELS, "1") == 0.0
