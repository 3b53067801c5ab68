import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

import glassnet
from glassnet import MLPClassifier, TrainingDivergedError
from glassnet.nn import ACTIVATIONS, INITIALIZERS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int)
    return X, y


@pytest.fixture
def fitted(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)


def _small(**params):
    return MLPClassifier((4,), **{"max_iter": 2, "random_state": 0, **params})


# ---------------------------------------------------------------- bad X


def test_nan_in_numpy_x_names_column_count_and_rows(data):
    X, y = data
    X[[3, 7, 20], 1] = np.nan
    with pytest.raises(
        ValueError,
        match=r"Input X contains NaN: column 1 has 3 missing values \(rows 3, 7, 20\)\. "
        r"Fill them",
    ):
        _small().fit(X, y)


def test_nan_in_many_rows_lists_the_first_few(data):
    X, y = data
    X[::4, 2] = np.nan
    with pytest.raises(
        ValueError, match=r"column 2 has 10 missing values \(rows 0, 4, 8, 12, 16, \.\.\.\)"
    ):
        _small().fit(X, y)


def test_nan_in_pandas_x_names_the_column(data):
    X, y = data
    df = pd.DataFrame(X, columns=["Age", "Fare", "Pclass"])
    df.loc[[2, 5, 9], "Age"] = np.nan
    with pytest.raises(
        ValueError, match=r"column 'Age' has 3 missing values \(rows 2, 5, 9\)\. Fill them"
    ):
        _small().fit(df, y)


def test_missing_values_in_nullable_pandas_column(data):
    X, y = data
    df = pd.DataFrame(X, columns=["Age", "Fare", "Pclass"])
    df["Fare"] = pd.array([1, None, 3, None] + [2] * 36, dtype="Int64")
    with pytest.raises(ValueError, match=r"column 'Fare' has 2 missing values \(rows 1, 3\)"):
        _small().fit(df, y)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scikit-learn's check sums inf and -inf
def test_inf_in_x_names_column_and_rows(data):
    X, y = data
    X[5, 2] = np.inf
    X[11, 2] = -np.inf
    with pytest.raises(
        ValueError,
        match=r"Input X contains infinity: column 2 has 2 infinite values \(rows 5, 11\)",
    ):
        _small().fit(X, y)


def test_inf_in_pandas_x_names_the_column(data):
    X, y = data
    df = pd.DataFrame(X, columns=["Age", "Fare", "Pclass"])
    df.loc[3, "Fare"] = np.inf
    with pytest.raises(ValueError, match=r"column 'Fare' has 1 infinite values \(rows 3\)"):
        _small().fit(df, y)


def test_text_column_names_the_column_and_its_values(data):
    X, y = data
    df = pd.DataFrame(X, columns=["Age", "Fare", "Pclass"])
    df["Sex"] = ["male", "female"] * 20
    with pytest.raises(
        ValueError,
        match=r"X column 'Sex' holds values that are not numbers \('male', 'female'.*rows 0, 1, 2",
    ) as err:
        _small().fit(df, y)
    assert "OneHotEncoder" in str(err.value)


def test_text_in_a_numpy_object_array(data):
    X, y = data
    Xo = X.astype(object)
    Xo[4, 0] = "n/a"
    with pytest.raises(
        ValueError, match=r"X column 0 holds values that are not numbers \('n/a'; rows 4\)"
    ):
        _small().fit(Xo, y)


def test_empty_x(data):
    _, y = data
    with pytest.raises(ValueError, match=r"X is empty: found array with 0 sample\(s\)"):
        _small().fit(np.empty((0, 3)), y[:0])
    with pytest.raises(
        ValueError, match=r"X is empty: found array with 40 sample\(s\) and 0 feature"
    ):
        _small().fit(np.empty((40, 0)), y)


# ---------------------------------------------------------------- bad y


def test_single_class(data):
    X, _ = data
    with pytest.raises(ValueError, match=r"y has only one class .*at least two classes"):
        _small().fit(X, np.ones(len(X), dtype=int))


def test_single_class_message_shows_the_label_plainly(data):
    X, _ = data
    with pytest.raises(ValueError, match=r"y has only one class \('yes'\)"):
        _small().fit(X, np.array(["yes"] * len(X)))


def test_mismatched_lengths(data):
    X, y = data
    with pytest.raises(ValueError, match=r"X has 40 rows but y has 39 labels"):
        _small().fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"X has 39 rows but y has 40 labels"):
        _small().fit(X[:-1], list(y))


def test_missing_labels(data):
    X, _ = data
    y = np.array(["a", "b"] * 20, dtype=object)
    y[[6, 9]] = None
    with pytest.raises(ValueError, match=r"y has 2 missing labels \(rows 6, 9\)"):
        _small().fit(X, y)


