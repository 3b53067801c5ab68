"""Stochastic optimisers over one flat parameter vector.

All parameters (every layer's weights, then every layer's biases) live in one
contiguous array, so an update costs the same dozen array operations whatever the
depth of the network. The arithmetic follows scikit-learn's optimisers operation
for operation, so trajectories agree to rounding (~1e-15).
"""

from __future__ import annotations

import math

import numpy as np

Array = np.ndarray


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum and a learning-rate schedule.

    Parameters
    ----------
    n_params : int
        Length of the flat parameter vector.
    dtype : numpy dtype
        Dtype of the parameters.
    learning_rate_init : float
        Initial step size.
    schedule : {'constant', 'invscaling', 'adaptive'}
        How the step size changes (see ``MLPClassifier``).
    momentum : float
        Momentum coefficient in [0, 1].
    nesterov : bool
        Use Nesterov's momentum.
    power_t : float
        Exponent of the 'invscaling' schedule.
    """

    def __init__(
        self,
        n_params: int,
        dtype: np.dtype,
        learning_rate_init: float,
        schedule: str = "constant",
        momentum: float = 0.9,
        nesterov: bool = True,
        power_t: float = 0.5,
    ) -> None:
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._tmp = np.empty(n_params, dtype=dtype)

    def step(self, params: Array, grads: Array) -> None:
        """Update ``params`` in place from ``grads``."""
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
            self.learning_rate = float(self.learning_rate_init) / (time_step + 1) ** self.power_t

    def trigger_stopping(self) -> bool:
        """Return True to stop; with the adaptive schedule, divide the step by 5 instead."""
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False


class Adam:
    """Adam (Kingma & Ba, 2014, arXiv:1412.6980) with bias correction folded into the step.

    Parameters
    ----------
    n_params : int
        Length of the flat parameter vector.
    dtype : numpy dtype
        Dtype of the parameters.
    learning_rate_init : float
        Step size.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the root of the second moment for numerical stability.
    """

    def __init__(
        self,
        n_params: int,
        dtype: np.dtype,
        learning_rate_init: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self._tmp = np.empty(n_params, dtype=dtype)

    def step(self, params: Array, grads: Array) -> None:
        """Update ``params`` in place from ``grads``."""
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

    def iteration_ends(self, time_step: int) -> None:
        """Adam keeps its step size across epochs."""

    def trigger_stopping(self) -> bool:
        """Adam always stops when progress stalls."""
        return True


Optimizer = SGD | Adam
