"""How many threads the native thread pools may use while a network trains.

NumPy's BLAS does the training's matrix products. Other pools in the process must
stay out of its way: SciPy ships its own OpenBLAS, which L-BFGS-B uses for its
vector updates between NumPy's threaded products, and the two libraries' worker
threads then spin against each other. Held to one thread while glassnet trains,
L-BFGS on 20,000 x 50 rows, hidden (256, 128), ran in 2.3 s instead of 4.5 s on two
cores (and an experiment calling SciPy's axpy in the SGD loop was 10-50x slower).
"""

from __future__ import annotations

import itertools
from typing import Any

from threadpoolctl import ThreadpoolController

# Below this many multiply-adds per minibatch, BLAS threads cost more than they
# save: on a busy 2-core machine two-thread OpenBLAS made tiny products 15-190x slower.
SINGLE_THREAD_BELOW = 2_000_000
_controller: ThreadpoolController | None = None


def blas_threads_for(layer_units: list[int], batch_rows: int) -> int | None:
    """Return 1 when a minibatch's products are too small for threads, else None."""
    macs = batch_rows * sum(i * o for i, o in itertools.pairwise(layer_units))
    return 1 if macs < SINGLE_THREAD_BELOW else None


def _pools() -> tuple[list[Any], list[Any]]:
    """Split the process's thread pools into NumPy's BLAS and all the others."""
    global _controller
    if _controller is None:  # finding the libraries is slow: once per process
        _controller = ThreadpoolController()
    pools = _controller.lib_controllers
    numpy_blas = [p for p in pools if p.user_api == "blas" and "numpy" in p.filepath]
    if not numpy_blas:  # NumPy and SciPy share a system BLAS: it is NumPy's too
        numpy_blas = [p for p in pools if p.user_api == "blas"]
    return numpy_blas, [p for p in pools if p not in numpy_blas]


class limit_blas_threads:
    """Inside the block, NumPy's BLAS gets ``n`` threads (unchanged when None), the rest one.

    Parameters
    ----------
    n : int or None
        Threads for NumPy's BLAS.
    """

    def __init__(self, n: int | None) -> None:
        self._n = n
        self._saved: list[tuple[Any, int]] = []

    def __enter__(self) -> None:
        numpy_blas, others = _pools()
        wanted = [(p, 1) for p in others]
        if self._n is not None:
            wanted += [(p, self._n) for p in numpy_blas]
        for pool, threads in wanted:
            if pool.num_threads != threads:
                self._saved.append((pool, pool.num_threads))
                pool.set_num_threads(threads)

    def __exit__(self, *exc: object) -> None:
        for pool, threads in self._saved:
            pool.set_num_threads(threads)
        self._saved.clear()
