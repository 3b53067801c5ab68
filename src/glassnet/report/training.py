"""The report of one training run: data, model, training curves, diagnostics, evaluation.

It composes what glassnet already computes -- the training record and its plots,
``diagnose()``, :mod:`glassnet.metrics` -- into one self-contained page (see
:mod:`glassnet.report.html`); it computes no metric itself. Figures are drawn on
``matplotlib.figure.Figure`` objects, rendered to PNG by the Agg renderer without
going through pyplot, so making a report neither opens windows nor changes the
caller's matplotlib backend.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from glassnet import __version__
from glassnet._extras import need
from glassnet.nn import MLPClassifier, MLPRegressor
from glassnet.report.html import (
    Page,
    code_html,
    command_lines,
    facts_html,
    figure_html,
    frame_html,
    list_html,
    text_html,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["REPORT_SECTIONS", "training_report"]

# Section ids, in page order: stable link targets (report.html#evaluation).
REPORT_SECTIONS = ("data", "model", "training", "diagnostics", "evaluation", "reproduce")

_DATA_KEYS = ("file", "rows", "train_rows", "test_rows", "target", "split", "columns")

# Thresholds of the threshold table: a few, around the 0.5 that predict() uses.
_THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9)


def training_report(
    model: Any,
    X_test: Any,
    y_test: Any,
    *,
    data: Mapping[str, Any],
    command: str,
    title: str | None = None,
    health: Any = None,
    code: str | None = None,
) -> str:
    """Build the HTML report of a training run, evaluated on held-out rows.

    Parameters
    ----------
    model : MLPClassifier or sklearn.pipeline.Pipeline
        A fitted glassnet ``MLPClassifier``, or a fitted Pipeline whose last step is
        one. Predictions use the whole model on ``X_test``; the training record and
        diagnosis come from the MLP.
    X_test : array-like or pandas.DataFrame of shape (n_samples, n_features)
        The test rows, as ``model.predict`` takes them (raw for a Pipeline).
    y_test : array-like of shape (n_samples,)
        Their true labels.
    data : mapping
        What was done to the data: ``file`` (str), ``rows``, ``train_rows``,
        ``test_rows`` (int), ``target`` (str), ``split`` (str, e.g. 'head:400'),
        ``columns`` (a DataFrame with columns ``column``, ``kind``, ``missing``,
        ``treatment``) and optionally ``notes`` (list of str).
    command : str
        The exact command that reproduces the run, shown verbatim.
    title : str, optional
        The page title; by default "Training report: <file>".
    health : HealthReport, optional
        The diagnosis to show, e.g. ``diagnose(...)`` with the training rows, in the
        command line's words for a report of ``glassnet train``; by default the MLP's
        own ``diagnose()``, in Python's words.
    code : str, optional
        Python code that reproduces the run, shown verbatim in place of ``command``
        (for a model trained in Python: ``glassnet.report``).

    Returns
    -------
    str
        One HTML5 document with the sections ``REPORT_SECTIONS``; write it with
        :func:`glassnet.report.html.write_html`.

    Raises
    ------
    TypeError
        If ``model`` is not a glassnet MLPClassifier or a Pipeline ending in one.
    ValueError
        If ``data`` lacks a key.
    sklearn.exceptions.NotFittedError
        If the model is not fitted.

    Examples
    --------
    >>> html = training_report(  # doctest: +SKIP
    ...     pipeline, X_test, y_test, data=summary, command="glassnet train titanic.csv"
    ... )
    >>> write_html(html, "report.html")  # doctest: +SKIP
    """
    mlp = _final_mlp(model)
    missing = [key for key in _DATA_KEYS if key not in data]
    if missing:
        raise ValueError(
            f"data lacks {', '.join(map(repr, missing))}; it needs the keys "
            f"{', '.join(_DATA_KEYS)} (and optionally 'notes')."
        )
    y_test = np.asarray(y_test)
    y_pred = model.predict(X_test)
    regression = isinstance(mlp, MLPRegressor)
    if regression:
        from glassnet.metrics import regression_scores

        scores = regression_scores(y_test, y_pred)
        how_good = f"R² {scores['r2']:.3f}, RMSE {scores['rmse']:.4g}"
    else:
        how_good = f"{float(np.mean(y_pred == y_test)):.1%} accurate"
    page = Page(
        title or f"Training report: {data['file']}",
        lead=(
            f"An MLP trained on {data['train_rows']} rows of {data['file']} to predict "
            f"'{data['target']}': {how_good} on {len(y_test)} test rows. "
            f"Made by glassnet {__version__}."
        ),
    )
    page.add_section("data", "Data", _data_section(data))
    page.add_section("model", "Model", _model_section(model, mlp))
    page.add_section("training", "Training", _training_section(model, mlp, X_test, y_test))
    diagnosis = mlp.diagnose().to_html() if health is None else health.to_html(dialect="cli")
    page.add_section("diagnostics", "Diagnostics", diagnosis)
    evaluation = (
        _regression_section(y_test, y_pred, scores)
        if regression
        else _evaluation_section(model, mlp, X_test, y_test, y_pred)
    )
    page.add_section("evaluation", "Evaluation on the test rows", evaluation)
    page.add_section(
        "reproduce",
        "Reproduce",
        text_html(f"Run this to train the same model again (glassnet {__version__}):")
        + code_html(command_lines(command) if code is None else code),
    )
    return page.render()


def _final_mlp(model: Any) -> MLPClassifier | MLPRegressor:
    """Return the fitted MLP: the model itself or a Pipeline's last step."""
    mlp = model[-1] if isinstance(model, Pipeline) else model
    if not isinstance(mlp, MLPClassifier | MLPRegressor):
        raise TypeError(
            "training_report needs a fitted glassnet.MLPClassifier (or MLPRegressor) or a "
            f"Pipeline whose last step is one; got {_describe(model)}."
        )
    check_is_fitted(mlp)
    return mlp


