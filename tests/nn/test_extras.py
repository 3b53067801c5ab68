import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.utils.class_weight import compute_sample_weight

from glassnet import MLPClassifier
from glassnet.nn import INITIALIZERS
from glassnet.nn._activations import apply

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RECORD_KEYS = {
    "epoch",
    "loss",
    "validation_loss",
    "validation_score",
    "learning_rate",
    "grad_norm",
    "weight_norm",
    "seconds",
    "layers",
}


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(
        n_samples=90,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.3, 0.1],
        random_state=0,
    )
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def binary(multiclass):
    X, y = multiclass
    return X, (y == 0).astype(int)


def _same_model(a, b):
    for wa, wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert a.loss_curve_ == b.loss_curve_


def _manual_forward(clf, X, activations):
    """Every layer's output from coefs_/intercepts_ and plain NumPy formulas."""
    hidden, a = [], X
    for W, b, name in zip(clf.coefs_[:-1], clf.intercepts_[:-1], activations, strict=True):
        a = apply(name, a @ W + b)
        hidden.append(a)
    z = a @ clf.coefs_[-1] + clf.intercepts_[-1]
    out = softmax(z, axis=1) if clf.out_activation_ == "softmax" else expit(z)
    return hidden, out


# ---------------------------------------------------------------- initialisation


def _initial(X, y, **params):
    # A step of 1e-300 leaves every weight as it was drawn (it is below one ulp of each).
    kw = {
        "solver": "sgd",
        "learning_rate_init": 1e-300,
        "momentum": 0.0,
        "max_iter": 1,
        "random_state": 0,
        **params,
    }
    return MLPClassifier(**kw).fit(X, y)


# name -> (distribution, scale(fan_in, fan_out), biases drawn too)
INIT_SPECS = {
    "auto": ("uniform", lambda i, o: np.sqrt(6 / (i + o)), True),
    "glorot_uniform": ("uniform", lambda i, o: np.sqrt(6 / (i + o)), False),
    "glorot_normal": ("normal", lambda i, o: np.sqrt(2 / (i + o)), False),
    "he_uniform": ("uniform", lambda i, o: np.sqrt(6 / i), False),
    "he_normal": ("normal", lambda i, o: np.sqrt(2 / i), False),
    "lecun_normal": ("normal", lambda i, o: np.sqrt(1 / i), False),
    "normal": ("normal", lambda i, o: 1.0, False),
}


def test_every_initializer_is_specified():
    assert set(INITIALIZERS) == set(INIT_SPECS)


@pytest.fixture(scope="module")
def wide():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 200))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("name", sorted(INIT_SPECS))
def test_initializer_scale(wide, name):
    X, y = wide
    dist, scale, with_biases = INIT_SPECS[name]
    clf = _initial(X, y, hidden_layer_sizes=(300,), init=name)
    for k, (W, b) in enumerate(zip(clf.coefs_, clf.intercepts_, strict=True)):
        fan_in, fan_out = W.shape
        s = scale(fan_in, fan_out)
        rtol = 0.03 if k == 0 else 0.25  # 60,000 draws in layer 0, 300 in the output layer
        if dist == "uniform":
            assert np.abs(W).max() <= s
            assert np.abs(W).max() > (0.99 if k == 0 else 0.9) * s
            assert W.std() == pytest.approx(s / np.sqrt(3), rel=rtol)
        else:
            assert W.std() == pytest.approx(s, rel=rtol)
        assert abs(W.mean()) < (0.02 if k == 0 else 0.3) * s
        if with_biases:
            assert np.abs(b).max() <= s and np.count_nonzero(b) == b.size
        else:
            np.testing.assert_allclose(b, 0.0, rtol=0, atol=1e-250)


def test_auto_uses_the_logistic_gain(wide):
    X, y = wide
    clf = _initial(X, y, hidden_layer_sizes=(300,), activation="logistic")
    bound = np.sqrt(2 / (200 + 300))
    W = clf.coefs_[0]
    assert np.abs(W).max() <= bound < np.abs(W).max() / 0.99
    assert np.abs(clf.intercepts_[0]).max() <= bound


def test_auto_and_glorot_uniform_draw_the_same_first_weights(binary):
    X, y = binary
    auto = _initial(X, y, hidden_layer_sizes=(5, 4), init="auto")
    glorot = _initial(X, y, hidden_layer_sizes=(5, 4), init="glorot_uniform")
    # Same bound, same first draw; 'auto' then draws biases too, 'glorot_uniform' does not.
    np.testing.assert_array_equal(auto.coefs_[0], glorot.coefs_[0])
    assert np.all(auto.intercepts_[0] != 0)
    np.testing.assert_allclose(glorot.intercepts_[0], 0.0, atol=1e-250)


