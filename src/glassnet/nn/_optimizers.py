"""Stochastic optimisers over parameters of any shape, looked up by name.

One network keeps all its parameters (every layer's weights, then every layer's
biases) in one flat vector ``(n_params,)``, so an update costs the same dozen array
operations whatever the depth. The batched stack keeps many networks' parameters as
the rows of one ``(n_nets, n_params)`` array. The same optimiser serves both: its
state has the parameters' shape, and its learning rate is a number, or a column
``(n_nets, 1)`` (one rate per network) that broadcasts along each row. The
arithmetic follows scikit-learn's optimisers operation for operation, so
trajectories agree to rounding (~1e-15), and a zero gradient leaves the state and
the step exactly zero (which keeps the stack's padding at zero).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

Array = np.ndarray
Rate = float | Array  # one learning rate, or a column of one per network


class _Optimizer:
    """What SGD and Adam share: state arrays shaped like the parameters.

    ``STATE`` names the state arrays, each with whether it is linear in the gradient
    (a velocity, a first moment: it changes sign with the gradient) or not (a second
    moment): the batched stack stores some layers negated and must know which.
    """

    STATE: ClassVar[dict[str, bool]] = {}
    learning_rate_init: Rate
    learning_rate: Rate

    def keep(self, rows: Array) -> None:
        """Keep the state of the networks at ``rows`` only (stacked parameters).

        Parameters
        ----------
        rows : ndarray of int
            Indices into the current rows of the stacked parameters.
        """
        for name in self.STATE:
            setattr(self, name, getattr(self, name)[rows])
        self._tmp = np.empty_like(getattr(self, next(iter(self.STATE))))
        if isinstance(self.learning_rate_init, np.ndarray):
            self.learning_rate_init = self.learning_rate_init[rows]
        if isinstance(self.learning_rate, np.ndarray):
            self.learning_rate = self.learning_rate[rows]

    def row(
        self, k: int, learning_rate_init: float, unpack: Callable[[Array, bool], Array]
    ) -> _Optimizer:
        """Network ``k`` of stacked parameters: the optimiser a lone ``fit`` would hold.

        Parameters
        ----------
        k : int
            The row of the stacked parameters.
        learning_rate_init : float
            The network's own initial learning rate.
        unpack : callable
            ``unpack(stacked, linear)`` returns row ``k`` of a stacked state array as
            the network's flat vector; ``linear`` says whether the state changes sign
            with the gradient.

        Returns
        -------
        SGD or Adam
            An optimiser over ``(n_params,)``.
        """
        lone = copy.copy(self)
        for name, linear in self.STATE.items():
            setattr(lone, name, unpack(getattr(self, name), linear))
        lone._tmp = np.empty_like(getattr(lone, next(iter(self.STATE))))
        lone.learning_rate_init = learning_rate_init
        lone.learning_rate = float(np.asarray(self.learning_rate).reshape(-1)[k])
        return lone

    def iteration_ends(self, time_step: int) -> None:
        """Update the step size at the end of an epoch (``time_step`` samples seen)."""

    def scale_learning_rate(self, factor: float) -> None:
        """Multiply the step size by ``factor`` from the next step on (a callback's change).

        The initial rate is scaled too: Adam and the 'invscaling' schedule recompute
        the rate from it, and the change must last.
        """
        self.learning_rate_init = self.learning_rate_init * factor
        self.learning_rate = self.learning_rate * factor

    def trigger_stopping(self, k: int | None = None) -> bool:
        """Whether training stops once progress stalls (network ``k`` of a stack)."""
        return True


class SGD(_Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum and a learning-rate schedule.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the parameters: ``n_params``, or ``(n_nets, n_params)`` stacked.
    dtype : numpy dtype
        Dtype of the parameters.
    learning_rate_init : float or ndarray of shape (n_nets, 1)
        Initial step size (one per network when stacked).
    schedule : {'constant', 'invscaling', 'adaptive'}
        How the step size changes (see ``MLPClassifier``).
    momentum : float
        Momentum coefficient in [0, 1].
    nesterov : bool
        Use Nesterov's momentum.
    power_t : float
        Exponent of the 'invscaling' schedule.
    """

    STATE: ClassVar[dict[str, bool]] = {"velocity": True}

    def __init__(
        self,
        shape: int | tuple[int, ...],
        dtype: np.dtype,
        learning_rate_init: Rate,
        schedule: str = "constant",
        momentum: float = 0.9,
        nesterov: bool = True,
        power_t: float = 0.5,
    ) -> None:
        self.learning_rate_init = learning_rate_init
        self.learning_rate = _initial_rate(learning_rate_init)
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(shape, dtype=dtype)
        self._tmp = np.empty(shape, dtype=dtype)

    @classmethod
    def from_params(
        cls, est: Any, shape: int | tuple[int, ...], dtype: np.dtype, learning_rate_init: Rate
    ) -> SGD:
        """Build from an estimator's hyperparameters (``learning_rate``, ``momentum``, ...)."""
        return cls(
            shape,
            dtype,
            learning_rate_init,
            est.learning_rate,
            est.momentum,
            est.nesterovs_momentum,
            est.power_t,
        )

    def step(self, params: Array, grads: Array) -> None:
        """Update ``params`` in place from ``grads`` (both of the optimiser's shape)."""
        v, tmp = self.velocity, self._tmp
        np.multiply(grads, self.learning_rate, out=tmp)  # lr * g
        v *= self.momentum
        v -= tmp  # v = momentum * v - lr * g
        if self.nesterov:
            params -= tmp
            np.multiply(v, self.momentum, out=tmp)
            params += tmp  # params += momentum * v - lr * g
        else:
            params += v

    def iteration_ends(self, time_step: int) -> None:
        """Update the step size at the end of an epoch (``time_step`` samples seen)."""
        if self.schedule == "invscaling":
            init = self.learning_rate_init
            init = init if isinstance(init, np.ndarray) else float(init)
            self.learning_rate = init / (time_step + 1) ** self.power_t

    def trigger_stopping(self, k: int | None = None) -> bool:
        """Return True to stop; with the adaptive schedule, divide the step by 5 instead.

        Parameters
        ----------
        k : int, optional
            The network, when the parameters are stacked (its own rate is divided).
        """
        rate = self.learning_rate if k is None else self.learning_rate[k, 0]
        if self.schedule != "adaptive" or rate <= 1e-6:
            return True
        if k is None:
            self.learning_rate /= 5.0
        else:
            self.learning_rate[k, 0] /= 5.0
        return False


class Adam(_Optimizer):
    """Adam (Kingma & Ba, 2014, arXiv:1412.6980) with bias correction folded into the step.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the parameters: ``n_params``, or ``(n_nets, n_params)`` stacked.
    dtype : numpy dtype
        Dtype of the parameters.
    learning_rate_init : float or ndarray of shape (n_nets, 1)
        Step size (one per network when stacked).
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the root of the second moment for numerical stability.
    """

    STATE: ClassVar[dict[str, bool]] = {"m": True, "v": False}

    def __init__(
        self,
        shape: int | tuple[int, ...],
        dtype: np.dtype,
        learning_rate_init: Rate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        self.learning_rate_init = learning_rate_init
        self.learning_rate = _initial_rate(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(shape, dtype=dtype)
        self.v = np.zeros(shape, dtype=dtype)
        self._tmp = np.empty(shape, dtype=dtype)

    @classmethod
    def from_params(
        cls, est: Any, shape: int | tuple[int, ...], dtype: np.dtype, learning_rate_init: Rate
    ) -> Adam:
        """Build from an estimator's hyperparameters (``beta_1``, ``beta_2``, ``epsilon``)."""
        return cls(shape, dtype, learning_rate_init, est.beta_1, est.beta_2, est.epsilon)

    def step(self, params: Array, grads: Array) -> None:
        """Update ``params`` in place from ``grads`` (both of the optimiser's shape)."""
        m, v, tmp = self.m, self.v, self._tmp
        self.t += 1
        m *= self.beta_1
        np.multiply(grads, 1 - self.beta_1, out=tmp)
        m += tmp  # m = beta_1 m + (1 - beta_1) g
        v *= self.beta_2
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - self.beta_2
        v += tmp  # v = beta_2 v + (1 - beta_2) g²
        self.learning_rate = (
            self.learning_rate_init * math.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        )
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= self.learning_rate
        params -= tmp


def _initial_rate(learning_rate_init: Rate) -> Rate:
    # A column is copied (the adaptive schedule divides rows of it in place).
    if isinstance(learning_rate_init, np.ndarray):
        return learning_rate_init.copy()
    return float(learning_rate_init)


Optimizer = SGD | Adam

OPTIMIZERS: dict[str, type[SGD] | type[Adam]] = {"sgd": SGD, "adam": Adam}
"""The stochastic solvers by name; 'lbfgs' is SciPy's, driven by the estimator."""

SOLVERS = ("lbfgs", *OPTIMIZERS)
"""Every valid ``solver=``."""


def get_optimizer(name: object) -> type[SGD] | type[Adam]:
    """Look up a stochastic solver by name.

    Parameters
    ----------
    name : str
        One of the keys of ``OPTIMIZERS``.

    Returns
    -------
    type
        ``SGD`` or ``Adam``; build one with its ``from_params``.

    Raises
    ------
    ValueError
        If the name is not a stochastic solver; the message lists the valid names.
    """
    if isinstance(name, str) and name in OPTIMIZERS:
        return OPTIMIZERS[name]
    valid = ", ".join(repr(k) for k in OPTIMIZERS)
    raise ValueError(f"solver={name!r} is not a stochastic optimiser. Valid names: {valid}.")
