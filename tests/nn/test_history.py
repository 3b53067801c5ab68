"""The training record measures what it says: checked against direct computation."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier as SkMLP

from glassnet import MLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=120, n_features=6, n_informative=4, random_state=0)
    return X, y


def frozen(activation, data, **params):
    """One full-batch epoch with a step too small to move any weight (1e-300)."""
    X, y = data
    kw = dict(
        hidden_layer_sizes=(7, 5),
        activation=activation,
        solver="sgd",
        momentum=0.0,
        learning_rate_init=1e-300,
        batch_size=X.shape[0],
        max_iter=1,
        random_state=1,
        health_warnings=False,
    )
    return MLPClassifier(**(kw | params)).fit(X, y)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "elu", "leaky_relu", "gelu"])
def test_active_fractions_match_the_hidden_outputs(activation, data):
    X, _ = data
    model = frozen(activation, data, init="normal")
    hidden = model.hidden_activations(X)
    history = model.history_
    for h, a in enumerate(hidden):
        if activation == "logistic":
            active = (a >= 0.02) & (a <= 0.98)
        elif activation == "tanh":
            active = np.abs(a) <= 0.97
        else:
            active = a > 0
        np.testing.assert_array_equal(history.active_fraction[h][0], active.mean(axis=0))
        expected_mean, expected_std = a.mean(), a.std()
        assert history.activation_mean[0, h] == pytest.approx(expected_mean, rel=1e-10)
        assert history.activation_std[0, h] == pytest.approx(expected_std, rel=1e-8)
        dead = history.dead_fraction[0, h]
        saturated = history.saturated_fraction[0, h]
        if activation in ("logistic", "tanh"):
            assert np.isnan(dead)
            assert saturated == np.mean(active.mean(axis=0) < 0.01)
        else:
            assert np.isnan(saturated)
            off = history.off_fraction[0, h]
            assert off == np.mean(~active.any(axis=0))
            # Only relu units die: the others keep a gradient for negative inputs.
            assert dead == off if activation == "relu" else np.isnan(dead)


def test_saturation_thresholds_are_parameters(data):
    X, _ = data
    loose = frozen("logistic", data, init="normal", saturation={"logistic": 0.2, "share": 0.5})
    a = loose.hidden_activations(X)[0]
    active = (a >= 0.2) & (a <= 0.8)
    np.testing.assert_array_equal(loose.history_.active_fraction[0][0], active.mean(axis=0))
    assert loose.history_.saturated_fraction[0, 0] == np.mean(active.mean(axis=0) < 0.5)
    with pytest.raises(ValueError, match="saturation must be None or a dict"):
        frozen("logistic", data, saturation={"sigmoid": 0.1})


def test_layer_gradient_norms_match_scikit_learn(data):
    X, y = data
    model = frozen("tanh", data, alpha=0.01)
    sk = SkMLP((7, 5), activation="tanh", alpha=0.01, random_state=1)
    # scikit-learn's own backward pass, at glassnet's (unchanged) weights
    n = X.shape[0]
    units = [X.shape[1], 7, 5, 1]
    sk.n_outputs_, sk.n_layers_, sk.out_activation_ = 1, 4, "logistic"
    sk.coefs_ = [c.copy() for c in model.coefs_]
    sk.intercepts_ = [b.copy() for b in model.intercepts_]
    activations = [X] + [np.empty((n, u)) for u in units[1:]]
    deltas = [np.empty_like(a) for a in activations[1:]]
    coef_grads = [np.empty_like(c) for c in sk.coefs_]
    intercept_grads = [np.empty_like(b) for b in sk.intercepts_]
    sk._backprop(X, y[:, None], None, activations, deltas, coef_grads, intercept_grads)
    expected = [
        np.sqrt((gw**2).sum() + (gb**2).sum())
        for gw, gb in zip(coef_grads, intercept_grads, strict=True)
    ]
    np.testing.assert_allclose(model.history_.layer_grad_norm[0], expected, rtol=1e-10)
    total = np.sqrt(sum(e**2 for e in expected))
    assert model.history_.grad_norm[0] == pytest.approx(total, rel=1e-10)


def test_update_ratio_is_the_step_over_the_weights(data):
    X, y = data
    model = MLPClassifier(
        (7,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.1,
        batch_size=X.shape[0],
        max_iter=1,
        random_state=0,
        alpha=0.0,
        health_warnings=False,
    )
    start = MLPClassifier(
        (7,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=1e-300,
        batch_size=X.shape[0],
        max_iter=1,
        random_state=0,
        alpha=0.0,
        health_warnings=False,
    ).fit(X, y)
    model.fit(X, y)
    steps = [np.linalg.norm(a - b) for a, b in zip(model.coefs_, start.coefs_, strict=True)]
    norms = [np.linalg.norm(c) for c in model.coefs_]
    np.testing.assert_allclose(model.history_.update_ratio[0], np.divide(steps, norms), rtol=1e-9)
    np.testing.assert_allclose(model.history_.layer_weight_norm[0], norms, rtol=1e-12)


def test_dead_units_counted_over_every_minibatch(data):
    # A unit active on one sample only is alive: the count must see every minibatch.
    X, _ = data
    model = frozen("relu", data, batch_size=16, init="normal")
    hidden = model.hidden_activations(X)
    for h, a in enumerate(hidden):
        np.testing.assert_array_equal(model.history_.active_fraction[h][0], (a > 0).mean(axis=0))


def test_tables_and_records_agree(data):
    X, y = data
    model = MLPClassifier((6, 4), max_iter=12, random_state=0, health_warnings=False).fit(X, y)
    h = model.history_
    layers = h.layers_frame()
    assert list(layers.columns[:4]) == ["epoch", "layer", "activation", "units"]
    assert len(layers) == 12 * 3
    hidden2 = layers[layers.layer == "hidden 2"]
    np.testing.assert_array_equal(hidden2.dead_fraction, h.dead_fraction[:, 1])
    np.testing.assert_array_equal(hidden2.grad_norm, h.layer_grad_norm[:, 1])
    epochs = h.epochs_frame()
    assert isinstance(epochs, pd.DataFrame)
    np.testing.assert_array_equal(epochs.loss, model.loss_curve_)
    units = h.units_frame()
    assert len(units) == 12 * (6 + 4)
    assert h[-1]["layers"][1]["dead_fraction"] == h.dead_fraction[-1, 1]
    assert h[-1]["grad_norm"] == h.grad_norm[-1]


def test_epoch_level_record_only(data):
    X, y = data
    model = MLPClassifier((6,), max_iter=5, random_state=0, record="epochs").fit(X, y)
    assert len(model.history_) == 5 and np.isfinite(model.history_.grad_norm).all()
    with pytest.raises(ValueError, match="record='layers'"):
        model.history_.dead_fraction  # noqa: B018
    with pytest.raises(ValueError, match="record="):
        MLPClassifier(record="everything").fit(X, y)


def test_full_record_keeps_histograms(data):
    X, y = data
    model = MLPClassifier((6,), activation="tanh", max_iter=3, random_state=0, record="full")
    model.fit(X, y)
    ((counts, edges),) = model.history_.histograms
    assert counts.shape == (3, edges.size - 1)
    assert (counts.sum(axis=1) == X.shape[0] * 6).all()  # every output of every epoch
    with pytest.raises(ValueError, match="record='full'"):
        MLPClassifier((6,), max_iter=2).fit(X, y).history_.histograms  # noqa: B018


def test_records_continue_across_chunks_and_partial_fit(data):
    X, y = data
    model = MLPClassifier((5,), max_iter=3, random_state=0, batch_size=10)
    for _ in range(4):
        model.partial_fit(X, y, classes=[0, 1])
    assert len(model.history_) == 4
    assert np.isfinite(model.history_.layer_grad_norm).all()
    assert model.history_.dead_fraction.shape == (4, 1)


def test_counts_of_very_many_minibatches_are_added_up_as_they_come():
    # 2000 minibatches x 600 units is over the per-minibatch buffer's budget (1M
    # numbers): the recorder adds each minibatch's counts to its epoch's row instead.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3))
    y = (X[:, 0] > 0).astype(int)
    model = MLPClassifier(
        (600,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=1e-300,
        batch_size=1,
        max_iter=2,
        random_state=0,
        init="normal",
        health_warnings=False,
    ).fit(X, y)
    active = model.hidden_activations(X)[0] > 0
    for epoch in range(2):
        np.testing.assert_array_equal(model.history_.active_fraction[0][epoch], active.mean(axis=0))
    assert model.history_.off_fraction[-1, 0] == np.mean(~active.any(axis=0))


def test_saved_record_is_compact_and_the_same(data):
    import pickle

    X, y = data
    seen = []
    model = MLPClassifier(
        (5, 3), max_iter=15, random_state=0, callbacks=[seen.append], health_warnings=False
    ).fit(X, y)
    # Callbacks flush the record every epoch; the 15 one-epoch blocks are merged as a
    # binary counter carries, into blocks of 8, 4, 2 and 1 epochs.
    assert [epochs.size for _, epochs in model.history_._blocks] == [8, 4, 2, 1]
    model.callbacks = None
    copy = pickle.loads(pickle.dumps(model))
    assert len(copy.history_._blocks) == 1
    assert copy.history_ == model.history_ == seen
    for name in ("dead_fraction", "layer_grad_norm", "update_ratio", "activation_std"):
        np.testing.assert_array_equal(getattr(copy.history_, name), getattr(model.history_, name))
    np.testing.assert_array_equal(copy.history_.loss, model.history_.loss)


def test_a_loaded_record_reads_and_grows_like_the_original(data):
    # Loaded records keep their columns until a dict is asked for: every way in gives
    # the original's numbers, and training on (warm start) appends after them.
    import pickle

    X, y = data
    params = dict(max_iter=6, random_state=0, health_warnings=False, warm_start=True)
    model = MLPClassifier((4,), **params).fit(X, y)
    for read in (len, lambda h: h.loss, lambda h: h.seconds, lambda h: h[-1], list):
        copy = pickle.loads(pickle.dumps(model)).history_
        assert copy._rows is None  # still columns
        np.testing.assert_equal(read(copy), read(model.history_))
    again = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(model))))
    assert again.history_ == model.history_
    again.fit(X, y)
    assert len(again.history_) == 12
    assert [e["epoch"] for e in again.history_] == list(range(1, 13))
    assert again.history_[:6] == model.history_[:]
