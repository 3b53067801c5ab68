"""Training plots: real fits, drawn with the Agg backend, checked against the history."""

import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")  # before pyplot: render to files, never open a window

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons

from glassnet import MLPClassifier
from glassnet.diagnostics.plots import (
    plot_activation_gallery,
    plot_activation_histograms,
    plot_decision_boundary,
    plot_gradient_norms,
    plot_loss,
    plot_training,
    plot_unit_health,
)
from glassnet.nn._activations import apply, derivative


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fits are short on purpose
        return MLPClassifier(random_state=0, **params).fit(X, y)


@pytest.fixture(scope="module")
def moons():
    return make_moons(120, noise=0.2, random_state=0)


@pytest.fixture(scope="module")
def full_model(moons):
    """relu, relu, tanh; naive init: layer 2 has dead units, layer 3 saturated ones."""
    return fit(
        *moons,
        hidden_layer_sizes=(16, 16, 8),
        activation=["relu", "relu", "tanh"],
        init="normal",
        learning_rate_init=0.05,
        max_iter=8,
        record="full",
        early_stopping=True,
        n_iter_no_change=100,
    )


@pytest.fixture(scope="module")
def plain_model(moons):
    """Default record ('layers'), no early stopping: no validation numbers."""
    return fit(*moons, hidden_layer_sizes=(8,), max_iter=5)


def by_label(ax):
    return {line.get_label(): line for line in ax.lines}


def test_loss_lines_are_the_history(full_model):
    history = full_model.history_
    ax = plot_loss(full_model)
    lines = by_label(ax)
    assert list(lines) == ["training loss", "validation loss"]
    np.testing.assert_array_equal(lines["training loss"].get_xdata(), history.epoch)
    np.testing.assert_array_equal(lines["training loss"].get_ydata(), history.loss)
    np.testing.assert_array_equal(lines["validation loss"].get_ydata(), history.validation_loss)
    twin = ax.figure.axes[-1]
    assert twin is not ax and twin.get_ylabel() == "validation accuracy"
    (accuracy,) = twin.lines
    np.testing.assert_array_equal(accuracy.get_ydata(), history.validation_score)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation accuracy"]


def test_loss_without_validation_is_one_line_on_the_given_ax(plain_model):
    fig, ax = plt.subplots()
    assert plot_loss(plain_model.history_, ax=ax) is ax
    assert [line.get_label() for line in ax.lines] == ["training loss"]
    assert fig.axes == [ax]  # no accuracy axis


def test_gradient_norms_one_log_line_per_layer(full_model):
    history = full_model.history_
    ax = plot_gradient_norms(full_model)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.lines] == ["hidden 1", "hidden 2", "hidden 3", "output"]
    for line, column in zip(ax.lines, history.layer_grad_norm.T, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), column)


def test_unit_health_dead_solid_saturated_dashed(full_model):
    history = full_model.history_
    ax = plot_unit_health(full_model)
    lines = by_label(ax)
    assert list(lines) == [
        "hidden 1 (relu): dead",
        "hidden 2 (relu): dead",
        "hidden 3 (tanh): saturated",
    ]
    dead = lines["hidden 2 (relu): dead"]
    saturated = lines["hidden 3 (tanh): saturated"]
    assert dead.get_linestyle() == "-" and saturated.get_linestyle() == "--"
    np.testing.assert_array_equal(dead.get_ydata(), history.dead_fraction[:, 1])
    np.testing.assert_array_equal(saturated.get_ydata(), history.saturated_fraction[:, 2])
    assert np.nanmax(history.dead_fraction) > 0 and np.nanmax(history.saturated_fraction) > 0
    low, high = ax.get_ylim()
    assert -0.05 < low <= 0 and 1 <= high < 1.05


def test_unit_health_switched_off_dotted_for_the_rest_of_the_relu_family(moons):
    model = fit(
        *moons,
        hidden_layer_sizes=(8, 8),
        activation=["leaky_relu", "elu"],
        init="normal",
        learning_rate_init=0.3,
        max_iter=6,
    )
    history = model.history_
    lines = by_label(plot_unit_health(model))
    assert list(lines) == ["hidden 1 (leaky_relu): switched off", "hidden 2 (elu): switched off"]
    for h, line in enumerate(lines.values()):
        assert line.get_linestyle() == ":"
        np.testing.assert_array_equal(line.get_ydata(), history.off_fraction[:, h])
    assert np.isnan(history.dead_fraction).all()


def test_unit_health_without_such_layers_says_so(moons):
    model = fit(*moons, hidden_layer_sizes=(4,), activation="identity", max_iter=3)
    ax = plot_unit_health(model)
    assert len(ax.lines) == 0
    assert "no unit can be dead or saturated" in ax.texts[0].get_text()


