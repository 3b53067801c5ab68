import functools
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    make_moons,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The course's Titanic model; the other datasets are trained with it too.
COURSE = dict(
    hidden_layer_sizes=(16, 8),
    max_iter=1000,
    batch_size=32,
    learning_rate_init=0.01,
    random_state=0,
)
DEFAULTS = dict(random_state=0)
DATASETS = ["moons", "iris", "breast_cancer", "titanic"]
SMALL = dict(hidden_layer_sizes=(16, 8), random_state=0)


@functools.cache
def _load(name):
    if name == "moons":
        X, y = make_moons(1000, noise=0.2, random_state=0)
    elif name == "iris":
        X, y = load_iris(return_X_y=True)
    else:
        X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(params=DATASETS)
def dataset(request):
    if request.param == "titanic":
        return request.getfixturevalue("titanic_course")
    return _load(request.param)


@pytest.fixture
def moons():
    return _load("moons")


def _fit_pair(params, X, y, **fit_params):
    ours = MLPClassifier(**params).fit(X, y, **fit_params)
    theirs = SkMLPClassifier(**params).fit(X, y, **fit_params)
    return ours, theirs


def _assert_same_weights(ours, theirs, atol):
    assert len(ours.coefs_) == len(theirs.coefs_)
    for name in ("coefs_", "intercepts_"):
        for k, (a, b) in enumerate(zip(getattr(ours, name), getattr(theirs, name), strict=True)):
            assert a.dtype == b.dtype, f"{name}[{k}]"
            np.testing.assert_allclose(a, b, atol=atol, rtol=0, err_msg=f"{name}[{k}]")


def _assert_same_fit(ours, theirs, X_test, atol=1e-6):
    """Same weights, training record and predictions after a full fit."""
    _assert_same_weights(ours, theirs, atol=1e-8)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert ours.out_activation_ == theirs.out_activation_
    if theirs.solver != "lbfgs":  # scikit-learn keeps no loss curve for L-BFGS
        assert len(ours.loss_curve_) == len(theirs.loss_curve_)
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, atol=1e-8, rtol=0)
    np.testing.assert_allclose(ours.loss_, theirs.loss_, atol=1e-8, rtol=0)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_allclose(
        ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=atol, rtol=0
    )
    with np.errstate(divide="ignore"):  # scikit-learn's log of a probability 0
        their_log_proba = theirs.predict_log_proba(X_test)
    np.testing.assert_allclose(ours.predict_log_proba(X_test), their_log_proba, atol=atol, rtol=0)


# ------------------------------------------------------------------ one epoch


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_one_epoch_same_weights(dataset, solver, activation):
    X_train, _, y_train, _ = dataset
    params = {**COURSE, "max_iter": 1, "solver": solver, "activation": activation}
    ours, theirs = _fit_pair(params, X_train, y_train)
    _assert_same_weights(ours, theirs, atol=1e-8)
    np.testing.assert_allclose(ours.loss_, theirs.loss_, atol=1e-8, rtol=0)
    assert ours.t_ == theirs.t_ == len(y_train)
    assert ours.n_iter_ == theirs.n_iter_ == 1


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_one_epoch_no_hidden_layer_same_weights(moons, activation):
    # With no hidden layer scikit-learn still sizes the initial weights by
    # `activation` (a narrower range for 'logistic').
    X_train, _, y_train, _ = moons
    params = {**COURSE, "hidden_layer_sizes": (), "activation": activation, "max_iter": 1}
    ours, theirs = _fit_pair(params, X_train, y_train)
    _assert_same_weights(ours, theirs, atol=1e-8)
    np.testing.assert_allclose(ours.loss_, theirs.loss_, atol=1e-8, rtol=0)


# ------------------------------------------------------------------ full fits


@pytest.mark.parametrize("params", [COURSE, DEFAULTS], ids=["course", "defaults"])
def test_full_fit_same_model(dataset, params):
    X_train, X_test, y_train, y_test = dataset
    ours, theirs = _fit_pair(params, X_train, y_train)
    _assert_same_fit(ours, theirs, X_test)
    assert ours.score(X_test, y_test) == theirs.score(X_test, y_test)


def test_titanic_course_same_test_accuracy(titanic_course):
    X_train, X_test, y_train, y_test = titanic_course
    ours, theirs = _fit_pair(COURSE, X_train, y_train)
    assert ours.n_iter_ < COURSE["max_iter"]  # the course model converges
    assert ours.score(X_test, y_test) == theirs.score(X_test, y_test)


