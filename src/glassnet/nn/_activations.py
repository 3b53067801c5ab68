"""Activation functions and their derivatives, looked up by name.

Every activation is a pair of in-place functions over ``(n_samples, n_units)``
arrays, so that the training loop allocates nothing:

- ``forward(z, out)`` writes ``f(z)`` into ``out`` (``out`` may be ``z`` itself);
- ``backward(a, z, delta)`` multiplies ``delta`` by ``f'(z)`` in place, given the
  layer's output ``a = f(z)`` and, only when ``needs_input`` is set, its input ``z``.

Most derivatives are written in terms of the output ``a`` (as scikit-learn does), so
the pre-activation need not be kept. GELU, swish and mish cannot be, and ask for ``z``.
``backward`` takes an optional ``scratch`` array shaped like ``delta``: the usual
activations write their temporaries there, so that a training loop that passes one
allocates nothing (the same operations in the same order, so the same numbers).

Everything the rest of the package needs to know about an activation is on its
``Activation`` object, so that the network, the batched stack, the recorder and the
diagnostics ask it rather than switching on names:

- ``family``: 'relu' (ReLU-like: passes gradient where ``z > 0``), 'bounded'
  (logistic, tanh: saturate at their asymptotes) or 'linear' (identity);
- ``active_rule(thresholds)``: where a unit counts as *active*: ``z > 0`` for the
  ReLU family, away from the asymptotes for bounded ones (outside: saturated);
- ``mask_derivative``: ``f'(z)`` is 1 where active and 0 elsewhere (relu), so the
  active mask is the derivative and a unit inactive on every sample is dead;
- ``histogram_range``: the fixed range of the recorder's histograms of its outputs;
- ``negated``: an optional faster form for an input stored negated (logistic);
- ``elementwise_cost``: what its forward and backward cost, for the stack's planning;
- ``onnx``: how to write it in ONNX operators, for ``glassnet.export`` (ONNX's own
  operator where one exists, composed from others where none does). It only calls the
  ``OnnxNode`` it is given, so this module imports nothing of ONNX.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

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


ActiveRule = Callable[[Array, Array], None]
"""``rule(a, out)`` writes 1.0 into ``out`` where a unit is active on a sample, 0.0 elsewhere."""


class Thresholds(Protocol):
    """When a bounded unit counts as saturated (``SaturationThresholds`` in ``_recorder``)."""

    logistic: float
    tanh: float


class OnnxNode(Protocol):
    """Adds one ONNX node to a graph being built and returns its output's name.

    ``node(op_type, *inputs, **attributes)``: each input is the name of a value in the
    graph, or a number that becomes a constant of the graph's float type. ``opset`` is
    the graph's ONNX opset, for operators that newer opsets add (``glassnet.export``
    passes one).
    """

    opset: int

    def __call__(self, op_type: str, *inputs: str | float, **attributes: float) -> str:
        """Add the node and return the name of its output."""
        ...


OnnxForm = Callable[[OnnxNode, str], str]
"""``onnx(node, z)`` writes ``f(z)`` with ``node`` and returns the name of the result."""


@dataclass(frozen=True)
class Negated:
    """An activation's forward and derivative for an input stored negated, ``-z``.

    The batched stack stores the layers into logistic units negated, because
    ``1 / (1 + exp(-z))`` computed from ``-z`` needs no negation pass: ``forward(-z,
    out)`` writes ``f(z)``; ``backward(a, z, delta, scratch)`` multiplies ``delta`` by
    ``df/d(-z)`` (as ``Activation.backward`` does by ``df/dz``).
    """

    forward: Callable[[Array, Array], None]
    backward: Callable[[Array, Array | None, Array, Array], None]


@dataclass(frozen=True)
class Activation:
    """A named activation function with its in-place derivative and its facts.

    Attributes
    ----------
    name : str
        The name users pass as ``activation=``.
    forward : callable
        ``forward(z, out)`` writes the activation of ``z`` into ``out``.
    backward : callable
        ``backward(a, z, delta, scratch=None)`` multiplies ``delta`` by the derivative
        at ``z``; ``scratch``, when given, is an array like ``delta`` for temporaries.
    needs_input : bool
        Whether ``backward`` needs the pre-activation ``z`` (otherwise ``z`` is None).
    family : {'relu', 'bounded', 'linear'}
        ReLU-like (passes gradient back where ``z > 0``), bounded (saturates at its
        asymptotes) or linear.
    active_above : float
        ReLU family: the output above which the input is positive (the unit active).
    saturation : callable or None
        Bounded family: ``saturation(thresholds)`` returns the rule that marks the
        outputs away from the asymptotes (active; elsewhere the unit is saturated).
    mask_derivative : bool
        ``f'(z)`` is exactly 1 where the unit is active and 0 elsewhere (relu): the
        active mask doubles as the derivative, and a unit inactive on every sample
        gets no gradient at all: it is dead.
    histogram_range : tuple of float
        The fixed range of the histograms of its outputs (outliers go to the end bins).
    negated : Negated or None
        A faster forward and derivative for an input stored negated (logistic).
    elementwise_cost : tuple of (int, float)
        Its forward and backward on a slice: NumPy calls, and ns per element; the
        batched stack weighs them to decide how finely to cut a layer into runs.
    onnx : callable or None
        ``onnx(node, z)`` writes the activation of the graph value ``z`` with ONNX
        operators (see `OnnxNode`) and returns the result's name; what
        ``glassnet.export.to_onnx`` writes for this activation.
    """

    name: str
    forward: Callable[[Array, Array], None]
    backward: Callable[..., None]
    needs_input: bool = False
    family: str = "relu"
    active_above: float = 0.0
    saturation: Callable[[Thresholds], ActiveRule] | None = None
    mask_derivative: bool = False
    histogram_range: tuple[float, float] = (-3.0, 6.0)
    negated: Negated | None = None
    elementwise_cost: tuple[int, float] = (6, 10.0)
    onnx: OnnxForm | None = None

    def active_rule(self, thresholds: Thresholds) -> ActiveRule | None:
        """Return ``rule(a, out)`` writing 1.0 where a unit is active, 0.0 elsewhere.

        Parameters
        ----------
        thresholds : SaturationThresholds
            When a bounded unit counts as saturated.

        Returns
        -------
        callable or None
            None for a linear activation, which is always active.
        """
        if self.family == "bounded":
            return self.saturation(thresholds)
        if self.family != "relu":
            return None
        cut = self.active_above

        def rule(a: Array, out: Array) -> None:
            np.greater(a, cut, out=out, casting="unsafe")

        return rule


def _identity(z: Array, out: Array) -> None:
    """f(z) = z."""
    if out is not z:
        out[...] = z


def _identity_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
    pass


def _logistic(z: Array, out: Array) -> None:
    """Logistic sigmoid f(z) = 1 / (1 + exp(-z)); saturates for |z| >> 1."""
    expit(z, out=out)


def _logistic_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
    # f' = f (1 - f), in the order scikit-learn uses so results agree to the bit.
    delta *= a
    delta *= np.subtract(1, a, out=scratch)


def _logistic_unsaturated(thresholds: Thresholds) -> ActiveRule:
    half = 0.5 - thresholds.logistic

    def rule(a: Array, out: Array) -> None:  # margin <= a <= 1 - margin
        np.subtract(a, 0.5, out=out)
        np.abs(out, out=out)
        np.less_equal(out, half, out=out, casting="unsafe")

    return rule


def _logistic_of_negated(z: Array, out: Array) -> None:
    """Write the logistic function of ``-z``, ``1 / (1 + exp(z))``, into ``out``.

    SciPy's ``expit`` formula, ``1 / (1 + exp(-x))``, with NumPy's SIMD ``exp`` (4x
    faster than ``expit`` on the stack's arrays; it differs from the C library's in
    the last bit for a few percent of inputs, so a stack's weights agree with a lone
    fit to rounding, as they do through the BLAS kernels).
    """
    np.exp(z, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)


def _logistic_grad_of_negated(a: Array, z: Array | None, delta: Array, scratch: Array) -> None:
    # da/d(-z) = -a (1 - a) = a (a - 1).
    np.multiply(delta, a, out=delta)
    np.subtract(a, 1, out=scratch)
    np.multiply(delta, scratch, out=delta)


def _tanh(z: Array, out: Array) -> None:
    """Hyperbolic tangent f(z) = tanh(z)."""
    np.tanh(z, out=out)


def _tanh_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
    d = np.multiply(a, a, out=scratch)  # a**2
    np.subtract(1, d, out=d)
    np.multiply(delta, d, out=delta)


def _tanh_unsaturated(thresholds: Thresholds) -> ActiveRule:
    level = thresholds.tanh

    def rule(a: Array, out: Array) -> None:  # |a| <= level
        np.abs(a, out=out)
        np.less_equal(out, level, out=out, casting="unsafe")

    return rule


def _relu(z: Array, out: Array) -> None:
    """Rectified linear unit f(z) = max(0, z) (Nair & Hinton, 2010)."""
    # On a contiguous array, against an array of zeros NumPy takes its vectorised loop;
    # against the scalar 0 it does not, and that made this the costliest line of a small
    # network's step. On the stack's strided slices the scalar is faster (no view to make).
    if z.flags.c_contiguous:
        np.maximum(z, _zeros_like(z), out=out)
    else:
        np.maximum(z, 0.0, out=out)


def _relu_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
    # Multiplying by the mask is several times faster than scikit-learn's
    # `delta[a == 0] = 0` and gives the same numbers.
    np.multiply(delta, np.greater(a, 0, out=scratch), out=delta)


def _elu(z: Array, out: Array) -> None:
    """Exponential linear unit f(z) = z if z > 0 else exp(z) - 1.

    Clevert, Unterthiner & Hochreiter (2015), "Fast and Accurate Deep Network
    Learning by Exponential Linear Units (ELUs)", arXiv:1511.07289. With alpha = 1.
    """
    neg = np.minimum(z, 0)
    np.expm1(neg, out=neg)
    np.maximum(z, 0, out=out)
    out += neg


def _elu_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
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


def _selu_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
    # f' = λ for z > 0 and f + λα otherwise.
    delta *= np.where(a > 0, _SELU_SCALE, a + _SELU_SCALE * _SELU_ALPHA)


def _leaky_relu(z: Array, out: Array) -> None:
    """Leaky ReLU f(z) = z if z > 0 else 0.01 z.

    Maas, Hannun & Ng (2013), "Rectifier Nonlinearities Improve Neural Network
    Acoustic Models", ICML workshop. Keeps a small gradient so units cannot die.
    """
    np.maximum(z, _LEAKY_SLOPE * z, out=out)


def _leaky_relu_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
    delta *= np.where(a > 0, 1.0, _LEAKY_SLOPE)


def _gelu(z: Array, out: Array) -> None:
    """Gaussian error linear unit f(z) = z Φ(z), Φ the standard normal CDF (exact form).

    Hendrycks & Gimpel (2016), "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415.
    """
    np.multiply(z, ndtr(z), out=out)


def _gelu_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
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


def _softplus_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
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


def _swish_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
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


def _mish_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
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


def _exp(z: Array, out: Array) -> None:
    """Exponential f(z) = exp(z): the Poisson regression output (a log link), always > 0."""
    np.exp(z, out=out)


def _output_grad(a: Array, z: Array | None, delta: Array, scratch: Array | None = None) -> None:
    # Output layers pair with their canonical loss: dL/dz = a - y directly.
    pass


# ONNX forms: ONNX's own operator where the opset has one, else a composition. Float
# attributes are stored as float32 in ONNX; the constants above round the same way.
_INV_SQRT_2 = 0.7071067811865476


def _identity_onnx(node: OnnxNode, z: str) -> str:
    return z


def _logistic_onnx(node: OnnxNode, z: str) -> str:
    return node("Sigmoid", z)


def _tanh_onnx(node: OnnxNode, z: str) -> str:
    return node("Tanh", z)


def _relu_onnx(node: OnnxNode, z: str) -> str:
    return node("Relu", z)


def _elu_onnx(node: OnnxNode, z: str) -> str:
    return node("Elu", z, alpha=1.0)


def _selu_onnx(node: OnnxNode, z: str) -> str:
    return node("Selu", z, alpha=_SELU_ALPHA, gamma=_SELU_SCALE)


def _leaky_relu_onnx(node: OnnxNode, z: str) -> str:
    return node("LeakyRelu", z, alpha=_LEAKY_SLOPE)


def _gelu_onnx(node: OnnxNode, z: str) -> str:
    if node.opset >= 20:  # Gelu arrived in opset 20; its default is the exact form
        return node("Gelu", z)
    # z Φ(z) = z (1 + erf(z / √2)) / 2
    half_z = node("Mul", z, 0.5)
    return node("Mul", half_z, node("Add", node("Erf", node("Mul", z, _INV_SQRT_2)), 1.0))


def _softplus_onnx(node: OnnxNode, z: str) -> str:
    return node("Softplus", z)


def _swish_onnx(node: OnnxNode, z: str) -> str:
    # ONNX has a Swish operator from opset 24 on, newer than skl2onnx writes.
    return node("Mul", z, node("Sigmoid", z))


def _mish_onnx(node: OnnxNode, z: str) -> str:
    if node.opset >= 18:  # Mish arrived in opset 18
        return node("Mish", z)
    return node("Mul", z, node("Tanh", node("Softplus", z)))


def _exp_onnx(node: OnnxNode, z: str) -> str:
    return node("Exp", z)


def _softmax_onnx(node: OnnxNode, z: str) -> str:
    return node("Softmax", z, axis=1)


# softplus(z) > log 2 exactly when z > 0; the rest of the ReLU family is positive there.
_SOFTPLUS_AT_0 = math.log(2.0)

ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in [
        Activation(
            "identity",
            _identity,
            _identity_grad,
            family="linear",
            elementwise_cost=(1, 0.3),
            onnx=_identity_onnx,
        ),
        Activation(
            "logistic",
            _logistic,
            _logistic_grad,
            family="bounded",
            elementwise_cost=(6, 3.5),
            saturation=_logistic_unsaturated,
            histogram_range=(0.0, 1.0),
            negated=Negated(_logistic_of_negated, _logistic_grad_of_negated),
            onnx=_logistic_onnx,
        ),
        Activation(
            "tanh",
            _tanh,
            _tanh_grad,
            family="bounded",
            elementwise_cost=(4, 3.0),
            saturation=_tanh_unsaturated,
            histogram_range=(-1.0, 1.0),
            onnx=_tanh_onnx,
        ),
        Activation(
            "relu",
            _relu,
            _relu_grad,
            mask_derivative=True,
            elementwise_cost=(3, 1.7),
            onnx=_relu_onnx,
        ),
        Activation("elu", _elu, _elu_grad, onnx=_elu_onnx),
        Activation("selu", _selu, _selu_grad, onnx=_selu_onnx),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_grad, onnx=_leaky_relu_onnx),
        Activation("gelu", _gelu, _gelu_grad, needs_input=True, onnx=_gelu_onnx),
        Activation(
            "softplus",
            _softplus,
            _softplus_grad,
            active_above=_SOFTPLUS_AT_0,
            onnx=_softplus_onnx,
        ),
        Activation("swish", _swish, _swish_grad, needs_input=True, onnx=_swish_onnx),
        Activation("mish", _mish, _mish_grad, needs_input=True, onnx=_mish_onnx),
    ]
}
"""Hidden-layer activations by name."""

OUTPUT_ACTIVATIONS: dict[str, Activation] = {
    "logistic": Activation(
        "logistic",
        _logistic,
        _output_grad,
        family="bounded",
        negated=Negated(_logistic_of_negated, _logistic_grad_of_negated),
        onnx=_logistic_onnx,
    ),
    "softmax": Activation("softmax", _softmax, _output_grad, family="bounded", onnx=_softmax_onnx),
    "identity": Activation(
        "identity", _identity, _output_grad, family="linear", onnx=_identity_onnx
    ),
    "exp": Activation("exp", _exp, _output_grad, family="linear", onnx=_exp_onnx),
}
"""Output activations; each is paired with its loss (``_losses.py``) so dL/dz = a - y.

'logistic' and 'softmax' for classification (log loss), 'identity' for regression
on the squared error and 'exp' for regression on the Poisson deviance (a log link).
"""


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