def test_histograms_first_middle_last_epoch_from_the_counts(full_model):
    history = full_model.history_
    fig = plot_activation_histograms(full_model)
    assert [ax.get_title() for ax in fig.axes] == [
        "hidden 1 (relu)", "hidden 2 (relu)", "hidden 3 (tanh)",
    ]  # fmt: skip
    for ax, (counts, edges) in zip(fig.axes, history.histograms, strict=True):
        assert [patch.get_label() for patch in ax.patches] == ["epoch 1", "epoch 4", "epoch 8"]
        for patch, epoch in zip(ax.patches, [1, 4, 8], strict=True):
            values, drawn_edges, _ = patch.get_data()
            np.testing.assert_array_equal(values, counts[epoch - 1])
            np.testing.assert_array_equal(drawn_edges, edges)


def test_histograms_chosen_epochs_and_range(full_model):
    fig = plot_activation_histograms(full_model, epochs=[2])
    assert [len(ax.patches) for ax in fig.axes] == [1, 1, 1]
    with pytest.raises(ValueError, match=r"epochs \[9\] are out of range.*1 to 8"):
        plot_activation_histograms(full_model, epochs=[1, 9])


def test_histograms_need_record_full(plain_model):
    with pytest.raises(ValueError, match="record='full'"):
        plot_activation_histograms(plain_model)


def test_binary_boundary_line_is_where_the_probability_is_half(plain_model, moons):
    X, y = moons
    ax = plot_decision_boundary(plain_model, X, y, resolution=100)
    filled = ax.collections[0]
    for low, band in zip(filled.levels, filled.get_paths(), strict=False):
        if len(band.vertices):  # the band of P(class 1) from low to low + 0.1
            proba = plain_model.predict_proba(band.vertices)[:, 1]
            assert low - 0.01 < proba.min() and proba.max() < low + 0.11
    line = next(c for c in ax.collections if list(getattr(c, "levels", [])) == [0.5])
    vertices = np.concatenate([path.vertices for path in line.get_paths()])
    assert len(vertices) > 10
    proba = plain_model.predict_proba(vertices)[:, 1]
    np.testing.assert_allclose(proba, 0.5, atol=0.02)
    points = [c for c in ax.collections if c.get_label() in ("0", "1")]
    np.testing.assert_array_equal(points[0].get_offsets(), X[y == 0])
    np.testing.assert_array_equal(points[1].get_offsets(), X[y == 1])
    assert ax.figure.axes[-1].get_ylabel() == "P(class 1)"  # the colour bar


def test_multiclass_boundary_colours_by_predicted_class():
    X, y = make_blobs(90, centers=3, random_state=0)
    model = fit(X, y, hidden_layer_sizes=(8,), max_iter=50, learning_rate_init=0.05)
    ax = plot_decision_boundary(model, X, y, resolution=50)
    filled = ax.collections[0]
    np.testing.assert_array_equal(filled.levels, [-0.5, 0.5, 1.5, 2.5])
    predicted = model.predict(X)
    for k, region in enumerate(filled.get_paths()):
        assert np.mean(region.contains_points(X) == (predicted == k)) > 0.95
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["0", "1", "2"]
    x_low, x_high = ax.get_xlim()
    assert x_low < X[:, 0].min() and X[:, 0].max() < x_high


def test_boundary_needs_two_features(plain_model):
    X = np.zeros((5, 3))
    with pytest.raises(ValueError, match="X has 3 features"):
        plot_decision_boundary(plain_model, X, np.zeros(5))


def test_gallery_function_and_derivative_per_name():
    fig = plot_activation_gallery()
    names = ["logistic", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish"]
    assert [ax.get_title() for ax in fig.axes] == names
    for ax, name in zip(fig.axes, names, strict=True):
        function, slope = by_label(ax)["f(z)"], by_label(ax)["f'(z)"]
        z = slope.get_xdata()
        assert z.min() == -5 and z.max() == 5
        np.testing.assert_array_equal(function.get_ydata(), apply(name, z))
        np.testing.assert_array_equal(slope.get_ydata(), derivative(name, z))


def test_gallery_chosen_names_and_unknown_name():
    fig = plot_activation_gallery(["mish", "softplus", "relu"], z_range=(-2, 3))
    assert [ax.get_title() for ax in fig.axes] == ["mish", "softplus", "relu"]
    assert fig.axes[0].lines[0].get_xdata().max() == 3
    with pytest.raises(ValueError, match="'sigmoid' is not a known activation"):
        plot_activation_gallery(["sigmoid"])


def test_dashboard_panels(full_model, moons):
    X, y = moons
    titles = ["Loss per epoch", "Gradient norm per layer", "Unit health"]
    fig = plot_training(full_model)
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == titles
    fig = plot_training(full_model, X, y)
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == [*titles, "Decision boundary"]
    fig = plot_training(full_model, np.column_stack([X, X]), y)  # 4 features: no boundary
    assert "Decision boundary" not in [ax.get_title() for ax in fig.axes]


def test_bad_source_is_named():
    with pytest.raises(TypeError, match=r"fitted glassnet\.MLPClassifier.*got list"):
        plot_loss([1.0, 0.5])


def test_importing_the_plots_does_not_import_matplotlib():
    code = "import sys, glassnet.diagnostics.plots; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stderr