def test_lbfgs_bit_identical(dataset):
    X_train, X_test, y_train, _ = dataset
    params = {**SMALL, "solver": "lbfgs", "max_iter": 60}
    ours, theirs = _fit_pair(params, X_train, y_train)
    _assert_same_weights(ours, theirs, atol=0)
    assert ours.loss_ == theirs.loss_
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_array_equal(ours.predict_proba(X_test), theirs.predict_proba(X_test))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_early_stopping_same_validation_scores(moons, solver):
    X_train, X_test, y_train, _ = moons
    params = {**COURSE, "solver": solver, "early_stopping": True, "max_iter": 200}
    ours, theirs = _fit_pair(params, X_train, y_train)
    assert ours.validation_scores_ == theirs.validation_scores_
    assert ours.best_validation_score_ == theirs.best_validation_score_
    assert ours.best_loss_ is theirs.best_loss_ is None
    _assert_same_fit(ours, theirs, X_test)


@pytest.mark.parametrize(
    "options",
    [
        dict(learning_rate="adaptive"),
        dict(learning_rate="invscaling"),
        dict(learning_rate="invscaling", power_t=0.25),
        dict(nesterovs_momentum=False),
        dict(momentum=0.0),
        dict(shuffle=False),
    ],
    ids=lambda options: "-".join(f"{k}={v}" for k, v in options.items()),
)
def test_sgd_options_same_model(moons, options):
    X_train, X_test, y_train, _ = moons
    params = {**COURSE, "solver": "sgd", "max_iter": 150, **options}
    ours, theirs = _fit_pair(params, X_train, y_train)
    _assert_same_fit(ours, theirs, X_test)


@pytest.mark.parametrize(
    "options",
    [dict(solver="adam"), dict(solver="sgd"), dict(solver="lbfgs"), dict(early_stopping=True)],
    ids=["adam", "sgd", "lbfgs", "early_stopping"],
)
def test_sample_weight_same_model(moons, options):
    X_train, X_test, y_train, _ = moons
    sample_weight = np.random.RandomState(0).uniform(0.1, 3.0, len(y_train))
    params = {**SMALL, "max_iter": 60, **options}
    ours, theirs = _fit_pair(params, X_train, y_train, sample_weight=sample_weight)
    _assert_same_fit(ours, theirs, X_test)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_sparse_input_same_model(moons, solver):
    X_train, X_test, y_train, _ = moons
    X_train, X_test = sp.csr_matrix(X_train), sp.csr_matrix(X_test)
    ours, theirs = _fit_pair({**SMALL, "solver": solver, "max_iter": 60}, X_train, y_train)
    _assert_same_fit(ours, theirs, X_test)


def test_string_labels_same_model():
    X_train, X_test, y_train, _ = _load("iris")
    names = load_iris().target_names
    ours, theirs = _fit_pair({**SMALL, "max_iter": 100}, X_train, names[y_train])
    np.testing.assert_array_equal(ours.classes_, names)
    assert ours.predict(X_test).dtype == theirs.predict(X_test).dtype
    _assert_same_fit(ours, theirs, X_test)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_multilabel_same_model(solver):
    X, Y = make_multilabel_classification(300, n_features=10, n_classes=4, random_state=0)
    X = StandardScaler().fit_transform(X)
    ours, theirs = _fit_pair({**SMALL, "solver": solver, "max_iter": 100}, X[:250], Y[:250])
    assert ours.out_activation_ == "logistic"
    assert ours.predict(X[250:]).shape == (50, 4)
    _assert_same_fit(ours, theirs, X[250:])


def test_dataframe_input_same_model(titanic_course):
    X_train, X_test, y_train, _ = titanic_course
    columns = ["Pclass", "Age"]
    X_train, X_test = pd.DataFrame(X_train, columns=columns), pd.DataFrame(X_test, columns=columns)
    ours, theirs = _fit_pair({**COURSE, "max_iter": 50}, X_train, pd.Series(y_train))
    np.testing.assert_array_equal(ours.feature_names_in_, theirs.feature_names_in_)
    np.testing.assert_array_equal(ours.feature_names_in_, columns)
    assert ours.n_features_in_ == theirs.n_features_in_ == 2
    _assert_same_fit(ours, theirs, X_test)


