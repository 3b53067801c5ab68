"""transform(X): a fitted network as a feature extractor (oracle: a manual forward pass)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier
from glassnet.nn._activations import apply

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    return make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=0
    )


def _manual_hidden(clf, X, activations):
    """Every hidden layer's output from coefs_/intercepts_, one NumPy formula at a time."""
    hidden, a = [], X
    for W, b, name in zip(clf.coefs_[:-1], clf.intercepts_[:-1], activations, strict=True):
        a = apply(name, a @ W + b)
        hidden.append(a)
    return hidden


@pytest.mark.parametrize("activation", [["tanh", "relu"], ["elu", "logistic"]])
def test_transform_is_a_hidden_layer_as_a_manual_forward_pass_computes_it(data, activation):
    X, y = data
    clf = MLPClassifier((7, 4), activation=activation, max_iter=30, random_state=0).fit(X, y)
    first, last = _manual_hidden(clf, X, activation)
    np.testing.assert_allclose(clf.transform(X), last, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(clf.transform(X, layer=-1), last, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(clf.transform(X, layer=1), last, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(clf.transform(X, layer=0), first, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(clf.transform(X, layer=-2), first, rtol=1e-12, atol=1e-15)
    assert clf.transform(X).shape == (len(X), 4)
    np.testing.assert_array_equal(clf.transform(X), clf.hidden_activations(X)[-1])


def test_transform_of_sparse_input_and_in_float32(data):
    X, y = data
    X = np.where(X > 0.3, X, 0.0)
    clf = MLPClassifier((6,), max_iter=20, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.transform(sp.csr_matrix(X)), clf.transform(X), rtol=1e-12)
    small = MLPClassifier((6,), max_iter=20, random_state=0).fit(X.astype(np.float32), y)
    assert small.transform(X.astype(np.float32)).dtype == np.float32


def test_fit_transform_is_fit_then_transform(data):
    X, y = data
    params = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    features = MLPClassifier(**params).fit_transform(X, y)
    np.testing.assert_array_equal(features, MLPClassifier(**params).fit(X, y).transform(X))


def test_a_fitted_network_feeds_another_estimator_in_a_pipeline(data):
    X, y = data
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier((8,), activation="tanh", max_iter=200, random_state=0),
        LogisticRegression(),
    ).fit(X, y)
    scaler, net, head = pipe.named_steps.values()
    (features,) = _manual_hidden(net, scaler.transform(X), ["tanh"])
    np.testing.assert_allclose(pipe[:-1].transform(X), features, rtol=1e-12, atol=1e-15)
    assert head.n_features_in_ == 8
    np.testing.assert_array_equal(pipe.predict(X), head.predict(features))
    assert pipe.score(X, y) > 0.6


def test_transform_says_what_is_wrong(data):
    X, y = data
    with pytest.raises(NotFittedError):
        MLPClassifier((3,)).transform(X)
    clf = MLPClassifier((4, 3), max_iter=5, random_state=0).fit(X, y)
    for layer in (2, -3, 1.0, True, "last"):
        with pytest.raises(ValueError, match=r"is not a hidden layer of this network, which has 2"):
            clf.transform(X, layer=layer)
    with pytest.raises(ValueError, match=r"pass an int from -2 to 1"):
        clf.transform(X, layer=5)
    bare = MLPClassifier((), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"this network has none \(hidden_layer_sizes=\(\)\)"):
        bare.transform(X)
    with pytest.raises(ValueError, match="features"):
        clf.transform(X[:, :3])
