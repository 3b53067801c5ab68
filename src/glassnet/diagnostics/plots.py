"""Plots of a training run: loss, gradient norms, unit health, activations, boundaries.

Each function draws on the ``ax`` (or ``axes``) it is given, or on a new figure, and
returns what it drew on: an Axes for one panel, the Figure for a grid of panels. The
training plots read a fitted ``MLPClassifier``'s ``history_`` (or a
:class:`~glassnet.nn._history.TrainingHistory` passed directly). matplotlib is
imported inside the functions only, as in ``glassnet.metrics._plot``, so importing
this module does not import it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import is_regressor
from sklearn.utils.validation import check_is_fitted

from glassnet._extras import need
from glassnet.nn._activations import apply, derivative, get_activation
from glassnet.nn._history import TrainingHistory

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_activation_gallery",
    "plot_activation_histograms",
    "plot_decision_boundary",
    "plot_gradient_norms",
    "plot_loss",
    "plot_training",
    "plot_unit_health",
]

GALLERY_NAMES = ("logistic", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish")


def _history(model_or_history: Any) -> TrainingHistory:
    """Return the training record of a fitted model, or the record itself."""
    if isinstance(model_or_history, TrainingHistory):
        return model_or_history
    if hasattr(model_or_history, "fit"):
        check_is_fitted(model_or_history, "history_")
        return model_or_history.history_
    raise TypeError(
        "Expected a fitted glassnet.MLPClassifier or its history_ (a TrainingHistory); "
        f"got {type(model_or_history).__name__}."
    )


def _axes_or_new(ax: Axes | None) -> Axes:
    need("plot")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    return ax


def _recorded(values: np.ndarray) -> bool:
    """Whether a per-epoch series holds any number (NaN where it does not apply)."""
    return not np.all(np.isnan(values))


def plot_loss(model_or_history: Any, ax: Axes | None = None) -> Axes:
    """Plot the training loss per epoch, with validation loss and accuracy when recorded.

    Validation numbers exist only for models fitted with ``early_stopping=True``; the
    validation accuracy goes on a second y axis on the right.

    Parameters
    ----------
    model_or_history : MLPClassifier or TrainingHistory
        A fitted model, or its ``history_``.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with the loss curves (the accuracy axis is ``ax.figure.axes[-1]``).
    """
    history = _history(model_or_history)
    ax = _axes_or_new(ax)
    ax.plot(history.epoch, history.loss, label="training loss")
    if _recorded(history.validation_loss):
        ax.plot(history.epoch, history.validation_loss, label="validation loss")
    ax.set(title="Loss per epoch", xlabel="epoch", ylabel="loss")
    lines = list(ax.lines)
    if _recorded(history.validation_score):
        # A regressor's validation score is R², which has no floor: no fixed limits.
        regressor = hasattr(model_or_history, "fit") and is_regressor(model_or_history)
        name = "validation R²" if regressor else "validation accuracy"
        twin = ax.twinx()
        twin.plot(history.epoch, history.validation_score, color="C2", linestyle=":", label=name)
        twin.set(ylabel=name)
        if not regressor:
            twin.set(ylim=(0.0, 1.05))
        lines += twin.lines
    ax.legend(lines, [line.get_label() for line in lines])
    return ax


def plot_gradient_norms(model_or_history: Any, ax: Axes | None = None) -> Axes:
    """Plot each layer's gradient norm per epoch, on a log scale.

    Norms that shrink layer after layer towards the input mean vanishing gradients;
    norms that grow by orders of magnitude mean exploding ones.

    Parameters
    ----------
    model_or_history : MLPClassifier or TrainingHistory
        A fitted model, or its ``history_`` (with per-layer measurements).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One line per weight layer, labelled ``'hidden 1'``, ..., ``'output'``.
    """
    history = _history(model_or_history)
    norms = history.layer_grad_norm  # (n_epochs, n_layers)
    ax = _axes_or_new(ax)
    for name, column in zip(history.layer_names, norms.T, strict=True):
        ax.plot(history.epoch, column, label=name)
    ax.set_yscale("log")
    ax.set(
        title="Gradient norm per layer",
        xlabel="epoch",
        ylabel="gradient norm (mean over minibatches)",
    )
    ax.legend(title="layer")
    return ax


def plot_unit_health(model_or_history: Any, ax: Axes | None = None) -> Axes:
    """Plot the share of dead and of saturated units in each hidden layer per epoch.

    Dead units (solid lines) are counted in relu layers; switched-off units (dotted:
    no positive output on any sample, but still a small gradient, so they can
    recover) in the rest of the ReLU family; saturated units (dashed) in logistic
    and tanh layers; identity layers are left out.

    Parameters
    ----------
    model_or_history : MLPClassifier or TrainingHistory
        A fitted model, or its ``history_`` (with per-layer measurements).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One line per layer that can have dead or saturated units, or a note saying
        that none can.
    """
    history = _history(model_or_history)
    dead, saturated = history.dead_fraction, history.saturated_fraction  # (n_epochs, n_hidden)
    off = history.off_fraction
    ax = _axes_or_new(ax)
    for h, activation in enumerate(history.activations):
        name = f"{history.layer_names[h]} ({activation})"
        if _recorded(dead[:, h]):
            ax.plot(history.epoch, dead[:, h], color=f"C{h}", label=f"{name}: dead")
        elif _recorded(off[:, h]):
            ax.plot(
                history.epoch,
                off[:, h],
                color=f"C{h}",
                linestyle=":",
                label=f"{name}: switched off",
            )
        if _recorded(saturated[:, h]):
            ax.plot(
                history.epoch,
                saturated[:, h],
                color=f"C{h}",
                linestyle="--",
                label=f"{name}: saturated",
            )
    # A little room below 0 and above 1, so that lines at 0 stay visible.
    ax.set(title="Unit health", xlabel="epoch", ylabel="share of the layer's units")
    ax.set_ylim(-0.03, 1.03)
    if ax.lines:
        ax.legend()
    else:
        ax.text(
            0.5,
            0.5,
            "No hidden layer is ReLU-family, logistic or tanh:\nno unit can be dead or saturated.",
            transform=ax.transAxes,
            ha="center",
            va="center",
        )
    return ax


def plot_activation_histograms(
    model_or_history: Any, epochs: Sequence[int] | None = None, axes: Any = None
) -> Figure:
    """Plot histograms of each hidden layer's outputs at a few epochs.

    Needs a model fitted with ``MLPClassifier(record='full')``.

    Parameters
    ----------
    model_or_history : MLPClassifier or TrainingHistory
        A fitted model, or its ``history_``.
    epochs : sequence of int, default=None
        Epoch numbers (from 1) to draw; None draws the first, middle and last.
    axes : sequence of matplotlib Axes, default=None
        One per hidden layer; a new figure with a row of them when None.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per hidden layer, one step outline per epoch.

    Raises
    ------
    ValueError
        If the model was not fitted with ``record='full'``, or an epoch is out of range.
    """
    need("plot")
    import matplotlib.pyplot as plt

    history = _history(model_or_history)
    histograms = history.histograms  # per hidden layer: (counts (n_epochs, bins), edges)
    n_epochs = len(history)
    if epochs is None:
        epochs = sorted({1, (n_epochs + 1) // 2, n_epochs})
    outside = [epoch for epoch in epochs if not 1 <= epoch <= n_epochs]
    if outside:
        raise ValueError(
            f"epochs {outside} are out of range: the model trained for {n_epochs} epochs, "
            f"numbered 1 to {n_epochs}."
        )
    if axes is None:
        n_hidden = len(histograms)
        _, axes = plt.subplots(
            1, n_hidden, figsize=(4 * n_hidden, 3), squeeze=False, layout="constrained"
        )
    axes = np.ravel(axes)
    if len(axes) != len(histograms):
        raise ValueError(
            f"axes has {len(axes)} axes; pass one per hidden layer ({len(histograms)})."
        )
    for h, (ax, (counts, edges)) in enumerate(zip(axes, histograms, strict=True)):
        for epoch in epochs:
            ax.stairs(counts[epoch - 1], edges, label=f"epoch {epoch}")
        ax.set(
            title=f"{history.layer_names[h]} ({history.activations[h]})",
            xlabel="output value",
            ylabel="count over the epoch",
        )
        ax.legend()
    return axes[0].figure


def plot_decision_boundary(
    model: Any, X: Any, y: Any, ax: Axes | None = None, resolution: int = 200
) -> Axes:
    """Colour the plane by a fitted classifier's prediction, with the data on top.

    Binary models colour by the probability of the second class in ``classes_`` (the
    black line is where it is 0.5); multiclass models colour by the predicted class.

    Parameters
    ----------
    model : fitted classifier
        Trained on two features; anything with ``predict_proba`` and ``classes_``.
    X : array-like of shape (n_samples, 2)
        The points to draw (usually the training data).
    y : array-like of shape (n_samples,)
        Their labels, which colour them.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    resolution : int, default=200
        Grid points along each axis.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``X`` does not have exactly two columns.
    """
    need("plot")
    from matplotlib.colors import ListedColormap

    check_is_fitted(model)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        n_features = X.shape[1] if X.ndim == 2 else X.ndim
        raise ValueError(
            f"plot_decision_boundary draws the plane of two features; X has {n_features} "
            "features. Pick two columns, e.g. X[:, [0, 1]], and fit the model on them."
        )
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low) + 1e-3
    x0, x1 = np.meshgrid(
        np.linspace(low[0] - pad[0], high[0] + pad[0], resolution),
        np.linspace(low[1] - pad[1], high[1] + pad[1], resolution),
    )  # (resolution, resolution) each
    grid = np.column_stack([x0.ravel(), x1.ravel()])  # (resolution**2, 2)
    if hasattr(model, "feature_names_in_"):
        import pandas as pd

        grid = pd.DataFrame(grid, columns=model.feature_names_in_)
    feature_names = getattr(model, "feature_names_in_", ["feature 1", "feature 2"])

    ax = _axes_or_new(ax)
    classes = model.classes_
    if len(classes) == 2:
        need("plot")
        import matplotlib.pyplot as plt

        cmap = plt.get_cmap("coolwarm")
        colors = [cmap(0.0), cmap(1.0)]
        proba = model.predict_proba(grid)[:, 1].reshape(x0.shape)
        filled = ax.contourf(x0, x1, proba, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.6)
        ax.contour(x0, x1, proba, levels=[0.5], colors="black", linewidths=1)
        ax.figure.colorbar(filled, ax=ax, label=f"P(class {classes[1]})")
    else:
        colors = [f"C{k}" for k in range(len(classes))]
        predicted = np.searchsorted(classes, model.predict(grid)).reshape(x0.shape)
        levels = np.arange(len(classes) + 1) - 0.5
        ax.contourf(x0, x1, predicted, levels=levels, cmap=ListedColormap(colors), alpha=0.4)
    for color, label in zip(colors, classes, strict=True):
        mine = X[y == label]
        ax.scatter(mine[:, 0], mine[:, 1], color=color, edgecolors="black", label=f"{label}")
    ax.set(title="Decision boundary", xlabel=feature_names[0], ylabel=feature_names[1])
    ax.legend(title="class")
    return ax


def plot_activation_gallery(
    names: Sequence[str] | None = None,
    z_range: tuple[float, float] = (-5, 5),
    axes: Any = None,
) -> Figure:
    """Draw activation functions (solid) and their derivatives (dashed), one panel each.

    Parameters
    ----------
    names : sequence of str, default=None
        Activation names (keys of ``glassnet.nn._activations.ACTIVATIONS``); None
        draws logistic, tanh, relu, leaky_relu, elu, selu, gelu and swish.
    z_range : (float, float), default=(-5, 5)
        The inputs ``z`` to draw over.
    axes : sequence of matplotlib Axes, default=None
        At least one per name; a new grid of four columns when None.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a name is not a known activation (the message lists the valid ones).
    """
    need("plot")
    import matplotlib.pyplot as plt

    names = list(GALLERY_NAMES if names is None else names)
    for name in names:
        get_activation(name)  # an unknown name fails before anything is drawn
    if axes is None:
        n_cols = min(4, len(names))
        n_rows = math.ceil(len(names) / n_cols)
        figure, axes = plt.subplots(
            n_rows, n_cols, figsize=(3 * n_cols, 2.6 * n_rows), squeeze=False, layout="constrained"
        )
        for spare in axes.ravel()[len(names) :]:
            spare.remove()
        figure.suptitle("Activation functions f(z) and their derivatives f'(z)")
    axes = np.ravel(axes)
    if len(axes) < len(names):
        raise ValueError(f"axes has {len(axes)} axes; pass at least one per name ({len(names)}).")
    z = np.linspace(*z_range, 401)
    for ax, name in zip(axes, names, strict=False):
        ax.plot(z, apply(name, z), label="f(z)")
        ax.plot(z, derivative(name, z), linestyle="--", label="f'(z)")
        ax.set(title=name, xlabel="z")
        ax.grid(True, alpha=0.3)
        ax.legend()
    return axes[0].figure


def plot_training(model: Any, X: Any = None, y: Any = None) -> Figure:
    """Draw a dashboard of a training run: loss, gradient norms and unit health.

    With two-feature data ``X`` and labels ``y``, a fourth panel shows the decision
    boundary.

    Parameters
    ----------
    model : MLPClassifier
        A fitted model (with per-layer measurements: ``record`` not 'epochs'); its
        ``history_`` will do when ``X`` is None.
    X : array-like of shape (n_samples, n_features), default=None
        Data for the decision-boundary panel, drawn only when it has two features.
    y : array-like of shape (n_samples,), default=None
        Labels of ``X``; required with ``X``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    need("plot")
    import matplotlib.pyplot as plt

    history = _history(model)
    if X is not None and y is None:
        raise ValueError("plot_training got X without y; pass the labels of X as y.")
    boundary = X is not None and np.ndim(X) == 2 and np.shape(X)[1] == 2
    n_panels = 4 if boundary else 3
    figure, axes = plt.subplots(1, n_panels, figsize=(4.5 * n_panels, 3.8), layout="constrained")
    plot_loss(history, ax=axes[0])
    plot_gradient_norms(history, ax=axes[1])
    plot_unit_health(history, ax=axes[2])
    if boundary:
        plot_decision_boundary(model, X, y, ax=axes[3])
    figure.suptitle(f"Training over {len(history)} epochs")
    return figure