def _describe(model: Any) -> str:
    if isinstance(model, Pipeline):
        return "a Pipeline ending in " + type(model[-1]).__name__
    return type(model).__name__


def _new_axes(figsize: tuple[float, float] = (6.4, 4.2)) -> Axes:
    """Axes on a figure that pyplot does not manage (so nothing global to clean up)."""
    need("plot")
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained").subplots()


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


def _data_section(data: Mapping[str, Any]) -> str:
    facts = facts_html(
        {
            "file": data["file"],
            "target": data["target"],
            "rows": data["rows"],
            "training rows": data["train_rows"],
            "test rows": data["test_rows"],
            "split": data["split"],
        }
    )
    columns = data["columns"]
    notes = list_html(data.get("notes", []))
    return (
        facts
        + "<h3>Columns</h3>"
        + text_html(
            "Missing values per column, and what was done with each column before training."
        )
        + frame_html(columns, index=False)
        + (f"<h3>Notes</h3>{notes}" if notes else "")
    )


def _model_section(model: Any, mlp: MLPClassifier) -> str:
    history = mlp.history_
    activations = [*history.activations, mlp.out_activation_]
    import pandas as pd

    layers = pd.DataFrame(
        {
            "layer": ["input", *history.layer_names],
            "units": [mlp.n_features_in_, *(w.shape[1] for w in mlp.coefs_)],
            "activation": ["", *activations],
            "parameters": [
                0,
                *(w.size + b.size for w, b in zip(mlp.coefs_, mlp.intercepts_, strict=True)),
            ],
        }
    )
    n_params = int(layers["parameters"].sum())
    facts: dict[str, Any] = {}
    if isinstance(model, Pipeline):
        steps = [f"{name} ({type(step).__name__})" for name, step in model.steps]
        facts["pipeline"] = " → ".join(steps)
    facts["architecture"] = " → ".join(str(units) for units in layers["units"]) + " units"
    facts["solver"] = mlp.solver
    facts["learning rate"] = _learning_rate(mlp)
    facts["epochs run"] = f"{mlp.n_iter_} of at most {mlp.max_iter} (max_iter)"
    facts["converged"] = _converged(mlp)
    facts["final training loss"] = f"{mlp.loss_:.4g}"
    if mlp.early_stopping:
        facts[f"best validation {_score_name(mlp)}"] = f"{mlp.best_validation_score_:.3f}"
    facts["parameters"] = f"{n_params:,} (weights and biases)"
    return (
        facts_html(facts)
        + "<h3>Layers</h3>"
        + frame_html(layers, index=False)
        + "<h3>Settings changed from the defaults</h3>"
        + _changed_params(mlp)
    )


def _converged(mlp: MLPClassifier) -> str:
    # Stopping before max_iter means the stopping rule fired: the loss (or, with early
    # stopping, the validation accuracy) stopped improving by tol.
    if mlp.n_iter_ >= mlp.max_iter:
        return f"no: training stopped at max_iter={mlp.max_iter}"
    if mlp.early_stopping:
        return (
            f"stopped early: validation {_score_name(mlp)} did not improve by tol={mlp.tol:g} for "
            f"{mlp.n_iter_no_change} epochs; the best epoch's weights are kept"
        )
    return f"yes: the training loss stopped improving by tol={mlp.tol:g}"