# ---------------------------------------------------------------- bad hyperparameters


@pytest.mark.parametrize(
    ("sizes", "layer", "units"),
    [((4, 0), 2, "0"), ((-3,), 1, "-3"), ((4, 5, -1), 3, "-1"), (0, 1, "0")],
)
def test_hidden_layer_sizes_must_be_positive(data, sizes, layer, units):
    X, y = data
    with pytest.raises(
        ValueError,
        match=rf"hidden_layer_sizes must be positive whole numbers .*hidden layer {layer} has "
        rf"{units}\.",
    ):
        MLPClassifier(sizes).fit(X, y)


def test_unknown_activation_lists_valid_names(data):
    X, y = data
    with pytest.raises(ValueError, match=r"activation='nope' is not a known activation") as err:
        _small(activation="nope").fit(X, y)
    for name in ACTIVATIONS:
        assert repr(name) in str(err.value)
    with pytest.raises(ValueError, match=r"activation='softmax' is not a known activation"):
        MLPClassifier((4, 3), activation=["relu", "softmax"]).fit(X, y)


def test_unknown_init_lists_valid_names(data):
    X, y = data
    valid = ", ".join(repr(name) for name in INITIALIZERS)
    with pytest.raises(
        ValueError,
        match=re.escape(f"init='xavier' is not a known initialisation. Valid names: {valid}"),
    ):
        _small(init="xavier").fit(X, y)


def test_activation_list_of_wrong_length(data):
    X, y = data
    with pytest.raises(ValueError, match=r"activation has 1 entries but there are 2 hidden layers"):
        MLPClassifier((4, 3), activation=["relu"]).fit(X, y)
    with pytest.raises(ValueError, match=r"dropout has 3 entries but there are 2 hidden layers"):
        MLPClassifier((4, 3), dropout=[0.1, 0.1, 0.1]).fit(X, y)


@pytest.mark.parametrize("dropout", [1.0, -0.1, 1.5, [0.2, 1.0]])
def test_dropout_out_of_range(data, dropout):
    X, y = data
    sizes = (4, 3) if isinstance(dropout, list) else (4,)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\) for every hidden layer"):
        MLPClassifier(sizes, dropout=dropout).fit(X, y)


def test_dropout_with_lbfgs_is_a_clear_error_or_works(data):
    # L-BFGS has no minibatches to draw dropout masks for. Either refuse it clearly or
    # train; an AttributeError from deep inside the network is neither.
    X, y = data
    clf = MLPClassifier((4,), solver="lbfgs", dropout=0.5, max_iter=5, random_state=0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, y)
    except ValueError as err:
        assert re.search(r"dropout", str(err)) and re.search(r"'sgd'|'adam'", str(err))
    else:
        assert np.isfinite(clf.predict_proba(X)).all()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"solver": "newton"},
            r"solver='newton' is not valid; choose one of 'lbfgs', 'sgd', 'adam'",
        ),
        ({"learning_rate_init": 0.0}, r"learning_rate_init must be a number > 0, got 0\.0"),
        ({"alpha": -1.0}, r"alpha must be a number >= 0, got -1\.0"),
        ({"momentum": 1.5}, r"momentum must be a number >= 0 and <= 1, got 1\.5"),
        ({"max_iter": 0}, r"max_iter must be a whole number >= 1, got 0"),
        ({"batch_size": 0}, r"batch_size must be a whole number >= 1, got 0"),
        ({"clip_grad_norm": 0.0}, r"clip_grad_norm must be a number > 0, got 0\.0"),
        ({"dtype": "float16"}, r"dtype must be None, 'float32' or 'float64', got 'float16'"),
        ({"callbacks": [42]}, r"callbacks must be a list of callables"),
    ],
)
def test_other_hyperparameters(data, params, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        _small(**params).fit(X, y)


# ---------------------------------------------------------------- sample weights


def test_all_zero_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match=r"Sample weights must contain at least one non-zero"):
        _small().fit(X, y, sample_weight=np.zeros(len(X)))


def test_bad_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match=r"sample_weight has shape \(39,\) but X has 40 rows"):
        _small().fit(X, y, sample_weight=np.ones(39))
    with pytest.raises(ValueError, match=r"sample_weight must be finite and non-negative"):
        _small().fit(X, y, sample_weight=-np.ones(40))
    sw = np.ones(40)
    sw[3] = np.nan
    with pytest.raises(ValueError, match=r"sample_weight must be finite and non-negative"):
        _small().fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("alpha", [0.0, 1e-4])
