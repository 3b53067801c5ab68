"""The regression losses and their gradients: formulas, and finite differences."""

import numpy as np
import pytest
from scipy.special import xlogy

from glassnet.nn import ACTIVATIONS, get_activation
from glassnet.nn._activations import OUTPUT_ACTIVATIONS
from glassnet.nn._losses import poisson_deviance, squared_error
from glassnet.nn._network import Network

EPS = 1e-6
N_SAMPLES, N_FEATURES, HIDDEN = 7, 4, (5, 3)
# loss -> output activation
OUTPUTS = {"squared_error": "identity", "poisson": "exp"}
KINKED = {"relu", "leaky_relu", "elu", "selu"}


def _problem(loss, n_outputs, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    if loss == "poisson":
        Y = rng.poisson(2.0, size=(N_SAMPLES, n_outputs)).astype(float)
        Y[0, 0] = 0.0  # a zero count: y log y is 0 there
    else:
        Y = rng.normal(scale=3.0, size=(N_SAMPLES, n_outputs))
    sw = rng.uniform(0.2, 3.0, N_SAMPLES)
    sw[2] = 0.0
    return X, Y, sw


def _network(activation, loss, n_outputs, seed=0, hidden=HIDDEN, dropout=None):
    units = [N_FEATURES, *hidden, n_outputs]
    act = get_activation(activation)
    output = OUTPUT_ACTIVATIONS[OUTPUTS[loss]]
    net = Network(units, [act] * len(hidden), output, np.float64, dropout)
    net.params[:] = np.random.default_rng(seed + 100).normal(0.0, 0.5, net.params.size)
    return net


def _numerical_gradient(loss, params):
    grad = np.empty_like(params)
    for k in range(params.size):
        old = params[k]
        params[k] = old + EPS
        plus = loss()
        params[k] = old - EPS
        minus = loss()
        params[k] = old
        grad[k] = (plus - minus) / (2 * EPS)
    return grad


def _check(net, X, Y, sw, alpha, make_rng=None):
    def loss():
        rng = None if make_rng is None else make_rng()
        return net.loss_and_gradient(X, Y, sw, alpha, rng)

    value = loss()
    analytic = net.grads.copy()
    numeric = _numerical_gradient(loss, net.params)
    assert np.isfinite(value)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("alpha", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss", sorted(OUTPUTS))
@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - KINKED))
def test_gradient_matches_finite_differences(activation, loss, weighted, alpha):
    # One output: the loss's gradient is exactly ``output - y`` (see test below for more).
    X, Y, sw = _problem(loss, 1)
    net = _network(activation, loss, 1)
    _check(net, X, Y, sw if weighted else None, alpha)


@pytest.mark.parametrize("loss", sorted(OUTPUTS))
@pytest.mark.parametrize("activation", sorted(KINKED))
def test_gradient_of_kinked_activations(activation, loss):
    X, Y, sw = _problem(loss, 1, seed=3)
    net = _network(activation, loss, 1, seed=3)
    _check(net, X, Y, sw, 0.1)


@pytest.mark.parametrize("hidden", [(), (6,)], ids=["no-hidden", "one"])
def test_poisson_gradient_with_several_outputs_and_dropout(hidden):
    # The Poisson deviance sums over outputs, as its gradient exp(z) - y does.
    X, Y, sw = _problem("poisson", 3, seed=1)
    dropout = [0.3] if hidden else None
    net = _network("tanh", "poisson", 3, seed=1, hidden=hidden, dropout=dropout)
    _check(net, X, Y, sw, 0.1, make_rng=lambda: np.random.default_rng(5) if dropout else None)


def test_squared_error_with_several_outputs_follows_scikit_learn():
    # scikit-learn's loss averages over outputs while its gradient, output - y, is
    # that of their sum: the gradient is n_outputs times the loss's slope, kept so
    # that the weights are scikit-learn's.
    X, Y, _ = _problem("squared_error", 3, seed=2)
    net = _network("tanh", "squared_error", 3, seed=2)
    net.loss_and_gradient(X, Y, None, 0.0)
    analytic = net.grads.copy()
    numeric = _numerical_gradient(lambda: net.loss_and_gradient(X, Y, None, 0.0), net.params)
    np.testing.assert_allclose(analytic, 3 * numeric, rtol=1e-5, atol=1e-7)


def test_losses_are_the_formulas():
    rng = np.random.default_rng(4)
    y = rng.poisson(3.0, size=(20, 2)).astype(float)
    pred = rng.uniform(0.5, 5.0, size=(20, 2))
    w = rng.uniform(0.1, 2.0, 20)
    expected = 0.5 * np.mean(np.average((y - pred) ** 2, axis=0, weights=w))
    assert squared_error(pred, y, w) == pytest.approx(expected, rel=1e-14)
    assert squared_error(pred, y, None) == pytest.approx(0.5 * np.mean((y - pred) ** 2), rel=1e-14)
    deviance = xlogy(y, y / pred) - y + pred  # half the Poisson deviance, per entry
    assert poisson_deviance(pred, y, w) == pytest.approx(
        np.sum(np.average(deviance, axis=0, weights=w)), rel=1e-14
    )
    assert poisson_deviance(y + 0.0, y, None) == 0.0  # a perfect prediction
    assert poisson_deviance(pred, y, None) > 0.0


def test_network_loss_is_the_mean_loss_plus_l2():
    X, Y, sw = _problem("poisson", 1, seed=6)
    net = _network("relu", "poisson", 1, seed=6)
    a = X
    for W, b in zip(net.coefs[:-1], net.intercepts[:-1], strict=True):
        a = np.maximum(a @ W + b, 0.0)
    pred = np.exp(a @ net.coefs[-1] + net.intercepts[-1])
    squares = sum((W**2).sum() for W in net.coefs)
    expected = poisson_deviance(pred, Y, sw) + 0.5 * 0.1 * squares / sw.sum()
    assert net.loss_and_gradient(X, Y, sw, 0.1) == pytest.approx(expected, rel=1e-12)
