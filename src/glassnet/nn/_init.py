"""Weight initialisation schemes, looked up by name.

Each scheme draws a layer's ``(fan_in, fan_out)`` weights and ``(fan_out,)`` biases
from a ``numpy.random.RandomState``. ``'auto'`` is scikit-learn's scheme to the bit
(same draws in the same order), which is what makes glassnet's training reproduce
scikit-learn's weight for weight.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray
Initializer = Callable[[np.random.RandomState, int, int, str], tuple[Array, Array]]


def _auto(rng: np.random.RandomState, fan_in: int, fan_out: int, act: str) -> tuple[Array, Array]:
    # scikit-learn: Glorot uniform with gain sqrt(1/3) for logistic, biases drawn too.
    factor = 2.0 if act == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    coef = rng.uniform(-bound, bound, (fan_in, fan_out))
    intercept = rng.uniform(-bound, bound, fan_out)
    return coef, intercept


def _glorot_uniform(
    rng: np.random.RandomState, fan_in: int, fan_out: int, act: str
) -> tuple[Array, Array]:
    # Glorot & Bengio (2010): U(±sqrt(6 / (fan_in + fan_out))), biases 0.
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def _glorot_normal(
    rng: np.random.RandomState, fan_in: int, fan_out: int, act: str
) -> tuple[Array, Array]:
    # Glorot & Bengio (2010): N(0, 2 / (fan_in + fan_out)), biases 0.
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def _he_uniform(
    rng: np.random.RandomState, fan_in: int, fan_out: int, act: str
) -> tuple[Array, Array]:
    # He, Zhang, Ren & Sun (2015): U(±sqrt(6 / fan_in)), for the ReLU family.
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def _he_normal(
    rng: np.random.RandomState, fan_in: int, fan_out: int, act: str
) -> tuple[Array, Array]:
    # He, Zhang, Ren & Sun (2015): N(0, 2 / fan_in), for the ReLU family.
    std = np.sqrt(2.0 / fan_in)
    return rng.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def _lecun_normal(
    rng: np.random.RandomState, fan_in: int, fan_out: int, act: str
) -> tuple[Array, Array]:
    # LeCun et al. (1998); Klambauer et al. (2017) for SELU: N(0, 1 / fan_in).
    std = np.sqrt(1.0 / fan_in)
    return rng.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def _normal(rng: np.random.RandomState, fan_in: int, fan_out: int, act: str) -> tuple[Array, Array]:
    # N(0, 1) whatever the layer's width: the naive scheme whose large weights saturate
    # sigmoid units and blow up deep networks (Glorot & Bengio 2010). Kept to show why
    # the scaled schemes above exist, not for use.
    return rng.normal(0.0, 1.0, (fan_in, fan_out)), np.zeros(fan_out)


INITIALIZERS: dict[str, Initializer] = {
    "auto": _auto,
    "glorot_uniform": _glorot_uniform,
    "glorot_normal": _glorot_normal,
    "he_uniform": _he_uniform,
    "he_normal": _he_normal,
    "lecun_normal": _lecun_normal,
    "normal": _normal,
}
"""Initialisation schemes by name: ``(rng, fan_in, fan_out, activation) -> (W, b)``."""


def get_initializer(name: object) -> Initializer:
    """Look up an initialisation scheme by name.

    Parameters
    ----------
    name : str
        One of the keys of ``INITIALIZERS``.

    Returns
    -------
    callable
        ``init(rng, fan_in, fan_out, activation) -> (coef, intercept)``.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(name, str) and name in INITIALIZERS:
        return INITIALIZERS[name]
    valid = ", ".join(repr(k) for k in INITIALIZERS)
    raise ValueError(f"init={name!r} is not a known initialisation. Valid names: {valid}.")