@pytest.mark.parametrize("activation", ["logistic", "relu", "tanh"])
@pytest.mark.parametrize("sizes", [(), (7,), (6, 5)], ids=["no-hidden", "one", "two"])
def test_auto_reproduces_scikit_learn_initial_weights(multiclass, sizes, activation):
    X, y = multiclass
    params = {
        "hidden_layer_sizes": sizes,
        "activation": activation,
        "solver": "sgd",
        "learning_rate_init": 1e-300,
        "momentum": 0.0,
        "max_iter": 1,
        "random_state": 0,
    }
    ours = MLPClassifier(**params).fit(X, y)
    theirs = SklearnMLPClassifier(**params).fit(X, y)
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- gradient clipping


def test_clip_grad_norm_bounds_the_step_and_records_the_raw_norm(binary):
    X, y = binary
    lr, clip = 0.5, 1e-3
    params = {
        "hidden_layer_sizes": (6,),
        "solver": "sgd",
        "momentum": 0.0,
        "batch_size": len(X),
        "max_iter": 1,
        "random_state": 0,
    }
    start = MLPClassifier(learning_rate_init=1e-300, **params).fit(X, y)
    clipped = MLPClassifier(learning_rate_init=lr, clip_grad_norm=clip, **params).fit(X, y)
    free = MLPClassifier(learning_rate_init=lr, **params).fit(X, y)

    def flat(clf):
        return np.concatenate([w.ravel() for w in clf.coefs_ + clf.intercepts_])

    raw_norm = clipped.history_[0]["grad_norm"]
    assert raw_norm > 10 * clip
    assert raw_norm == free.history_[0]["grad_norm"]  # recorded before clipping
    step = np.linalg.norm(flat(clipped) - flat(start))
    assert step <= lr * clip * (1 + 1e-9)
    assert step == pytest.approx(lr * clip, rel=1e-6)
    assert np.linalg.norm(flat(free) - flat(start)) == pytest.approx(lr * raw_norm, rel=1e-6)


def test_large_clip_changes_nothing(binary):
    X, y = binary
    params = {"hidden_layer_sizes": (6,), "max_iter": 5, "random_state": 0}
    _same_model(
        MLPClassifier(clip_grad_norm=1e9, **params).fit(X, y), MLPClassifier(**params).fit(X, y)
    )


# ---------------------------------------------------------------- dropout


def test_dropout_is_off_at_prediction(multiclass):
    X, y = multiclass
    clf = MLPClassifier((8, 6), dropout=0.5, max_iter=10, random_state=0).fit(X, y)
    p1, p2 = clf.predict_proba(X), clf.predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(clf.predict(X), clf.predict(X))
    _, expected = _manual_forward(clf, X, ["relu", "relu"])
    np.testing.assert_allclose(p1, expected, rtol=1e-12, atol=1e-15)


def test_zero_dropout_is_no_dropout(multiclass):
    X, y = multiclass
    params = {"hidden_layer_sizes": (8, 6), "max_iter": 10, "random_state": 0}
    plain = MLPClassifier(**params).fit(X, y)
    _same_model(MLPClassifier(dropout=0.0, **params).fit(X, y), plain)
    _same_model(MLPClassifier(dropout=[0.0, 0.0], **params).fit(X, y), plain)


def test_dropout_changes_training_reproducibly(multiclass):
    X, y = multiclass
    params = {"hidden_layer_sizes": (8, 6), "max_iter": 10, "random_state": 0}
    plain = MLPClassifier(**params).fit(X, y)
    dropped = MLPClassifier(dropout=0.3, **params).fit(X, y)
    assert not np.allclose(dropped.coefs_[0], plain.coefs_[0])
    _same_model(MLPClassifier(dropout=0.3, **params).fit(X, y), dropped)
    per_layer = MLPClassifier(dropout=[0.0, 0.3], **params).fit(X, y)
    assert not np.allclose(per_layer.coefs_[0], dropped.coefs_[0])
    assert not np.allclose(per_layer.coefs_[0], plain.coefs_[0])


# ---------------------------------------------------------------- class weights


