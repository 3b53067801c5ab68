"""fit_epochs: training one epoch at a time gives fit's numbers at every epoch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning

from glassnet import MLPClassifier


@pytest.fixture(scope="module")
def moons():
    return make_moons(300, noise=0.2, random_state=0)


PARAMS = dict(
    hidden_layer_sizes=(8, 8),
    batch_size=10,
    learning_rate_init=0.03,
    random_state=3,
    health_warnings=False,
)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_weights_after_epoch_k_are_fit_with_max_iter_k(moons, solver):
    X, y = moons
    stepped = MLPClassifier(**PARAMS, solver=solver, max_iter=1000, n_iter_no_change=1000)
    seen = {}
    for epoch in stepped.fit_epochs(X, y):
        if epoch in (1, 7, 40):
            seen[epoch] = [c.copy() for c in stepped.coefs_]
            assert len(stepped.history_) == len(stepped.loss_curve_) == epoch
            assert stepped.history_.layer_grad_norm.shape == (epoch, 3)
        if epoch == 40:
            break
    for k, coefs in seen.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            whole = MLPClassifier(**PARAMS, solver=solver, max_iter=k).fit(X, y)
        for a, b in zip(coefs, whole.coefs_, strict=True):
            np.testing.assert_array_equal(a, b)
    # Stopped by the loop: the model predicts with the last epoch's weights.
    assert stepped.n_iter_ == 40
    assert stepped.predict(X).shape == (300,)


def test_it_ends_where_fit_ends(moons):
    X, y = moons
    fitted = MLPClassifier(**PARAMS, max_iter=500).fit(X, y)
    stepped = MLPClassifier(**PARAMS, max_iter=500)
    epochs = list(stepped.fit_epochs(X, y))
    assert epochs == list(range(fitted.n_iter_ + 1))  # 0: the initial network
    assert fitted.n_iter_ < 500  # the stopping rule ended both
    assert stepped.loss_curve_ == fitted.loss_curve_


def test_its_warnings_point_at_the_callers_line(moons):
    X, y = moons
    with pytest.warns(ConvergenceWarning) as caught:
        for _ in MLPClassifier(**PARAMS, max_iter=3).fit_epochs(X, y):
            pass
    assert caught[0].filename == __file__


def test_it_starts_with_the_initial_network(moons):
    X, y = moons
    stepped = MLPClassifier(**PARAMS, max_iter=5)
    epochs = stepped.fit_epochs(X, y)
    assert next(epochs) == 0
    assert len(stepped.history_) == 0 and stepped.loss_curve_ == []
    initial = [c.copy() for c in stepped.coefs_]
    assert stepped.predict_proba(X).shape == (300, 2)  # the untrained network predicts
    assert next(epochs) == 1
    assert not np.array_equal(initial[0], stepped.coefs_[0])
    epochs.close()


def test_lbfgs_is_refused_with_what_to_use(moons):
    X, y = moons
    with pytest.raises(ValueError, match="solver='sgd' or 'adam'"):
        next(MLPClassifier(solver="lbfgs").fit_epochs(X, y))


def test_a_long_stepped_record_keeps_few_blocks(moons):
    X, y = moons
    model = MLPClassifier(**PARAMS, max_iter=300, n_iter_no_change=300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in model.fit_epochs(X, y):
            pass
    # 300 one-epoch flushes merge like a binary counter: one block per bit of 300.
    assert len(model.history_._blocks) == bin(300).count("1")
    assert model.history_.dead_fraction.shape == (300, 2)
