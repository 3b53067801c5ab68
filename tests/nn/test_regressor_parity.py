"""MLPRegressor against scikit-learn's: the same weights, records and predictions."""

import functools
import inspect

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import r2_score as sk_r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

from glassnet import MLPRegressor
from glassnet.nn._regressor import r2_score

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    # Raw diabetes targets (25 to 346) make large gradients, which the health rules see.
    pytest.mark.filterwarnings("ignore::glassnet.TrainingHealthWarning"),
]

SMALL = dict(hidden_layer_sizes=(16, 8), random_state=0)
# dataset -> its loss
DATASETS = {"diabetes": "squared_error", "friedman": "squared_error", "counts": "poisson"}
# solver -> its settings: few epochs keep the file fast, and every one is compared.
SOLVERS = {
    "lbfgs": dict(solver="lbfgs", max_iter=150),
    "sgd": dict(solver="sgd", max_iter=60, learning_rate_init=0.001),
    "adam": dict(solver="adam", max_iter=60, learning_rate_init=0.01),
}


@functools.cache
def _load(name):
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)  # y from 25 to 346: raw, as users pass it
    elif name == "friedman":
        X, y = make_friedman1(400, noise=0.5, random_state=0)
    else:  # counts whose log-mean is linear in the features: a Poisson target
        rng = np.random.RandomState(0)
        X = rng.normal(size=(400, 5))
        y = rng.poisson(np.exp(0.5 + X @ np.array([0.4, -0.3, 0.2, 0.0, 0.1]))).astype(float)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def _fit_pair(params, X, y, **fit_params):
    ours = MLPRegressor(**params).fit(X, y, **fit_params)
    theirs = SkMLPRegressor(**params).fit(X, y, **fit_params)
    return ours, theirs


def _assert_same_fit(ours, theirs, X_test, exact=False):
    """Same weights, training record and predictions (to the bit when ``exact``)."""
    compare = (
        np.testing.assert_array_equal
        if exact
        else functools.partial(np.testing.assert_allclose, rtol=1e-9, atol=1e-10)
    )
    for name in ("coefs_", "intercepts_"):
        for k, (a, b) in enumerate(zip(getattr(ours, name), getattr(theirs, name), strict=True)):
            assert a.dtype == b.dtype, f"{name}[{k}]"
            compare(a, b, err_msg=f"{name}[{k}]")
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert ours.n_outputs_ == theirs.n_outputs_
    assert ours.n_layers_ == theirs.n_layers_
    assert ours.out_activation_ == theirs.out_activation_
    if theirs.solver != "lbfgs":  # scikit-learn keeps no loss curve for L-BFGS
        compare(ours.loss_curve_, theirs.loss_curve_)
        compare(ours.best_loss_ or 0.0, theirs.best_loss_ or 0.0)
    compare(ours.loss_, theirs.loss_)
    prediction = ours.predict(X_test)
    assert prediction.shape == theirs.predict(X_test).shape
    compare(prediction, theirs.predict(X_test))
    # R² against any target of the right shape: the same score.
    target = prediction + np.sin(np.arange(prediction.size)).reshape(prediction.shape)
    compare(ours.score(X_test, target), theirs.score(X_test, target))


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_full_fit_same_model(name, solver):
    X_train, X_test, y_train, _ = _load(name)
    params = {**SMALL, **SOLVERS[solver], "loss": DATASETS[name]}
    ours, theirs = _fit_pair(params, X_train, y_train)
    # L-BFGS amplifies every last-bit difference over its line searches: the engine
    # computes it in scikit-learn's order of operations, and it agrees to the bit.
    _assert_same_fit(ours, theirs, X_test, exact=solver == "lbfgs")
    expected = "exp" if DATASETS[name] == "poisson" else "identity"
    assert ours.out_activation_ == expected


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_one_epoch_same_weights_for_each_activation(activation, loss):
    X_train, _, y_train, _ = _load("counts")
    params = {**SMALL, "activation": activation, "loss": loss, "max_iter": 1, "batch_size": 32}
    ours, theirs = _fit_pair(params, X_train, y_train)
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)
    np.testing.assert_allclose(ours.loss_, theirs.loss_, rtol=1e-14)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_early_stopping_same_validation_scores_and_best_weights(loss):
    X_train, X_test, y_train, _ = _load("diabetes")
    params = {
        **SMALL,
        "loss": loss,
        "early_stopping": True,
        "learning_rate_init": 0.01,
        "max_iter": 300,
        "n_iter_no_change": 5,
    }
    ours, theirs = _fit_pair(params, X_train, y_train)
    assert ours.n_iter_ == theirs.n_iter_ < 300  # the validation R² stopped training
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-12)
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_, rel=1e-12)
    assert ours.best_loss_ is theirs.best_loss_ is None
    _assert_same_fit(ours, theirs, X_test)  # the best epoch's weights, restored
    assert len(ours.validation_loss_curve_) == ours.n_iter_


def test_partial_fit_same_as_scikit_learn():
    X_train, X_test, y_train, _ = _load("friedman")
    params = {**SMALL, "solver": "sgd", "learning_rate_init": 0.01}
    ours, theirs = MLPRegressor(**params), SkMLPRegressor(**params)
    for start in range(0, 300, 100):
        rows = slice(start, start + 100)
        ours.partial_fit(X_train[rows], y_train[rows])
        theirs.partial_fit(X_train[rows], y_train[rows])
    _assert_same_fit(ours, theirs, X_test)
    assert ours.n_iter_ == 1 and ours.t_ == 300