def test_balanced_class_weight_equals_its_sample_weight(multiclass):
    X, y = multiclass
    params = {"hidden_layer_sizes": (6,), "max_iter": 8, "random_state": 0}
    balanced = MLPClassifier(class_weight="balanced", **params).fit(X, y)
    weighted = MLPClassifier(**params).fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    _same_model(balanced, weighted)
    plain = MLPClassifier(**params).fit(X, y)
    assert not np.allclose(balanced.coefs_[0], plain.coefs_[0])


def test_class_weight_dict_multiplies_sample_weight(multiclass):
    X, y = multiclass
    params = {"hidden_layer_sizes": (6,), "max_iter": 8, "random_state": 0}
    weights = {0: 1.0, 1: 3.0, 2: 0.5}
    per_row = np.array([weights[c] for c in y])
    _same_model(
        MLPClassifier(class_weight=weights, **params).fit(X, y),
        MLPClassifier(**params).fit(X, y, sample_weight=per_row),
    )
    sw = np.linspace(0.5, 2.0, len(y))
    _same_model(
        MLPClassifier(class_weight=weights, **params).fit(X, y, sample_weight=sw),
        MLPClassifier(**params).fit(X, y, sample_weight=sw * per_row),
    )


def test_class_weight_with_lbfgs(binary):
    X, y = binary
    params = {"hidden_layer_sizes": (5,), "solver": "lbfgs", "max_iter": 15, "random_state": 0}
    _same_model(
        MLPClassifier(class_weight="balanced", **params).fit(X, y),
        MLPClassifier(**params).fit(X, y, sample_weight=compute_sample_weight("balanced", y)),
    )


# ---------------------------------------------------------------- callbacks and history


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_callbacks_get_one_record_per_epoch(multiclass, solver):
    X, y = multiclass
    seen = []
    clf = MLPClassifier(
        (6,), solver=solver, max_iter=7, random_state=0, callbacks=[seen.append, seen.append]
    ).fit(X, y)
    assert clf.n_iter_ == 7
    assert len(seen) == 14
    records = seen[::2]
    assert seen[1::2] == records
    assert records == clf.history_
    for k, record in enumerate(records, start=1):
        assert set(record) == RECORD_KEYS
        assert record["epoch"] == k
        assert record["validation_loss"] is None and record["validation_score"] is None
        assert record["learning_rate"] > 0
        assert record["grad_norm"] > 0 and record["weight_norm"] > 0
        assert record["seconds"] >= 0
    if solver == "sgd":
        assert all(r["learning_rate"] == 0.001 for r in records)
    norm = np.sqrt(sum((w**2).sum() for w in clf.coefs_ + clf.intercepts_))
    assert records[-1]["weight_norm"] == pytest.approx(norm, rel=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_callback_returning_true_stops_after_that_epoch(multiclass, solver):
    X, y = multiclass
    calls = []

    def stop_at_three(record):
        calls.append(record["epoch"])
        return record["epoch"] == 3

    clf = MLPClassifier(
        (6,), solver=solver, max_iter=50, random_state=0, callbacks=[stop_at_three]
    ).fit(X, y)
    assert calls == [1, 2, 3]
    assert clf.n_iter_ == 3
    assert len(clf.history_) == 3 and len(clf.loss_curve_) == 3
    assert np.isfinite(clf.predict_proba(X)).all()


def test_every_callback_runs_even_when_one_stops(multiclass):
    X, y = multiclass
    later = []
    clf = MLPClassifier(
        (6,), max_iter=50, random_state=0, callbacks=[lambda r: True, later.append]
    ).fit(X, y)
    assert clf.n_iter_ == 1 and len(later) == 1


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_history_matches_loss_curve(multiclass, solver):
    X, y = multiclass
    clf = MLPClassifier((6,), solver=solver, max_iter=12, random_state=0).fit(X, y)
    assert len(clf.history_) == clf.n_iter_ == len(clf.loss_curve_)
    assert [r["loss"] for r in clf.history_] == clf.loss_curve_
    assert clf.validation_loss_curve_ is None and clf.validation_scores_ is None
    assert clf.loss_ == clf.loss_curve_[-1]


def test_validation_loss_curve_with_early_stopping(multiclass):
    X, y = multiclass
    clf = MLPClassifier(
        (6,), early_stopping=True, n_iter_no_change=3, max_iter=40, random_state=0
    ).fit(X, y)
    assert len(clf.validation_loss_curve_) == len(clf.validation_scores_) == clf.n_iter_
    assert len(clf.history_) == clf.n_iter_
    assert [r["validation_loss"] for r in clf.history_] == clf.validation_loss_curve_
    assert [r["validation_score"] for r in clf.history_] == clf.validation_scores_
    assert all(np.isfinite(v) and v > 0 for v in clf.validation_loss_curve_)
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_history_continues_over_partial_fit(multiclass):
    X, y = multiclass
    clf = MLPClassifier((6,), random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.unique(y))
    assert [r["epoch"] for r in clf.history_] == [1, 2, 3]
    assert [r["loss"] for r in clf.history_] == clf.loss_curve_


def test_lbfgs_records_loss_curve_and_history(multiclass):
    X, y = multiclass
    clf = MLPClassifier((6,), solver="lbfgs", max_iter=30, random_state=0).fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) == len(clf.history_) > 1
    assert [r["loss"] for r in clf.history_] == clf.loss_curve_
    assert [r["epoch"] for r in clf.history_] == list(range(1, clf.n_iter_ + 1))
    assert all(set(r) == RECORD_KEYS for r in clf.history_)
    assert clf.loss_curve_[-1] == pytest.approx(clf.loss_)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.validation_loss_curve_ is None


