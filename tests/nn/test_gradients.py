import numpy as np
import pytest
import scipy.sparse as sp

from glassnet.nn import ACTIVATIONS, get_activation
from glassnet.nn._activations import OUTPUT_ACTIVATIONS, apply
from glassnet.nn._network import Network

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-7
N_SAMPLES = 7
N_FEATURES = 4
HIDDEN = [5, 3]

# output kind -> (output activation, number of output columns)
OUTPUTS = {"binary": ("logistic", 1), "multiclass": ("softmax", 3), "multilabel": ("logistic", 3)}
KINKED = {"relu", "leaky_relu", "elu", "selu"}


def _problem(kind, seed=0):
    rng = np.random.default_rng(seed)
    n_out = OUTPUTS[kind][1]
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    if kind == "multiclass":
        Y = np.eye(n_out, dtype=bool)[np.arange(N_SAMPLES) % n_out]
    else:
        Y = rng.random((N_SAMPLES, n_out)) < 0.5
    sw = rng.uniform(0.2, 3.0, N_SAMPLES)
    sw[2] = 0.0  # zero weights are allowed for some rows
    return X, Y, sw


def _network(activation, kind, seed=0, dropout=None, hidden=tuple(HIDDEN)):
    out_name, n_out = OUTPUTS[kind]
    units = [N_FEATURES, *hidden, n_out]
    act = get_activation(activation)
    net = Network(units, [act] * len(hidden), OUTPUT_ACTIVATIONS[out_name], np.float64, dropout)
    # Small weights keep the output probabilities away from the eps clipping of the loss.
    net.params[:] = np.random.default_rng(seed + 100).normal(0.0, 0.5, net.params.size)
    return net


def _pre_activations(net, X):
    """Each hidden layer's input z, from a plain NumPy forward pass."""
    zs, a = [], X
    for W, b, act in zip(net.coefs[:-1], net.intercepts[:-1], net.hidden, strict=True):
        z = a @ W + b
        zs.append(z)
        a = apply(act.name, z)
    return zs


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
    if net.hidden and net.hidden[0].name in KINKED:
        smallest = min(np.abs(z).min() for z in _pre_activations(net, X))
        assert smallest > 1e-4, "a pre-activation sits on a kink; pick another seed"

    def loss():
        rng = None if make_rng is None else make_rng()
        return net.loss_and_gradient(X, Y, sw, alpha, rng)

    value = loss()
    analytic = net.grads.copy()
    params_before = net.params.copy()
    numeric = _numerical_gradient(loss, net.params)
    np.testing.assert_array_equal(net.params, params_before)
    assert np.isfinite(value)
    np.testing.assert_allclose(analytic, numeric, rtol=RTOL, atol=ATOL)
    return value, analytic


