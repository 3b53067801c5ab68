"""fit_many: every network of a stack ends as it would alone (oracle: MLPClassifier.fit)."""

import functools
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from glassnet import MLPClassifier
from glassnet.nn import TrainingDivergedError
from glassnet.nn._activations import ACTIVATIONS
from glassnet.nn._fit_many import DivergedInBatchWarning, fit_many
from glassnet.nn._stack import Stack, with_ones

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::glassnet.diagnostics.TrainingHealthWarning"),
]

# Stacked products go through other BLAS kernels than a lone network's (a width-1
# layer alone is a matrix-vector product; padding appends zero terms that SIMD
# kernels sum in another association), and the stack's logistic and log use NumPy's
# exp and log where a lone fit uses SciPy's (last-bit differences for a few percent
# of inputs), so weights agree to rounding, not to the bit. Over 200 epochs, 160
# networks of 4 activations, the largest relative difference seen was 1.5e-12.
RTOL, ATOL = 1e-10, 1e-12


@functools.cache
def _data(name):
    if name == "moons":
        return make_moons(700, noise=0.2, random_state=0)
    X, y = make_blobs(300, centers=3, cluster_std=2.0, random_state=0)
    return X, y


def _alone(params, config, X, y):
    return MLPClassifier(**params, **config).fit(X, y)


def _assert_same(batched, alone):
    assert batched.n_iter_ == alone.n_iter_
    assert batched.t_ == alone.t_
    for got, want in zip(
        batched.coefs_ + batched.intercepts_, alone.coefs_ + alone.intercepts_, strict=True
    ):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(batched.loss_curve_, alone.loss_curve_, rtol=1e-12, atol=1e-14)
    assert batched.best_loss_ == pytest.approx(alone.best_loss_, rel=1e-12)


def _configs(sizes, seeds=(0, 1), rates=((0.01, 1e-4), (0.03, 1e-2))):
    return [
        dict(hidden_layer_sizes=h, random_state=s, learning_rate_init=lr, alpha=a)
        for h in sizes
        for s in seeds
        for lr, a in rates
    ]


@pytest.mark.parametrize("data", ["moons", "blobs"])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize(
    "sizes", [[(1,), (3,), (8,)], [(2, 2), (5, 5), (3, 8), (8, 1)]], ids=["depth1", "depth2"]
)
def test_each_network_ends_as_alone_fixed_epochs(data, solver, sizes):
    X, y = _data(data)
    epochs = 40
    params = dict(
        solver=solver, activation="tanh", max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1
    )
    configs = _configs(sizes)
    models = fit_many(X, y, configs, **params)
    assert len(models) == len(configs)
    for config, model in zip(configs, models, strict=True):
        assert model.get_params()["hidden_layer_sizes"] == config["hidden_layer_sizes"]
        alone = _alone(params, config, X, y)
        assert model.n_iter_ == epochs
        _assert_same(model, alone)
        np.testing.assert_array_equal(model.predict(X), alone.predict(X))
        np.testing.assert_allclose(model.predict_proba(X), alone.predict_proba(X), rtol=1e-9)
        assert model.score(X, y) == alone.score(X, y)


@pytest.mark.parametrize("activation", ["relu", "logistic", "gelu"])
def test_stopping_rules_fire_per_network_as_alone(activation):
    # Default tol and n_iter_no_change: networks stop at different epochs, each when
    # its own rule fires, and leave the stack while the others go on.
    X, y = _data("moons")
    params = dict(activation=activation, max_iter=150, batch_size=64)
    configs = _configs([(1, 2), (4, 4), (8, 3)], rates=((0.01, 1e-4), (0.05, 1e-3)))
    models = fit_many(X, y, configs, **params)
    iters = {m.n_iter_ for m in models}
    assert len(iters) > 3  # they did stop at different epochs
    for config, model in zip(configs, models, strict=True):
        _assert_same(model, _alone(params, config, X, y))


def test_sgd_adaptive_schedule_as_alone():
    X, y = _data("blobs")
    params = dict(solver="sgd", learning_rate="adaptive", max_iter=120, activation="relu")
    configs = _configs([(2,), (6,)], rates=((0.05, 1e-4), (0.2, 1e-4)))
    for config, model in zip(configs, fit_many(X, y, configs, **params), strict=True):
        alone = _alone(params, config, X, y)
        _assert_same(model, alone)
        assert model._optimizer.learning_rate == pytest.approx(alone._optimizer.learning_rate)