def _learning_rate(mlp: MLPClassifier) -> str:
    if mlp.solver == "lbfgs":
        return "not used (lbfgs chooses its own steps)"
    if mlp.solver == "sgd":
        return f"{mlp.learning_rate_init:g} ({mlp.learning_rate} schedule)"
    return f"{mlp.learning_rate_init:g}"


def _changed_params(mlp: MLPClassifier) -> str:
    """Tabulate the MLP's parameters that differ from their defaults."""
    import pandas as pd

    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(type(mlp).__init__).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    rows = [
        {"parameter": name, "value": repr(value), "default": repr(defaults[name])}
        for name, value in mlp.get_params(deep=False).items()
        if name in defaults and not _same(value, defaults[name])
    ]
    if not rows:
        return text_html("None: every parameter has its default value.")
    return frame_html(pd.DataFrame(rows), index=False)


def _same(value: Any, default: Any) -> bool:
    # repr tells (16,) from [16] and 1 from True, which == does not; both count as changes.
    return type(value) is type(default) and repr(value) == repr(default)


def _training_section(model: Any, mlp: MLPClassifier, X_test: Any, y_test: Any) -> str:
    from glassnet.diagnostics.plots import (
        plot_decision_boundary,
        plot_gradient_norms,
        plot_loss,
        plot_unit_health,
    )

    history = mlp.history_
    loss = history.loss
    with_validation = " and the validation loss and accuracy" if mlp.early_stopping else ""
    figures = [
        figure_html(
            plot_loss(mlp, ax=_new_axes()),
            f"Training loss per epoch{with_validation}: from {loss[0]:.4g} at epoch 1 to "
            f"{loss[-1]:.4g} at epoch {len(history)}.",
        )
    ]
    notes = ""
    if history.has_layers:
        figures.append(
            figure_html(
                plot_gradient_norms(mlp, ax=_new_axes()),
                "Gradient norm of each layer per epoch, on a log scale.",
            )
        )
        figures.append(
            figure_html(
                plot_unit_health(mlp, ax=_new_axes()),
                "Share of dead, switched-off or saturated units in each hidden layer per epoch.",
            )
        )
    else:
        notes += text_html(
            "Gradient norms and unit health are missing: the model was fitted with "
            "record='epochs'. Fit it with record='layers' (the default) to see them.",
            "note",
        )
    plane = _complete_plane(X_test) if isinstance(mlp, MLPClassifier) else None
    if plane is not None:
        X_plane = X_test.loc[plane] if hasattr(X_test, "loc") else np.asarray(X_test)[plane]
        figures.append(
            figure_html(
                plot_decision_boundary(model, X_plane, y_test[plane], ax=_new_axes()),
                "The model's prediction over the plane of the two features, with the test "
                "rows on top, coloured by their true class.",
                caption=f"Decision boundary, with the {plane.sum()} test rows that have both "
                "values.",
            )
        )
    return f'<div class="figures">{"".join(figures)}</div>{notes}'


def _complete_plane(X: Any) -> np.ndarray | None:
    """Return which rows of a two-feature numeric X have both values, else None.

    A decision boundary is a picture of a plane: it needs exactly two numeric
    columns, and rows with a missing value have no place on it.
    """
    if np.ndim(X) != 2 or np.shape(X)[1] != 2:
        return None
    try:
        values = np.asarray(X, dtype=float)  # (n_samples, 2)
    except (TypeError, ValueError):
        return None
    complete = np.isfinite(values).all(axis=1)
    return complete if complete.any() else None