@pytest.mark.parametrize("alpha", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("kind", sorted(OUTPUTS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradient_matches_finite_differences(activation, kind, weighted, alpha):
    X, Y, sw = _problem(kind)
    net = _network(activation, kind)
    _check(net, X, Y, sw if weighted else None, alpha)


@pytest.mark.parametrize("hidden", [(), (5,), (5, 4, 3)], ids=["no-hidden", "one", "three"])
@pytest.mark.parametrize("kind", sorted(OUTPUTS))
@pytest.mark.parametrize("activation", ["logistic", "leaky_relu", "softplus"])
def test_gradient_for_other_depths(activation, kind, hidden):
    X, Y, sw = _problem(kind, seed=1)
    net = _network(activation, kind, seed=1, hidden=hidden)
    _check(net, X, Y, sw, 0.1)


def test_output_probabilities_are_not_saturated():
    # The precondition of the checks above: the eps clipping of the loss never bites.
    for activation in ACTIVATIONS:
        for kind in OUTPUTS:
            X, _, _ = _problem(kind)
            net = _network(activation, kind)
            a = X
            for W, b, act in zip(net.coefs[:-1], net.intercepts[:-1], net.hidden, strict=True):
                a = apply(act.name, a @ W + b)
            z = a @ net.coefs[-1] + net.intercepts[-1]
            p = apply("softmax", z) if OUTPUTS[kind][0] == "softmax" else apply("logistic", z)
            assert 1e-6 < p.min() and p.max() < 1 - 1e-6, (activation, kind)


def test_loss_is_the_weighted_log_loss_plus_l2():
    X, Y, sw = _problem("multiclass")
    net = _network("tanh", "multiclass")
    a = X
    for W, b in zip(net.coefs[:-1], net.intercepts[:-1], strict=True):
        a = np.tanh(a @ W + b)
    p = apply("softmax", a @ net.coefs[-1] + net.intercepts[-1])
    nll = -np.log(p[Y])
    squares = sum((W**2).sum() for W in net.coefs)
    expected = (sw * nll).sum() / sw.sum() + 0.5 * 0.1 * squares / sw.sum()
    got = net.loss_and_gradient(X, Y, sw, 0.1)
    assert got == pytest.approx(expected, rel=1e-12)
    assert net.loss_and_gradient(X, Y, None, 0.0) == pytest.approx(nll.mean(), rel=1e-12)


# ---------------------------------------------------------------- the solvers' paths


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu", "mish"])
@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_minibatch_slice_after_a_larger_batch(activation, kind):
    # SGD and Adam allocate work arrays for the largest minibatch and then run smaller
    # slices (the last minibatch of an epoch) through the same buffers.
    X, Y, sw = _problem(kind, seed=3)
    net = _network(activation, kind, seed=3)
    net.loss_and_gradient(X, Y, sw, 0.1)  # allocate for all rows
    rows = slice(2, 6)
    Xs, Ys, sws = X[rows], Y[rows], sw[rows]
    value, analytic = _check(net, Xs, Ys, sws, 0.1)
    fresh = _network(activation, kind, seed=3)
    assert fresh.loss_and_gradient(Xs.copy(), Ys.copy(), sws.copy(), 0.1) == value
    np.testing.assert_array_equal(fresh.grads, analytic)
    # Back to the full batch, then the slice again: the work arrays' row views follow.
    full = _network(activation, kind, seed=3)
    full_loss = full.loss_and_gradient(X, Y, sw, 0.1)
    assert net.loss_and_gradient(X, Y, sw, 0.1) == full_loss
    np.testing.assert_array_equal(net.grads, full.grads)
    assert net.loss_and_gradient(Xs, Ys, sws, 0.1) == value
    np.testing.assert_array_equal(net.grads, analytic)


@pytest.mark.parametrize("activation", ["relu", "swish"])
def test_sparse_input_gives_the_dense_loss_and_gradient(activation):
    X, Y, sw = _problem("multilabel", seed=4)
    X[X < 0.3] = 0.0
    net = _network(activation, "multilabel", seed=4)
    dense_loss = net.loss_and_gradient(X, Y, sw, 0.1)
    dense_grads = net.grads.copy()
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        assert net.loss_and_gradient(fmt(X), Y, sw, 0.1) == pytest.approx(dense_loss, rel=1e-14)
        np.testing.assert_allclose(net.grads, dense_grads, rtol=1e-12, atol=1e-15)
    _check(net, sp.csr_matrix(X)[1:5], Y[1:5], sw[1:5], 0.1)


def test_flat_layout_matches_scikit_learn_packing():
    net = _network("relu", "multiclass")
    shapes = [(4, 5), (5, 3), (3, 3)]
    assert [c.shape for c in net.coefs] == shapes
    assert [b.shape for b in net.intercepts] == [(5,), (3,), (3,)]
    assert net.n_coef == sum(i * o for i, o in shapes)
    assert net.params.size == net.n_coef + 5 + 3 + 3
    # scikit-learn's _pack: every weight matrix raveled, then every bias vector.
    packed = np.hstack([c.ravel() for c in net.coefs] + list(net.intercepts))
    np.testing.assert_array_equal(net.params, packed)
    for view in net.coefs + net.intercepts:
        assert np.shares_memory(view, net.params)
    for view in net.coef_grads + net.intercept_grads:
        assert np.shares_memory(view, net.grads)
    net.params[:] = np.arange(net.params.size)
    assert net.coefs[0][0, 1] == 1 and net.coefs[1][0, 0] == 20
    assert net.intercepts[0][0] == net.n_coef and net.intercepts[2][-1] == net.params.size - 1


def test_gradient_views_follow_the_same_layout():
    X, Y, sw = _problem("multiclass")
    net = _network("tanh", "multiclass")
    net.loss_and_gradient(X, Y, sw, 0.1)
    packed = np.hstack([g.ravel() for g in net.coef_grads] + list(net.intercept_grads))
    np.testing.assert_array_equal(net.grads, packed)
    # L2 touches the weights only: the bias gradients do not depend on alpha.
    grads = net.grads.copy()
    net.loss_and_gradient(X, Y, sw, 0.0)
    np.testing.assert_allclose(net.grads[net.n_coef :], grads[net.n_coef :], rtol=1e-15)
    assert not np.allclose(net.grads[: net.n_coef], grads[: net.n_coef])


def test_set_parameters_copies_into_the_flat_vector():
    net = _network("relu", "binary")
    coefs = [np.full(c.shape, k + 1.0) for k, c in enumerate(net.coefs)]
    intercepts = [np.full(b.shape, -(k + 1.0)) for k, b in enumerate(net.intercepts)]
    net.set_parameters(coefs, intercepts)
    expected = np.hstack([c.ravel() for c in coefs] + intercepts)
    np.testing.assert_array_equal(net.params, expected)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_float32_network_agrees_with_float64(activation):
    X, Y, sw = _problem("multiclass", seed=9)
    results = []
    for dtype in (np.float64, np.float32):
        out_name, n_out = OUTPUTS["multiclass"]
        act = get_activation(activation)
        net = Network([N_FEATURES, *HIDDEN, n_out], [act, act], OUTPUT_ACTIVATIONS[out_name], dtype)
        net.params[:] = np.random.default_rng(9).normal(0.0, 0.5, net.params.size)
        loss = net.loss_and_gradient(X.astype(dtype), Y, sw.astype(dtype), 0.1)
        assert net.grads.dtype == dtype
        results.append((loss, net.grads.copy()))
    (loss64, grads64), (loss32, grads32) = results
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    np.testing.assert_allclose(grads32, grads64, rtol=1e-3, atol=1e-5)


# ---------------------------------------------------------------- dropout


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_dropout_gradient_with_fixed_masks(activation, kind):
    X, Y, sw = _problem(kind, seed=5)
    net = _network(activation, kind, seed=5, dropout=[0.3, 0.5])

    def same_masks():
        return np.random.default_rng(7)

    value, _ = _check(net, X, Y, sw, 0.1, make_rng=same_masks)
    # The masks really drop units: without dropout the loss differs.
    plain = _network(activation, kind, seed=5)
    assert plain.loss_and_gradient(X, Y, sw, 0.1) != pytest.approx(value, rel=1e-6)
    # ... and a different seed draws different masks.
    other = net.loss_and_gradient(X, Y, sw, 0.1, np.random.default_rng(8))
    assert other != pytest.approx(value, rel=1e-6)


def test_dropout_on_one_layer_only():
    X, Y, sw = _problem("multiclass", seed=6)
    net = _network("elu", "multiclass", seed=6, dropout=[0.0, 0.4])
    _check(net, X, Y, sw, 0.0, make_rng=lambda: np.random.default_rng(11))


def test_zero_dropout_is_no_dropout():
    X, Y, sw = _problem("binary")
    net = _network("relu", "binary", dropout=[0.0, 0.0])
    assert net.dropout is None
    plain = _network("relu", "binary")
    assert net.loss_and_gradient(X, Y, sw, 0.1) == plain.loss_and_gradient(X, Y, sw, 0.1)
    np.testing.assert_array_equal(net.grads, plain.grads)
