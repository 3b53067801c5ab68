import math
import re
import warnings

import numpy as np
import pytest

from glassnet.nn import ACTIVATIONS, get_activation
from glassnet.nn._activations import OUTPUT_ACTIVATIONS, apply, derivative

SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _softplus(z):
    # log(1 + e^z), written so that math.exp cannot overflow
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


REFERENCES = {
    "identity": lambda z: z,
    "logistic": _sigmoid,
    "tanh": math.tanh,
    "relu": lambda z: max(0.0, z),
    "elu": lambda z: z if z > 0 else math.exp(z) - 1,
    "selu": lambda z: SELU_LAMBDA * (z if z > 0 else SELU_ALPHA * (math.exp(z) - 1)),
    "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
    "gelu": lambda z: z * 0.5 * (1 + math.erf(z / math.sqrt(2))),
    "softplus": _softplus,
    "swish": lambda z: z * _sigmoid(z),
    "mish": lambda z: z * math.tanh(_softplus(z)),
}

KINKED = {"relu", "leaky_relu", "elu", "selu"}  # not differentiable (or not C²) at 0

GRID = np.concatenate(
    [
        [-1000.0, -700.0, -100.0, -40.0, -30.0, -1e-8],
        np.linspace(-8, 8, 161),
        [1e-8, 30.0, 40.0, 100.0, 700.0, 1000.0],
    ]
)


def _strict():
    """Turn every NumPy floating-point problem except underflow into an error."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


def test_registry_lists_every_reference():
    assert set(ACTIVATIONS) == set(REFERENCES)
    assert set(OUTPUT_ACTIVATIONS) == {"logistic", "softmax", "identity", "exp"}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_apply_matches_reference_formula(name):
    with warnings.catch_warnings(), _strict():
        warnings.simplefilter("error")
        got = apply(name, GRID)
    expected = np.array([REFERENCES[name](float(z)) for z in GRID])
    assert got.shape == GRID.shape
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_differences(name):
    z = GRID
    if name in KINKED:
        z = z[np.abs(z) > 1e-3]
    with warnings.catch_warnings(), _strict():
        warnings.simplefilter("error")
        got = derivative(name, z)
        h = 1e-6 * np.maximum(1.0, np.abs(z))
        numeric = (apply(name, z + h) - apply(name, z - h)) / (2 * h)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(KINKED))
def test_kinked_derivatives_take_one_side_at_zero(name):
    left = derivative(name, [-1e-12])[0]
    right = derivative(name, [1e-12])[0]
    at_zero = derivative(name, [0.0])[0]
    assert at_zero in (pytest.approx(left), pytest.approx(right))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_works_in_place_and_on_2d_arrays(name):
    # The prediction path calls forward(z, z); the training path writes to another array.
    z = np.linspace(-5, 5, 24).reshape(4, 6)
    expected = apply(name, z.ravel()).reshape(4, 6)
    inplace = z.copy()
    ACTIVATIONS[name].forward(inplace, inplace)
    np.testing.assert_array_equal(inplace, expected)
    out = np.empty_like(z)
    ACTIVATIONS[name].forward(z, out)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(z, np.linspace(-5, 5, 24).reshape(4, 6))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_backward_scales_delta_by_the_derivative(name):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 3)) * 3
    act = ACTIVATIONS[name]
    a = apply(name, z)
    delta = rng.normal(size=(5, 3))
    expected = delta * derivative(name, z)
    act.backward(a, z.copy() if act.needs_input else None, delta)
    np.testing.assert_allclose(delta, expected, rtol=1e-12, atol=1e-15)


def test_softmax_rows_sum_to_one_without_overflow():
    z = np.array(
        [
            [1000.0, 1000.0, 999.0],
            [-1000.0, 0.0, 1000.0],
            [-1000.0, -1000.0, -1001.0],
            [1e300, 1e300, 1e300],
            [0.1, 0.2, 0.3],
        ]
    )
    with warnings.catch_warnings(), _strict():
        warnings.simplefilter("error")
        p = apply("softmax", z)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    e = np.exp(np.array([1.0, 1.0, 0.0]) - 1.0)
    np.testing.assert_allclose(p[0], e / e.sum(), rtol=1e-15)
    np.testing.assert_allclose(p[1], [0.0, 0.0, 1.0], atol=1e-300)
    np.testing.assert_allclose(p[3], [1 / 3] * 3, rtol=1e-15)
    e = np.exp([0.1, 0.2, 0.3])
    np.testing.assert_allclose(p[4], e / e.sum(), rtol=1e-14)


def test_softmax_is_shift_invariant():
    z = np.random.default_rng(1).normal(size=(6, 4))
    np.testing.assert_allclose(apply("softmax", z), apply("softmax", z + 500.0), rtol=1e-12)


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match=r"activation='nope' is not a known activation") as err:
        get_activation("nope")
    for name in ACTIVATIONS:
        assert repr(name) in str(err.value)
    with pytest.raises(ValueError, match=re.escape("Valid names: 'identity', 'logistic'")):
        apply("nope", [0.0])
    with pytest.raises(ValueError, match="is not a known activation"):
        derivative("softmax", [0.0])
    with pytest.raises(ValueError, match="is not a known activation"):
        get_activation(None)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_docstring_gives_the_formula(name):
    doc = ACTIVATIONS[name].forward.__doc__
    assert doc, f"{name}'s forward function has no docstring"
    assert "f(z) =" in doc


@pytest.mark.parametrize("name", ["relu", "elu", "selu", "leaky_relu", "gelu", "softplus", "swish"])
def test_modern_activation_docstring_cites_its_paper(name):
    assert re.search(r"\b(19|20)\d\d\b", ACTIVATIONS[name].forward.__doc__)


def test_mish_docstring_cites_its_paper():
    assert "arXiv:1908.08681" in ACTIVATIONS["mish"].forward.__doc__
