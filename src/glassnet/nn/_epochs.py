"""What the minibatch loop needs around it: rows in epoch order, and BLAS threads.

Kept apart from the estimator because both are about speed, not about learning.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

Array = np.ndarray

# Below this many multiply-adds per minibatch, BLAS threads cost more than they
# save: on a busy 2-core machine two-thread OpenBLAS made tiny products 15-190x slower.
SINGLE_THREAD_BELOW = 2_000_000
_controller: ThreadpoolController | None = None


class EpochRows:
    """The training rows in this epoch's order, as contiguous arrays.

    Copying the rows once per epoch in shuffled order lets every minibatch be a
    contiguous slice, which is much cheaper than gathering rows per minibatch.
    The order is drawn as ``sklearn.utils.shuffle`` draws it (a permutation of the
    previous order), so the minibatches are scikit-learn's own.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    shuffle : bool
        Reorder every epoch; otherwise the arrays are used as they are.
    """

    def __init__(self, X: Any, Y: Array, sample_weight: Array | None, shuffle: bool) -> None:
        self._source = (X, Y, sample_weight)
        self.n_samples = X.shape[0]
        self._order = np.arange(self.n_samples)
        self._shuffle = shuffle
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        if shuffle:
            self.X = None if sp.issparse(X) else np.empty_like(X)
            self.Y = np.empty_like(Y)
            self.sample_weight = None if sample_weight is None else np.empty_like(sample_weight)

    def next_epoch(self, rng: np.random.RandomState) -> None:
        """Draw the next epoch's order from ``rng`` and copy the rows into it."""
        if not self._shuffle:
            return
        self._order = self._order[rng.permutation(self.n_samples)]
        X, Y, sw = self._source
        if sp.issparse(X):
            self.X = X[self._order]
        else:
            np.take(X, self._order, axis=0, out=self.X)
        np.take(Y, self._order, axis=0, out=self.Y)
        if sw is not None:
            np.take(sw, self._order, out=self.sample_weight)


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
