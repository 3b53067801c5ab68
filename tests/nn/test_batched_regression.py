"""fit_many with MLPRegressor: every network ends as its own fit would end it."""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.preprocessing import StandardScaler

from glassnet import MLPRegressor
from glassnet.nn._fit_many import batch_unsupported, fit_many

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::glassnet.TrainingHealthWarning"),
]


@pytest.fixture(scope="module")
def data():
    X, y = make_friedman1(300, noise=0.3, random_state=0)
    return StandardScaler().fit_transform(X), y / 5.0  # positive: Poisson-ready too


def test_each_regressor_ends_as_alone(data):
    X, y = data
    configs = [
        {"hidden_layer_sizes": (width,), "activation": act, "random_state": seed, "loss": loss}
        for width in (3, 8)
        for act in ("relu", "tanh")
        for seed in (0, 1)
        for loss in ("squared_error", "poisson")
    ]
    shared = {"max_iter": 150, "learning_rate_init": 0.01, "tol": 1e-3}
    models = fit_many(X, y, configs, estimator=MLPRegressor, **shared)
    stopped_early = 0
    for config, model in zip(configs, models, strict=True):
        assert isinstance(model, MLPRegressor)
        alone = MLPRegressor(**shared, **config).fit(X, y)
        assert model.n_iter_ == alone.n_iter_, config  # the same stopping epoch
        stopped_early += model.n_iter_ < 150
        assert model.out_activation_ == alone.out_activation_
        np.testing.assert_allclose(model.loss_curve_, alone.loss_curve_, rtol=1e-12)
        ours, theirs = model.coefs_ + model.intercepts_, alone.coefs_ + alone.intercepts_
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(model.predict(X), alone.predict(X), rtol=1e-10)
    assert stopped_early  # the stopping rule was exercised


def test_regressors_unsupported_parameters_are_named(data):
    X, y = data
    assert batch_unsupported(MLPRegressor()) is None
    assert "dropout=0.2" in batch_unsupported(MLPRegressor(dropout=0.2))
    with pytest.raises(ValueError, match=r"config 0: fit_many trains with solver='sgd' or 'adam'"):
        fit_many(X, y, [{"solver": "lbfgs"}], estimator=MLPRegressor)
