"""How many threads BLAS may use while a network trains.

NumPy's BLAS is the only one the training loop calls: SciPy ships its own OpenBLAS,
and calling it (for axpy) between NumPy's threaded products made their worker
threads spin against each other, 10-50x slower on two cores.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

Array = np.ndarray

# Below this many multiply-adds per minibatch, BLAS threads cost more than they
# save: on a busy 2-core machine two-thread OpenBLAS made tiny products 15-190x slower.
SINGLE_THREAD_BELOW = 2_000_000
_controller: ThreadpoolController | None = None


def blas_threads_for(layer_units: list[int], batch_rows: int) -> int | None:
    """Return 1 when a minibatch's products are too small for threads, else None."""
    macs = batch_rows * sum(i * o for i, o in itertools.pairwise(layer_units))
    return 1 if macs < SINGLE_THREAD_BELOW else None


class limit_blas_threads:
    """Limit BLAS to ``n`` threads inside the block (no limit when ``n`` is None).

    The controller is made once per process: finding the BLAS libraries is slow,
    and ``partial_fit`` may be called thousands of times.
    """

    def __init__(self, n: int | None) -> None:
        self._n = n
        self._limiter: Any = None

    def __enter__(self) -> None:
        global _controller
        if self._n is None:
            return
        if _controller is None:
            _controller = ThreadpoolController()
        self._limiter = _controller.limit(limits=self._n, user_api="blas")

    def __exit__(self, *exc: object) -> None:
        if self._limiter is not None:
            self._limiter.restore_original_limits()