# ------------------------------------------------------------ incremental training


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_partial_fit_available_for_the_same_solvers(solver):
    # scikit-learn hides partial_fit (hasattr is False) when the solver is 'lbfgs'.
    assert hasattr(MLPClassifier(solver=solver), "partial_fit") == hasattr(
        SkMLPClassifier(solver=solver), "partial_fit"
    )


def _partial_fit_pair(solver):
    X_train, X_test, y_train, _ = _load("iris")
    classes = np.unique(y_train)
    params = {**SMALL, "solver": solver, "learning_rate_init": 0.01}
    ours, theirs = MLPClassifier(**params), SkMLPClassifier(**params)
    for _ in range(3):
        for rows in np.array_split(np.arange(len(y_train)), 4):
            for model in (ours, theirs):
                model.partial_fit(X_train[rows], y_train[rows], classes=classes)
    return ours, theirs, X_test


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_same_weights(solver):
    ours, theirs, X_test = _partial_fit_pair(solver)
    _assert_same_weights(ours, theirs, atol=1e-8)
    assert ours.t_ == theirs.t_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, atol=1e-8, rtol=0)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_allclose(
        ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=1e-6, rtol=0
    )


def test_partial_fit_first_batch_missing_a_class_keeps_all_classes():
    # The first batch of iris sorted by label holds only class 0: the classes come
    # from `classes=`, not from that batch.
    X_train, X_test, y_train, _ = _load("iris")
    order = np.argsort(y_train, kind="stable")
    params = {**SMALL, "learning_rate_init": 0.01}
    ours, theirs = MLPClassifier(**params), SkMLPClassifier(**params)
    for rows in np.array_split(order, 6):
        for model in (ours, theirs):
            model.partial_fit(X_train[rows], y_train[rows], classes=[0, 1, 2])
    np.testing.assert_array_equal(ours.classes_, [0, 1, 2])
    assert ours.predict_proba(X_test).shape == (len(X_test), 3)
    _assert_same_weights(ours, theirs, atol=1e-8)


def test_partial_fit_same_n_iter():
    # scikit-learn's n_iter_ counts the epochs of the last call, which is 1 after
    # any partial_fit.
    ours, theirs, _ = _partial_fit_pair("adam")
    assert theirs.n_iter_ == 1
    assert ours.n_iter_ == theirs.n_iter_


def _warm_start_pair(moons, solver):
    X_train, X_test, y_train, _ = moons
    params = {**SMALL, "solver": solver, "max_iter": 15, "warm_start": True}
    ours, theirs = MLPClassifier(**params), SkMLPClassifier(**params)
    n_warnings = []
    for model in (ours, theirs):
        model.fit(X_train, y_train)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(X_train, y_train)
        n_warnings.append(sum(issubclass(w.category, ConvergenceWarning) for w in record))
    return ours, theirs, X_test, n_warnings


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_warm_start_second_fit_same_weights(moons, solver):
    ours, theirs, X_test, _ = _warm_start_pair(moons, solver)
    _assert_same_weights(ours, theirs, atol=1e-8)
    assert ours.t_ == theirs.t_
    if solver != "lbfgs":
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, atol=1e-8, rtol=0)
    np.testing.assert_allclose(
        ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=1e-6, rtol=0
    )


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_second_fit_same_n_iter_and_warning(moons, solver):
    # scikit-learn restarts n_iter_ at every fit and warns when that fit reaches
    # max_iter.
    ours, theirs, _, (ours_warnings, theirs_warnings) = _warm_start_pair(moons, solver)
    assert theirs.n_iter_ == 15
    assert theirs_warnings == 1
    assert ours.n_iter_ == theirs.n_iter_
    assert ours_warnings == theirs_warnings


# ------------------------------------------------------------------ float32


# Not 'lbfgs': scikit-learn's L-BFGS returns float64 weights for float32 input.
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_float32_same_model(moons, solver):
    X_train, X_test, y_train, _ = moons
    X_train, X_test = X_train.astype(np.float32), X_test.astype(np.float32)
    ours, theirs = _fit_pair({**SMALL, "solver": solver, "max_iter": 30}, X_train, y_train)
    for model in (ours, theirs):
        assert all(c.dtype == np.float32 for c in model.coefs_ + model.intercepts_)
    _assert_same_weights(ours, theirs, atol=1e-4)
    assert ours.n_iter_ == theirs.n_iter_
    proba = ours.predict_proba(X_test)
    assert proba.dtype == theirs.predict_proba(X_test).dtype == np.float32
    np.testing.assert_allclose(proba, theirs.predict_proba(X_test), atol=1e-4, rtol=0)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