def test_sample_weight_and_warm_start_same_as_scikit_learn():
    X_train, X_test, y_train, _ = _load("diabetes")
    weights = np.random.RandomState(1).uniform(0.1, 3.0, len(y_train))
    params = {**SMALL, **SOLVERS["adam"]}
    ours, theirs = _fit_pair(params, X_train, y_train, sample_weight=weights)
    _assert_same_fit(ours, theirs, X_test)
    params = {**SMALL, **SOLVERS["lbfgs"], "max_iter": 30, "warm_start": True}
    ours, theirs = _fit_pair(params, X_train, y_train, sample_weight=weights)
    ours.fit(X_train, y_train, sample_weight=weights)
    theirs.fit(X_train, y_train, sample_weight=weights)
    _assert_same_fit(ours, theirs, X_test, exact=True)


def test_several_outputs_same_as_scikit_learn():
    X_train, X_test, y_train, _ = _load("friedman")
    Y = np.column_stack([y_train, np.sqrt(np.abs(y_train)) * X_train[:, 0]])
    for solver in ("lbfgs", "adam"):
        ours, theirs = _fit_pair({**SMALL, **SOLVERS[solver]}, X_train, Y)
        _assert_same_fit(ours, theirs, X_test, exact=solver == "lbfgs")
        assert ours.predict(X_test).shape == (len(X_test), 2)


def test_a_column_target_is_raveled_with_a_warning_as_in_scikit_learn():
    X_train, X_test, y_train, _ = _load("friedman")
    with pytest.warns(DataConversionWarning):
        ours = MLPRegressor(**SMALL, max_iter=5).fit(X_train, y_train[:, None])
    assert ours.predict(X_test).shape == (len(X_test),)


def test_no_hidden_layer_is_a_linear_model():
    X_train, X_test, y_train, _ = _load("counts")
    for loss in ("squared_error", "poisson"):
        params = {"hidden_layer_sizes": (), "loss": loss, "random_state": 0, **SOLVERS["lbfgs"]}
        ours, theirs = _fit_pair(params, X_train, y_train)
        _assert_same_fit(ours, theirs, X_test, exact=True)
        assert len(ours.coefs_) == 1


def test_float32_input_trains_in_float32_close_to_float64():
    X_train, X_test, y_train, _ = _load("friedman")
    params = {**SMALL, **SOLVERS["adam"]}
    single = MLPRegressor(**params).fit(X_train.astype(np.float32), y_train)
    double = MLPRegressor(**params).fit(X_train, y_train)
    assert single.coefs_[0].dtype == np.float32
    assert single.predict(X_test.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(single.predict(X_test), double.predict(X_test), rtol=1e-3, atol=1e-2)


# ------------------------------------------------------------------ R² and errors


@pytest.mark.parametrize("weighted", [False, True])
def test_r2_score_is_scikit_learns(weighted):
    rng = np.random.RandomState(0)
    y = rng.normal(size=(50, 3))
    y[:, 2] = 1.5  # a constant output: scored 1.0 when predicted exactly, else 0.0
    pred = y + rng.normal(scale=0.5, size=y.shape)
    w = rng.uniform(0.5, 2.0, 50) if weighted else None
    assert r2_score(y, pred, w) == sk_r2_score(y, pred, sample_weight=w)
    pred[:, 2] = 1.5
    assert r2_score(y, pred, w) == sk_r2_score(y, pred, sample_weight=w)
    assert r2_score(y[:, :1], pred[:, :1], w) == sk_r2_score(y[:, 0], pred[:, 0], sample_weight=w)


def test_poisson_rejects_negative_targets():
    X_train, _, y_train, _ = _load("friedman")
    y = y_train - 10.0
    with pytest.raises(ValueError, match=r"loss='poisson' needs targets y >= 0.*negative values"):
        MLPRegressor(loss="poisson", max_iter=5).fit(X_train, y)
    MLPRegressor(loss="squared_error", max_iter=5).fit(X_train, y)  # fine for that loss


def test_bad_loss_and_text_targets_are_explained():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"first argument is loss.*hidden_layer_sizes=\(8,\)"):
        MLPRegressor((8,)).fit(X, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=r"loss='absolute_error' is not valid; choose one of"):
        MLPRegressor(loss="absolute_error").fit(X, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=r"numeric targets.*For class labels use MLPClassifier"):
        MLPRegressor(max_iter=5).fit(X, np.array(["a", "b", "a", "b"]))


def test_every_parameter_of_scikit_learn_in_the_same_order_with_the_same_default():
    theirs = inspect.signature(SkMLPRegressor).parameters
    ours = inspect.signature(MLPRegressor).parameters
    assert list(ours)[: len(theirs)] == list(theirs)  # loss first, as there
    for name, parameter in theirs.items():
        assert ours[name].default == parameter.default, name
        assert ours[name].kind == parameter.kind, name
    X_train, _, y_train, _ = _load("friedman")
    ours, theirs = _fit_pair({**SMALL, **SOLVERS["adam"]}, X_train, y_train)
    fitted = {name for name in vars(theirs) if name.endswith("_") and not name.startswith("_")}
    assert fitted <= set(vars(ours))
