"""What MLPRegressor adds to scikit-learn's: the classifier's extras, on a regression."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet import MLPRegressor, TrainingDivergedError
from glassnet.nn._activations import apply

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::glassnet.TrainingHealthWarning"),  # a few epochs
]


@pytest.fixture(scope="module")
def data():
    X, y = make_friedman1(300, noise=0.3, random_state=0)
    return StandardScaler().fit_transform(X), y


def _manual_forward(reg, X, activations):
    """Hidden layers and prediction from coefs_/intercepts_, one formula at a time."""
    hidden, a = [], X
    for W, b, name in zip(reg.coefs_[:-1], reg.intercepts_[:-1], activations, strict=True):
        a = apply(name, a @ W + b)
        hidden.append(a)
    z = a @ reg.coefs_[-1] + reg.intercepts_[-1]
    return hidden, (np.exp(z) if reg.loss == "poisson" else z).ravel()


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_per_layer_activations_transform_and_predict(data, loss):
    X, y = data
    acts = ["elu", "tanh"]
    reg = MLPRegressor(
        loss, (8, 4), acts, init="he_uniform", max_iter=40, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    hidden, prediction = _manual_forward(reg, X, acts)
    np.testing.assert_allclose(reg.predict(X), prediction, rtol=1e-12)
    np.testing.assert_allclose(reg.transform(X), hidden[-1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(reg.transform(X, layer=0), hidden[0], rtol=1e-12, atol=1e-15)
    for got, expected in zip(reg.hidden_activations(X), hidden, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert reg.history_.activations == acts
    if loss == "poisson":
        assert (reg.predict(X) > 0).all()


def test_transform_feeds_another_regressor_in_a_pipeline(data):
    X, y = data
    pipe = make_pipeline(
        MLPRegressor(hidden_layer_sizes=(8,), max_iter=100, random_state=0), Ridge()
    ).fit(X, y)
    assert pipe[-1].n_features_in_ == 8
    np.testing.assert_allclose(pipe.predict(X), pipe[-1].predict(pipe[0].transform(X)))
    bare = MLPRegressor(hidden_layer_sizes=(), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"has none \(hidden_layer_sizes=\(\)\).*or use predict\."):
        bare.transform(X)


def test_history_callbacks_and_early_stopping_record(data):
    X, y = data
    seen = []
    reg = MLPRegressor(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.01,
        max_iter=60,
        random_state=0,
        callbacks=[seen.append],
    ).fit(X, y)
    assert len(seen) == len(reg.history_) == reg.n_iter_ == len(reg.loss_curve_)
    assert [r["loss"] for r in reg.history_] == reg.loss_curve_
    assert [r["validation_score"] for r in reg.history_] == reg.validation_scores_
    assert [r["validation_loss"] for r in reg.history_] == reg.validation_loss_curve_
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.validation_scores_[0] < reg.best_validation_score_ <= 1.0  # R²
    stopped = MLPRegressor(
        hidden_layer_sizes=(8,), max_iter=50, random_state=0, callbacks=[lambda r: True]
    )
    assert stopped.fit(X, y).n_iter_ == 1


def test_lbfgs_records_its_iterations(data):
    X, y = data
    reg = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=30, random_state=0).fit(
        X, y
    )
    assert reg.n_iter_ == len(reg.loss_curve_) == len(reg.history_) > 1
    assert reg.loss_curve_[-1] == pytest.approx(reg.loss_)


def test_dropout_and_clipping_change_training_reproducibly(data):
    X, y = data
    params = dict(hidden_layer_sizes=(16,), max_iter=20, random_state=0)
    plain = MLPRegressor(**params).fit(X, y)
    dropped = MLPRegressor(**params, dropout=0.3).fit(X, y)
    assert not np.allclose(plain.coefs_[0], dropped.coefs_[0])
    np.testing.assert_array_equal(
        dropped.coefs_[0], MLPRegressor(**params, dropout=0.3).fit(X, y).coefs_[0]
    )
    # Nothing is dropped at prediction: the same input gives the same output.
    np.testing.assert_array_equal(dropped.predict(X), dropped.predict(X))
    clipped = MLPRegressor(**params, clip_grad_norm=1.0).fit(X, y)
    assert np.nanmax(clipped.history_.grad_norm) > 1.0  # recorded before clipping
    assert not np.allclose(plain.coefs_[0], clipped.coefs_[0])
    huge = MLPRegressor(**params, clip_grad_norm=1e12).fit(X, y)
    np.testing.assert_array_equal(plain.coefs_[0], huge.coefs_[0])


def test_diagnose_reads_the_record(data):
    X, y = data
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), max_iter=200, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    # 200 epochs, and the loss still falling: the one finding says so.
    assert reg.n_iter_ == 200
    assert reg.diagnose().codes() == ["not_converged"]
    # Too large a step for SGD on these targets: training diverges, the record says why.
    wild = MLPRegressor(
        hidden_layer_sizes=(16,), solver="sgd", learning_rate_init=0.1, random_state=0
    )
    with (
        np.errstate(over="ignore", invalid="ignore"),
        pytest.raises(TrainingDivergedError, match="Training diverged at epoch 5"),
    ):
        wild.fit(X, y)
    assert wild.diagnose().codes() == ["exploding_gradients"]


def test_fit_epochs_pauses_at_each_epoch(data):
    X, y = data
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    epochs = list(reg.fit_epochs(X, y))
    assert epochs == [0, 1, 2, 3, 4, 5]
    whole = MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(reg.coefs_[0], whole.coefs_[0])


def test_pickle_round_trip(data):
    X, y = data
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), activation=["gelu"], max_iter=10, random_state=0
    ).fit(X, y)
    again = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(again.predict(X), reg.predict(X))
    assert again.get_params() == reg.get_params()


def test_the_loss_plot_names_the_validation_score_r2(data):
    import matplotlib

    matplotlib.use("Agg")
    from glassnet.diagnostics.plots import plot_loss

    X, y = data
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=20, random_state=0
    ).fit(X, y)
    assert min(reg.validation_scores_) < 0  # R² below 0: an accuracy axis would clip it
    twin = plot_loss(reg).figure.axes[-1]
    assert twin.get_ylabel() == "validation R²"
    assert twin.get_ylim()[0] <= min(reg.validation_scores_)


def test_overfitting_is_said_in_r2_for_a_regressor():
    # 60 noisy training rows, two layers of 128 units, and patience: the validation R²
    # peaks in the first epochs, then falls while the training loss keeps falling.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 5))
    y = X[:, 0] + rng.normal(scale=1.0, size=80)
    reg = MLPRegressor(
        hidden_layer_sizes=(128, 128),
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=100,
        max_iter=150,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    (finding,) = [f for f in reg.diagnose() if f.code == "overfitting"]
    assert finding.evidence["best validation R²"] == max(reg.validation_scores_)
    assert "validation R² peaked at" in finding.summary_text()
