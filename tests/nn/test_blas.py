import numpy as np
import pytest
from sklearn.datasets import make_moons
from threadpoolctl import threadpool_info

from glassnet import MLPClassifier


def _threads():
    return {info["filepath"]: info["num_threads"] for info in threadpool_info()}


def test_thread_pools_are_limited_during_fit_and_restored_after():
    X, y = make_moons(200, noise=0.2, random_state=0)
    before = _threads()
    seen = []
    model = MLPClassifier(
        (4,), max_iter=3, random_state=0, callbacks=[lambda r: seen.append(_threads())]
    )
    model.fit(X, y)
    assert _threads() == before
    during = seen[0]
    # A tiny network trains on one NumPy BLAS thread, and every other pool has one.
    assert all(n == 1 for n in during.values()), during


def test_large_layers_keep_numpy_blas_threads():
    before = _threads()
    numpy_blas = [path for path in before if "numpy" in path]
    if not numpy_blas or before[numpy_blas[0]] < 2:
        pytest.skip("NumPy's BLAS is not a separate multi-threaded library here")
    X = np.random.default_rng(0).normal(size=(300, 64))
    y = (X[:, 0] > 0).astype(int)
    seen = []
    model = MLPClassifier(
        (256, 256), batch_size=300, max_iter=1, callbacks=[lambda r: seen.append(_threads())]
    )
    model.fit(X, y)
    assert seen[0][numpy_blas[0]] == before[numpy_blas[0]]