def test_minibatch_whose_weights_are_all_zero(data, alpha):
    # The first minibatch (shuffle=False) has only zero-weight rows. It has nothing to learn
    # from; that is no reason for a ZeroDivisionError or a "diverged, lower the learning
    # rate" diagnosis. Skip it, or say what is wrong.
    X, y = data
    sw = np.ones(len(X))
    sw[:10] = 0.0
    clf = _small(solver="sgd", alpha=alpha, batch_size=10, shuffle=False, max_iter=3)
    try:
        clf.fit(X, y, sample_weight=sw)
    except ValueError as err:
        assert not isinstance(err, TrainingDivergedError), str(err)
        assert re.search(r"sample.weight|class.weight", str(err)), str(err)
    else:
        assert all(np.isfinite(clf.loss_curve_))
        assert np.isfinite(clf.predict_proba(X)).all()


# ---------------------------------------------------------------- prediction


def test_nan_at_predict_time(fitted, data):
    X, _ = data
    X = X[:10].copy()
    X[[1, 4], 0] = np.nan
    for method in (fitted.predict, fitted.predict_proba, fitted.hidden_activations):
        with pytest.raises(
            ValueError, match=r"Input X contains NaN: column 0 has 2 missing values \(rows 1, 4\)"
        ):
            method(X)


def test_nan_at_predict_time_in_pandas(data):
    X, y = data
    df = pd.DataFrame(X, columns=["Age", "Fare", "Pclass"])
    clf = _small().fit(df, y)
    df.loc[[0, 8], "Pclass"] = np.nan
    with pytest.raises(ValueError, match=r"column 'Pclass' has 2 missing values \(rows 0, 8\)"):
        clf.predict(df)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(np.zeros((2, 3)))
    with pytest.raises(NotFittedError):
        MLPClassifier().hidden_activations(np.zeros((2, 3)))


@pytest.mark.parametrize("value", [1e300, 1e308, -1e308])
@pytest.mark.parametrize("activation", ["relu", "identity", "tanh", "elu"])
def test_predict_proba_never_returns_nan(data, value, activation):
    X, y = data
    y3 = np.arange(len(X)) % 3
    for target in (y, y3):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = MLPClassifier((4,), activation=activation, max_iter=3, random_state=0)
            clf.fit(X, target)
            X_big = np.array([[value, -value, value], [1.0, 2.0, 3.0]])
            try:
                proba = clf.predict_proba(X_big)
            except ValueError as err:
                assert re.search(r"output is not finite for \d+ rows", str(err))
            else:
                assert np.isfinite(proba).all()
                np.testing.assert_allclose(proba.sum(axis=1), 1.0)


# ---------------------------------------------------------------- divergence


def _diverging(**params):
    return MLPClassifier(
        (8,),
        activation="identity",
        solver="sgd",
        learning_rate_init=1e6,
        momentum=0.9,
        max_iter=50,
        random_state=0,
        **params,
    )


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_raises_and_leaves_the_model_unfitted(data):
    X, y = data
    clf = _diverging()
    with pytest.raises(TrainingDivergedError, match=r"Training diverged at epoch (\d+)") as err:
        clf.fit(X * 1e50, y)
    assert isinstance(err.value, ValueError)
    message = str(err.value)
    assert "learning_rate_init" in message and "clip_grad_norm" in message
    epoch = int(re.search(r"epoch (\d+)", message).group(1))
    assert epoch >= 2
    assert len(clf.history_) == epoch - 1
    assert [r["epoch"] for r in clf.history_] == list(range(1, epoch))
    assert all(np.isfinite(r["loss"]) for r in clf.history_)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)
    assert glassnet.TrainingDivergedError is TrainingDivergedError


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_after_many_epochs_on_plain_data(data):
    X, y = data
    clf = _diverging(n_iter_no_change=1000)
    with pytest.raises(
        TrainingDivergedError, match=r"Training diverged at epoch \d+.*learning_rate_init"
    ):
        clf.fit(X, y)
    assert len(clf.history_) > 5
    with pytest.raises(NotFittedError):
        clf.predict(X)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_lbfgs_divergence_gives_advice_that_applies_to_lbfgs(data):
    # L-BFGS uses neither learning_rate_init nor clip_grad_norm; the way out is scaling.
    X, y = data
    clf = MLPClassifier((4,), solver="lbfgs", activation="identity", random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"StandardScaler") as err:
        clf.fit(X * 1e200, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert clf.history_ == []
    assert "learning_rate_init" not in str(err.value)
    assert "clip_grad_norm" not in str(err.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_refit_after_divergence_works(data):
    X, y = data
    clf = _diverging()
    with pytest.raises(TrainingDivergedError):
        clf.fit(X * 1e50, y)
    clf.set_params(learning_rate_init=0.01, max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    assert np.isfinite(clf.predict_proba(X)).all()
    assert len(clf.history_) == clf.n_iter_