def test_mixed_depths_and_activations_are_grouped_and_returned_in_order():
    X, y = _data("moons")
    params = dict(max_iter=30, tol=0.0)
    configs = [
        dict(hidden_layer_sizes=(3, 3), random_state=0),
        dict(hidden_layer_sizes=(4,), random_state=1, activation="tanh"),
        dict(hidden_layer_sizes=(), random_state=2),
        dict(hidden_layer_sizes=(2,), random_state=3, batch_size=50),
        dict(hidden_layer_sizes=(5,), random_state=4),
    ]
    for config, model in zip(configs, fit_many(X, y, configs, **params), strict=True):
        _assert_same(model, _alone(params, config, X, y))


def test_networks_of_different_activations_share_one_stack_and_end_as_alone():
    from glassnet.nn import _fit_many

    X, y = _data("moons")
    # Stopping rules on: networks leave the stack at different epochs, and the
    # runs of rows of each activation must follow them.
    params = dict(max_iter=200, batch_size=100, tol=1e-3, learning_rate_init=0.01)
    configs = [
        dict(hidden_layer_sizes=(k,), random_state=k, activation=activation)
        for activation in ("gelu", "relu", "tanh", "logistic")
        for k in (1, 3, 6)
    ]
    estimators = [MLPClassifier(**params, **config) for config in configs]
    assert len(_fit_many._chunks(estimators, X.shape[0])) == 1
    models = fit_many(X, y, configs, **params)
    assert len({model.n_iter_ for model in models}) > 1
    for config, model in zip(configs, models, strict=True):
        _assert_same(model, _alone(params, config, X, y))