# ---------------------------------------------------------------- looking inside


@pytest.mark.parametrize("sizes", [(7,), (8, 5), (6, 5, 4)])
def test_hidden_activations_match_a_manual_forward_pass(multiclass, sizes):
    X, y = multiclass
    clf = MLPClassifier(sizes, activation="tanh", max_iter=5, random_state=0).fit(X, y)
    hidden = clf.hidden_activations(X)
    assert [h.shape for h in hidden] == [(len(X), units) for units in sizes]
    expected, proba = _manual_forward(clf, X, ["tanh"] * len(sizes))
    for got, want in zip(hidden, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=1e-12, atol=1e-15)


def test_hidden_activations_of_sparse_input(multiclass):
    X, y = multiclass
    X = np.where(X > 0.5, X, 0.0)
    clf = MLPClassifier((6, 4), max_iter=5, random_state=0).fit(X, y)
    for got, want in zip(
        clf.hidden_activations(sp.csr_matrix(X)), clf.hidden_activations(X), strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_hidden_activations_without_hidden_layers(binary):
    X, y = binary
    clf = MLPClassifier((), max_iter=5, random_state=0).fit(X, y)
    assert clf.hidden_activations(X) == []


def test_per_layer_activations(multiclass):
    X, y = multiclass
    clf = MLPClassifier((8, 5), activation=["elu", "tanh"], max_iter=20, random_state=0)
    clf.fit(X, y)
    first, second = clf.hidden_activations(X)
    z1 = X @ clf.coefs_[0] + clf.intercepts_[0]
    np.testing.assert_allclose(first, np.where(z1 > 0, z1, np.expm1(np.minimum(z1, 0))))
    z2 = first @ clf.coefs_[1] + clf.intercepts_[1]
    np.testing.assert_allclose(second, np.tanh(z2), rtol=1e-12)
    _, proba = _manual_forward(clf, X, ["elu", "tanh"])
    np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=1e-12, atol=1e-15)
    same = MLPClassifier((8, 5), activation="elu", max_iter=20, random_state=0).fit(X, y)
    assert not np.allclose(same.coefs_[1], clf.coefs_[1])


def test_per_layer_activations_train_to_a_lower_loss(multiclass):
    X, y = multiclass
    clf = MLPClassifier((8, 5), activation=["gelu", "mish"], max_iter=60, random_state=0)
    clf.fit(X, y)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


# ---------------------------------------------------------------- float32


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float32_training(multiclass, solver):
    X, y = multiclass
    params = {"hidden_layer_sizes": (8,), "solver": solver, "max_iter": 20, "random_state": 0}
    single = MLPClassifier(dtype="float32", **params).fit(X, y)
    double = MLPClassifier(**params).fit(X, y)
    assert all(w.dtype == np.float32 for w in single.coefs_ + single.intercepts_)
    assert all(w.dtype == np.float64 for w in double.coefs_ + double.intercepts_)
    proba = single.predict_proba(X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba, double.predict_proba(X), atol=2e-3)
    assert all(h.dtype == np.float32 for h in single.hidden_activations(X))


def test_float32_input_trains_in_float32_by_default(multiclass):
    X, y = multiclass
    clf = MLPClassifier((6,), max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    assert clf.coefs_[0].dtype == np.float32
    clf = MLPClassifier((6,), max_iter=5, random_state=0, dtype="float64")
    clf.fit(X.astype(np.float32), y)
    assert clf.coefs_[0].dtype == np.float64
