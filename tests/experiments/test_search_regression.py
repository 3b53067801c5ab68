"""The searches look for classifiers: a regression target or loss gets a clear refusal."""

import pytest
from sklearn.datasets import make_friedman1, make_moons

from glassnet.experiments import smallest_network


def test_a_regression_target_is_refused_in_words():
    X, y = make_friedman1(200, random_state=0)
    with pytest.raises(ValueError, match=r"y has 200 distinct numbers in 200 rows: a regression"):
        smallest_network(X, y)
    # Numbers that are few and repeated are classes, as before.
    X, y = make_moons(200, random_state=0)
    result = smallest_network(X, y.astype(float), max_units=1, max_layers=1, seeds=1, max_iter=5)
    assert len(result.scores) == 1


def test_a_regressor_loss_is_refused_in_words():
    X, y = make_moons(200, random_state=0)
    with pytest.raises(ValueError, match=r"loss='poisson' is MLPRegressor's; the searches train"):
        smallest_network(X, y, loss="poisson")