def _evaluation_section(
    model: Any, mlp: MLPClassifier, X_test: Any, y_test: np.ndarray, y_pred: np.ndarray
) -> str:
    from glassnet.metrics import ConfusionMatrix, ConfusionMatrixDisplay, classification_report

    classes = mlp.classes_
    binary = len(classes) == 2
    # predict_proba(X)[:, 1] is the probability of classes_[1]: that is the positive class.
    cm = ConfusionMatrix(
        y_test, y_pred, labels=classes, positive_label=classes[1] if binary else None
    )
    baseline = cm.majority_baseline()
    facts = facts_html(
        {
            "accuracy": f"{cm.accuracy():.3f} on {len(y_test)} test rows",
            "majority-class baseline": (
                f"{baseline.accuracy:.3f} (always answering '{cm.label_names[baseline.label]}')"
            ),
        }
    )
    matrix = ConfusionMatrixDisplay(cm).plot(ax=_new_axes((5.2, 4.2)))
    matrix.ax_.set_title("Confusion matrix (test rows)")
    cells = (
        f" TN {cm.tn}, FP {cm.fp}, FN {cm.fn}, TP {cm.tp}."
        if binary
        else " Rows are true labels, columns predicted labels."
    )
    report = classification_report(
        y_test, y_pred, labels=classes, output="frame", zero_division=0.0
    )
    report["support"] = report["support"].round().astype(int)
    parts = [
        facts,
        '<div class="figures">',
        figure_html(matrix.figure_, f"Confusion matrix of the {len(y_test)} test rows.{cells}"),
        f"<div>{text_html(cm.explain())}</div>",
        "</div>",
        "<h3>Classification report</h3>",
        frame_html(report),
    ]
    if binary:
        parts.append(_binary_curves(model, X_test, y_test, classes[1]))
    else:
        parts.append(
            text_html(
                f"No ROC curve or threshold table: the target has {len(classes)} classes, and "
                "both need two: one positive class, and a threshold on its probability.",
                "note",
            )
        )
    return "".join(parts)


def _regression_section(y_test: np.ndarray, y_pred: np.ndarray, scores: dict) -> str:
    """Scores of a regression and its predicted-against-true picture."""
    facts = facts_html(
        {
            "R²": f"{scores['r2']:.3f} on {len(y_test)} test rows (1 is perfect, 0 is no "
            "better than always answering their mean)",
            "mean absolute error": f"{scores['mae']:.4g}",
            "root mean squared error": f"{scores['rmse']:.4g}",
            "baseline": f"RMSE {scores['baseline_rmse']:.4g} (always answering the mean)",
        }
    )
    ax = _new_axes((5.2, 5.2))
    y_true = np.asarray(y_test, dtype=float)
    ax.scatter(y_true, y_pred, s=12, alpha=0.6, label="test rows")
    low = float(min(y_true.min(), np.min(y_pred)))
    high = float(max(y_true.max(), np.max(y_pred)))
    ax.plot([low, high], [low, high], color="grey", linestyle="--", label="perfect")
    ax.set(xlabel="true value", ylabel="predicted value", title="Predicted against true")
    ax.legend(loc="upper left")
    return facts + figure_html(
        ax.figure,
        f"Predicted against true value for the {len(y_test)} test rows; a perfect model "
        "puts every row on the dashed diagonal.",
    )


def _score_name(mlp: Any) -> str:
    return "R²" if isinstance(mlp, MLPRegressor) else "accuracy"


def _binary_curves(model: Any, X_test: Any, y_test: np.ndarray, positive: Any) -> str:
    """Draw the ROC curve with its AUC and tabulate a few thresholds, for two classes."""
    from glassnet.metrics import RocCurveDisplay, threshold_table

    if len(np.unique(y_test)) < 2:
        return text_html(
            "No ROC curve or threshold table: the test rows hold only one class, and both "
            "need positive and negative rows.",
            "note",
        )
    scores = model.predict_proba(X_test)[:, 1]  # (n_samples,) probability of `positive`
    roc = RocCurveDisplay.from_predictions(
        y_test,
        scores,
        positive_label=positive,
        operating_point=0.5,
        name="model",
        ax=_new_axes((5.2, 5.2)),
    )
    auc = f"{roc.roc_auc:.3f}"
    roc.ax_.set_title(f"ROC curve (test rows), AUC = {auc}")
    table = threshold_table(
        y_test, scores, _THRESHOLDS, positive_label=positive, zero_division=np.nan
    )
    return (
        "<h3>ROC curve</h3>"
        + figure_html(
            roc.figure_,
            f"ROC curve of the test rows, positive class '{positive}': AUC = {auc}. The marked "
            "point is the threshold 0.5 that predict() uses.",
        )
        + text_html(
            f"Area under the ROC curve: AUC = {auc} (0.5 is guessing, 1 is "
            "perfect): the chance that a random positive row gets a higher score than a "
            "random negative one."
        )
        + "<h3>Threshold table</h3>"
        + text_html(
            f"Counts and rates when a row is called '{positive}' if its probability is at "
            "least the threshold. predict() uses 0.5, so that row matches the confusion "
            "matrix above. An empty cell is undefined (e.g. precision when nothing is "
            "called positive)."
        )
        + frame_html(table, index=False)
    )