def test_optimizer_state_is_the_lone_networks():
    X, y = _data("moons")
    params = dict(max_iter=20, tol=0.0)
    configs = _configs([(2,), (7,)])
    for config, model in zip(configs, fit_many(X, y, configs, **params), strict=True):
        alone = _alone(params, config, X, y)
        assert model._optimizer.t == alone._optimizer.t
        np.testing.assert_allclose(model._optimizer.m, alone._optimizer.m, rtol=1e-8, atol=1e-14)
        np.testing.assert_allclose(model._optimizer.v, alone._optimizer.v, rtol=1e-8, atol=1e-18)
        np.testing.assert_allclose(model.history_.loss, alone.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize(
    "activations",
    [["logistic"] * 3, ["tanh"] * 3, ["relu"] * 3, ["softplus"] * 3, ["logistic", "gelu", "relu"]],
)
def test_padding_stays_exactly_zero(activations):
    # logistic(0) = 0.5 and softplus(0) = log 2: padded units output non-zero values,
    # whose weights out must still never move.
    X, y = _data("blobs")
    Y = np.eye(3, dtype=bool)[y]
    units = np.array([[2, 1, 3, 3], [2, 4, 1, 3], [2, 2, 2, 3]])
    hidden = [[ACTIVATIONS[name]] * 2 for name in activations]
    stack = Stack(units, hidden, "softmax", np.float64)
    rng = np.random.default_rng(0)
    stack.params[:] = rng.uniform(-1, 1, stack.params.shape) * stack.mask
    m = np.zeros_like(stack.params)
    v = np.zeros_like(stack.params)
    Xs = with_ones(np.stack([X] * 3)).transpose(0, 2, 1)
    Ys = np.stack([Y.T.astype(float)] * 3)
    stack.set_alpha(np.full(3, 0.01))
    for _ in range(50):
        stack.gradient(Xs, Ys, np.empty_like(Ys))
        assert not stack.grads[stack.mask == 0].any()
        m = 0.9 * m + 0.1 * stack.grads
        v = 0.999 * v + 0.001 * stack.grads**2
        stack.params -= 0.1 * m / (np.sqrt(v) + 1e-8)
    assert not stack.params[stack.mask == 0].any()
    assert stack.params[stack.mask == 1].all()


def test_padding_stays_zero_through_fit_many():
    X, y = _data("moons")
    configs = [dict(hidden_layer_sizes=(w, 9 - w), random_state=w) for w in range(1, 9)]
    models = fit_many(X, y, configs, activation="logistic", max_iter=25, tol=0.0)
    for config, model in zip(configs, models, strict=True):
        w = config["hidden_layer_sizes"]
        assert [c.shape for c in model.coefs_] == [(2, w[0]), w, (w[1], 1)]


def test_float32_input_trains_in_float32():
    X, y = _data("moons")
    X = X.astype(np.float32)
    params = dict(max_iter=15, tol=0.0)
    configs = _configs([(3,), (6,)], seeds=(0,), rates=((0.01, 1e-4),))
    for config, model in zip(configs, fit_many(X, y, configs, **params), strict=True):
        alone = _alone(params, config, X, y)
        assert model.coefs_[0].dtype == np.float32
        for got, want in zip(model.coefs_, alone.coefs_, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_max_iter_warns_like_fit():
    X, y = _data("moons")
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        fit_many(X, y, [dict(hidden_layer_sizes=(2,), random_state=0)], max_iter=3)


def test_diverged_networks_come_back_unfitted_at_their_lone_epoch():
    X, y = _data("moons")
    X = X * 1000  # unscaled inputs: a step of 10 blows the weights up
    params = dict(solver="sgd", activation="relu", max_iter=20)
    configs = [dict(hidden_layer_sizes=(2,), random_state=0, learning_rate_init=r) for r in (1, 10)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.warns(
            DivergedInBatchWarning, match=r"1 of 2 networks diverged \(configs \[1\]"
        ):
            models = fit_many(X, y, configs, **params)
        _assert_same(models[0], _alone(params, configs[0], X, y))
        alone = MLPClassifier(**params, **configs[1])
        with pytest.raises(TrainingDivergedError):
            alone.fit(X, y)
    with pytest.raises(NotFittedError):
        models[1].predict(X)
    assert models[1]._diverged_at == alone._diverged_at
    np.testing.assert_allclose(models[1].history_.loss, alone.history_.loss, rtol=1e-12)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (dict(solver="lbfgs"), "solver='sgd' or 'adam'"),
        (dict(early_stopping=True), "early_stopping=True"),
        (dict(dropout=0.2), "dropout=0.2"),
        (dict(activation="nope"), "not a known activation"),
    ],
)
def test_unsupported_parameters_are_refused(params, match):
    X, y = _data("moons")
    with pytest.raises(ValueError, match=match):
        fit_many(X, y, [dict(hidden_layer_sizes=(2,))], **params)


def test_large_groups_are_split_into_stacks_with_the_same_results(monkeypatch):
    from glassnet.nn import _fit_many

    X, y = _data("moons")
    params = dict(max_iter=20, tol=0.0, activation="tanh")
    configs = _configs([(1,), (4,), (8,)], seeds=(0, 1, 2))
    whole = fit_many(X, y, configs, **params)
    monkeypatch.setattr(_fit_many, "_STACK_ELEMENTS", 200 * 8 * 2)  # two wide nets a stack
    assert len(_fit_many._chunks([MLPClassifier(**params, **c) for c in configs], 700)) > 3
    split = fit_many(X, y, configs, **params)
    for config, a, b in zip(configs, whole, split, strict=True):
        _assert_same(a, b)
        _assert_same(b, _alone(params, config, X, y))


def test_networks_that_would_shuffle_alike_share_their_draws_and_end_as_alone():
    # Same int seed and layers (an activation and learning-rate grid): the same
    # orders every epoch, drawn once; they stop at different epochs, the group's
    # first (which draws) among the first to leave, and each still ends as alone.
    from glassnet.nn._fit_many import _shared_draws

    X, y = _data("moons")
    params = dict(max_iter=60, batch_size=64)
    configs = [
        dict(hidden_layer_sizes=(3,), random_state=0, learning_rate_init=0.3, activation="relu"),
        dict(hidden_layer_sizes=(3,), random_state=0, learning_rate_init=0.01, activation="tanh"),
        dict(hidden_layer_sizes=(3,), random_state=0, learning_rate_init=0.01, activation="relu"),
        dict(hidden_layer_sizes=(3,), random_state=1),
        dict(hidden_layer_sizes=(4,), random_state=0),
    ]
    estimators = [MLPClassifier(**params, **c) for c in configs]
    starts = [
        SimpleNamespace(random_state=np.random.RandomState(c["random_state"])) for c in configs
    ]
    for est, start in zip(estimators, starts, strict=True):  # as the initial weights draw
        (units,) = est.hidden_layer_sizes
        start.random_state.uniform(size=3 * units + units + 1)  # one number per parameter
    assert _shared_draws(estimators, starts).tolist() == [0, 0, 0, 3, 4]
    models = fit_many(X, y, configs, **params)
    assert models[0].n_iter_ < models[1].n_iter_
    for config, model in zip(configs, models, strict=True):
        _assert_same(model, _alone(params, config, X, y))
