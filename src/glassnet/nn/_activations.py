"""Activation functions and their derivatives, looked up by name.

Every activation is a pair of in-place functions over ``(n_samples, n_units)``
arrays, so that the training loop allocates nothing:

- ``forward(z, out)`` writes ``f(z)`` into ``out`` (``out`` may be ``z`` itself);
- ``backward(a, z, delta)`` multiplies ``delta`` by ``f'(z)`` in place, given the
  layer's output ``a = f(z)`` and, only when ``needs_input`` is set, its input ``z``.

Most derivatives are written in terms of the output ``a`` (as scikit-learn does), so
the pre-activation need not be kept. GELU, swish and mish cannot be, and ask for ``z``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

Array = np.ndarray
ArrayLikeFloat = Array | list[float] | float

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_LEAKY_SLOPE = 0.01
_INV_SQRT_2PI = 0.3989422804014327


_ZEROS: dict[np.dtype, Array] = {}


def _zeros_like(a: Array) -> Array:
    """Return a read-only array of zeros shaped like ``a``, from a shared buffer."""
    buf = _ZEROS.get(a.dtype)
    if buf is None or buf.size < a.size:
        buf = np.zeros(max(a.size, 1 << 16), dtype=a.dtype)
        buf.flags.writeable = False
        _ZEROS[a.dtype] = buf
    return buf[: a.size].reshape(a.shape)


@dataclass(frozen=True)
class Activation:
    """A named activation function with its in-place derivative.

    Attributes
    ----------
    name : str
        The name users pass as ``activation=``.
    forward : callable
        ``forward(z, out)`` writes the activation of ``z`` into ``out``.
    backward : callable
        ``backward(a, z, delta)`` multiplies ``delta`` by the derivative at ``z``.
    needs_input : bool
        Whether ``backward`` needs the pre-activation ``z`` (otherwise ``z`` is None).
    """

    name: str
    forward: Callable[[Array, Array], None]
    backward: Callable[[Array, Array | None, Array], None]
    needs_input: bool = False


def _identity(z: Array, out: Array) -> None:
    """f(z) = z."""
    if out is not z:
        out[...] = z


def _identity_grad(a: Array, z: Array | None, delta: Array) -> None:
    pass


def _logistic(z: Array, out: Array) -> None:
    """Logistic sigmoid f(z) = 1 / (1 + exp(-z)); saturates for |z| >> 1."""
    expit(z, out=out)


def _logistic_grad(a: Array, z: Array | None, delta: Array) -> None:
    # f' = f (1 - f), in the order scikit-learn uses so results agree to the bit.
    delta *= a
    delta *= 1 - a


def _tanh(z: Array, out: Array) -> None:
    """Hyperbolic tangent f(z) = tanh(z)."""
    np.tanh(z, out=out)


def _tanh_grad(a: Array, z: Array | None, delta: Array) -> None:
    delta *= 1 - a**2


def _relu(z: Array, out: Array) -> None:
    """Rectified linear unit f(z) = max(0, z) (Nair & Hinton, 2010)."""
    # Against an array of zeros NumPy takes its vectorised loop; against the scalar 0
    # it does not, and that made this the costliest line of a small network's step.
    np.maximum(z, _zeros_like(z), out=out)


def _relu_grad(a: Array, z: Array | None, delta: Array) -> None:
    # Multiplying by the mask is several times faster than scikit-learn's
    # `delta[a == 0] = 0` and gives the same numbers.
    np.multiply(delta, a > 0, out=delta)


def _elu(z: Array, out: Array) -> None:
    """Exponential linear unit f(z) = z if z > 0 else exp(z) - 1.

    Clevert, Unterthiner & Hochreiter (2015), "Fast and Accurate Deep Network
    Learning by Exponential Linear Units (ELUs)", arXiv:1511.07289. With alpha = 1.
    """
    neg = np.minimum(z, 0)
    np.expm1(neg, out=neg)
    np.maximum(z, 0, out=out)
    out += neg


def _elu_grad(a: Array, z: Array | None, delta: Array) -> None:
    # f' = 1 for z > 0 and exp(z) = a + 1 otherwise; a + 1 <= 1 exactly there.
    d = a + 1
    np.minimum(d, 1, out=d)
    delta *= d


def _selu(z: Array, out: Array) -> None:
    """Scaled ELU f(z) = λ z if z > 0 else λ α (exp(z) - 1), λ ≈ 1.0507, α ≈ 1.6733.

    Klambauer, Unterthiner, Mayr & Hochreiter (2017), "Self-Normalizing Neural
    Networks", arXiv:1706.02515. Pair it with ``init='lecun_normal'``.
    """
    _elu(z, out)
    np.multiply(out, np.where(out > 0, _SELU_SCALE, _SELU_SCALE * _SELU_ALPHA), out=out)


def _selu_grad(a: Array, z: Array | None, delta: Array) -> None:
    # f' = λ for z > 0 and f + λα otherwise.
    delta *= np.where(a > 0, _SELU_SCALE, a + _SELU_SCALE * _SELU_ALPHA)


def _leaky_relu(z: Array, out: Array) -> None:
    """Leaky ReLU f(z) = z if z > 0 else 0.01 z.

    Maas, Hannun & Ng (2013), "Rectifier Nonlinearities Improve Neural Network
    Acoustic Models", ICML workshop. Keeps a small gradient so units cannot die.
    """
    np.maximum(z, _LEAKY_SLOPE * z, out=out)


def _leaky_relu_grad(a: Array, z: Array | None, delta: Array) -> None:
    delta *= np.where(a > 0, 1.0, _LEAKY_SLOPE)


def _gelu(z: Array, out: Array) -> None:
    """Gaussian error linear unit f(z) = z Φ(z), Φ the standard normal CDF (exact form).

    Hendrycks & Gimpel (2016), "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415.
    """
    np.multiply(z, ndtr(z), out=out)


def _gelu_grad(a: Array, z: Array | None, delta: Array) -> None:
    # f' = Φ(z) + z φ(z)
    phi = np.exp(-0.5 * z * z)
    phi *= _INV_SQRT_2PI
    phi *= z
    phi += ndtr(z)
    delta *= phi


def _softplus(z: Array, out: Array) -> None:
    """Softplus f(z) = log(1 + exp(z)), a smooth ReLU.

    Dugas, Bengio, Bélisle, Nadeau & Garcia (2001), "Incorporating Second-Order
    Functional Knowledge for Better Option Pricing", NeurIPS; Glorot, Bordes &
    Bengio (2011), "Deep Sparse Rectifier Neural Networks", AISTATS.
    """
    np.logaddexp(0, z, out=out)


def _softplus_grad(a: Array, z: Array | None, delta: Array) -> None:
    # f' = σ(z) = 1 - exp(-f(z)), so the output suffices.
    d = np.expm1(-a)
    np.negative(d, out=d)
    delta *= d


def _swish(z: Array, out: Array) -> None:
    """Swish / SiLU f(z) = z σ(z).

    Ramachandran, Zoph & Le (2017), "Searching for Activation Functions",
    arXiv:1710.05941; Elfwing, Uchibe & Doya (2017), arXiv:1702.03118 (SiLU).
    """
    np.multiply(z, expit(z), out=out)


def _swish_grad(a: Array, z: Array | None, delta: Array) -> None:
    # f' = σ + f (1 - σ)
    s = expit(z)
    d = 1 - s
    d *= a
    d += s
    delta *= d


def _mish(z: Array, out: Array) -> None:
    """Mish f(z) = z tanh(softplus(z)).

    Misra (2019), "Mish: A Self Regularized Non-Monotonic Activation Function",
    arXiv:1908.08681.
    """
    t = np.logaddexp(0, z)
    np.tanh(t, out=t)
    np.multiply(z, t, out=out)


def _mish_grad(a: Array, z: Array | None, delta: Array) -> None:
    # f' = tanh(sp) + z sech²(sp) σ(z),  sp = softplus(z)
    t = np.logaddexp(0, z)
    np.tanh(t, out=t)
    d = 1 - t * t
    d *= z
    d *= expit(z)
    d += t
    delta *= d


def _softmax(z: Array, out: Array) -> None:
    """Softmax over each row, shifted by the row maximum so exp never overflows."""
    tmp = z - z.max(axis=1, keepdims=True)
    np.exp(tmp, out=out)
    out /= out.sum(axis=1, keepdims=True)


def _output_grad(a: Array, z: Array | None, delta: Array) -> None:
    # Output layers pair with their canonical loss: dL/dz = a - y directly.
    pass


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in [
        Activation("identity", _identity, _identity_grad),
        Activation("logistic", _logistic, _logistic_grad),
        Activation("tanh", _tanh, _tanh_grad),
        Activation("relu", _relu, _relu_grad),
        Activation("elu", _elu, _elu_grad),
        Activation("selu", _selu, _selu_grad),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_grad),
        Activation("gelu", _gelu, _gelu_grad, needs_input=True),
        Activation("softplus", _softplus, _softplus_grad),
        Activation("swish", _swish, _swish_grad, needs_input=True),
        Activation("mish", _mish, _mish_grad, needs_input=True),
    ]
}
"""Hidden-layer activations by name."""

OUTPUT_ACTIVATIONS: dict[str, Activation] = {
    "logistic": Activation("logistic", _logistic, _output_grad),
    "softmax": Activation("softmax", _softmax, _output_grad),
}
"""Output activations; each is paired with its log loss so dL/dz = a - y."""


def get_activation(name: object) -> Activation:
    """Look up a hidden-layer activation by name.

    Parameters
    ----------
    name : str
        One of the keys of ``ACTIVATIONS``.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(name, str) and name in ACTIVATIONS:
        return ACTIVATIONS[name]
    valid = ", ".join(repr(k) for k in ACTIVATIONS)
    raise ValueError(
        f"activation={name!r} is not a known activation. Valid names: {valid}; "
        "or a list with one of them per hidden layer."
    )


def apply(name: str, z: ArrayLikeFloat) -> Array:
    """Return ``f(z)`` for the named activation as a new array (for plots and tests).

    Parameters
    ----------
    name : str
        A hidden-layer activation name or ``'softmax'``.
    z : array-like of float
        Inputs.

    Returns
    -------
    ndarray
        The activation values, same shape as ``z``.
    """
    z = np.array(z, dtype=float)
    act = OUTPUT_ACTIVATIONS["softmax"] if name == "softmax" else get_activation(name)
    out = np.empty_like(z)
    act.forward(z, out)
    return out


def derivative(name: str, z: ArrayLikeFloat) -> Array:
    """Return ``f'(z)`` for the named hidden-layer activation (for plots and tests).

    Parameters
    ----------
    name : str
        A hidden-layer activation name.
    z : array-like of float
        Inputs.

    Returns
    -------
    ndarray
        The derivative values, same shape as ``z``.
    """
    z = np.array(z, dtype=float)
    act = get_activation(name)
    a = apply(name, z)
    d = np.ones_like(z)
    act.backward(a, z if act.needs_input else None, d)
    return d
