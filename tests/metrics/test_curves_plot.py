"""The curve Displays, rendered for real with matplotlib's Agg backend."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from glassnet.metrics import (
    PrecisionRecallDisplay,
    RocCurveDisplay,
    ThresholdMetricsDisplay,
    choose_threshold,
    precision_recall_curve,
    roc_curve,
    threshold_table,
)

FIGSIZE, DPI = (4.0, 3.0), 50
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def scored():
    """Labels and noisy scores of 200 samples; about 40% positive."""
    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.4).astype(int)
    scores = np.clip(0.35 * y + rng.normal(0.35, 0.2, size=200), 0, 1)
    return y, scores


DISPLAYS = [RocCurveDisplay, PrecisionRecallDisplay, ThresholdMetricsDisplay]


def _save(display, path, **kwargs):
    display.figure_.set_size_inches(*FIGSIZE)
    display.figure_.savefig(path, dpi=DPI, **kwargs)
    return path


@pytest.mark.parametrize("display_class", DISPLAYS, ids=lambda c: c.__name__)
def test_renders_to_a_png_of_the_expected_size(display_class, scored, tmp_path):
    y, scores = scored
    display = display_class.from_predictions(y, scores, operating_point=0.5)
    path = _save(display, tmp_path / "plot.png")
    assert path.read_bytes()[:8] == PNG_MAGIC
    image = matplotlib.image.imread(path)
    assert image.shape == (FIGSIZE[1] * DPI, FIGSIZE[0] * DPI, 4)
    # Something was drawn: not a blank canvas.
    assert image[..., :3].std() > 0.05


@pytest.mark.parametrize("display_class", DISPLAYS, ids=lambda c: c.__name__)
def test_saves_as_svg(display_class, scored, tmp_path):
    y, scores = scored
    display = display_class.from_predictions(y, scores)
    path = _save(display, tmp_path / "plot.svg")
    text = path.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text


@pytest.mark.parametrize("display_class", DISPLAYS, ids=lambda c: c.__name__)
def test_draws_on_the_given_axes_and_returns_itself(display_class, scored):
    y, scores = scored
    fig, ax = plt.subplots()
    display = display_class.from_predictions(y, scores, ax=ax)
    assert isinstance(display, display_class)
    assert display.ax_ is ax and display.figure_ is fig


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_roc_curve_line_legend_and_chance_diagonal(scored):
    y, scores = scored
    display = RocCurveDisplay.from_predictions(y, scores, name="model")
    curve = roc_curve(y, scores)
    np.testing.assert_array_equal(display.line_.get_xdata(), curve.fpr)
    np.testing.assert_array_equal(display.line_.get_ydata(), curve.tpr)
    assert f"model (AUC = {curve.auc:.2f})" in _legend_texts(display.ax_)
    assert display.chance_level_ in display.ax_.lines
    np.testing.assert_array_equal(display.chance_level_.get_xdata(), [0, 1])
    np.testing.assert_array_equal(display.chance_level_.get_ydata(), [0, 1])
    assert display.operating_point_ is None


def test_roc_chance_diagonal_can_be_left_out(scored):
    display = RocCurveDisplay.from_predictions(*scored, plot_chance_level=False)
    assert display.chance_level_ is None
    assert len(display.ax_.lines) == 1


def _rates_at(y, scores, threshold):
    predicted = scores >= threshold
    tpr = (predicted & (y == 1)).sum() / (y == 1).sum()
    fpr = (predicted & (y == 0)).sum() / (y == 0).sum()
    precision = (predicted & (y == 1)).sum() / predicted.sum()
    return tpr, fpr, precision


def test_roc_operating_point_is_marked_and_annotated(scored):
    y, scores = scored
    display = RocCurveDisplay.from_predictions(y, scores, operating_point=0.5)
    tpr, fpr, _ = _rates_at(y, scores, 0.5)
    marker = display.operating_point_
    assert marker in display.ax_.lines
    assert marker.get_marker() == "o"
    np.testing.assert_allclose([marker.get_xdata()[0], marker.get_ydata()[0]], [fpr, tpr])
    text = display.annotation_.get_text()
    assert "threshold 0.5" in text
    assert f"TPR {tpr:.2f}" in text and f"FPR {fpr:.2f}" in text
    assert display.annotation_ in display.ax_.texts


def test_roc_operating_point_from_choose_threshold(scored):
    y, scores = scored
    choice = choose_threshold(y, scores, by="youden")
    display = RocCurveDisplay.from_predictions(y, scores, operating_point=choice)
    marker = display.operating_point_
    np.testing.assert_allclose(
        [marker.get_xdata()[0], marker.get_ydata()[0]], [choice.fpr, choice.tpr]
    )
    # The constructor takes the choice as it is, too.
    direct = RocCurveDisplay(fpr=[0, 1], tpr=[0, 1], operating_point=choice).plot()
    np.testing.assert_allclose(direct.operating_point_.get_xydata(), [[choice.fpr, choice.tpr]])


def test_precision_recall_curve_line_no_skill_and_operating_point(scored):
    y, scores = scored
    display = PrecisionRecallDisplay.from_predictions(y, scores, operating_point=0.6)
    curve = precision_recall_curve(y, scores)
    np.testing.assert_array_equal(display.line_.get_xdata(), curve.recall)
    np.testing.assert_array_equal(display.line_.get_ydata(), curve.precision)
    assert any(f"AP = {curve.average_precision:.2f}" in t for t in _legend_texts(display.ax_))
    np.testing.assert_allclose(display.chance_level_.get_ydata(), [y.mean()] * 2)
    tpr, _, precision = _rates_at(y, scores, 0.6)
    np.testing.assert_allclose(display.operating_point_.get_xydata(), [[tpr, precision]])
    assert "threshold 0.6" in display.annotation_.get_text()


def test_threshold_metrics_lines_and_threshold_line(scored):
    y, scores = scored
    display = ThresholdMetricsDisplay.from_predictions(y, scores, operating_point=0.45)
    assert set(display.lines_) == {"precision", "tpr", "specificity", "f1", "accuracy"}
    table = threshold_table(y, scores).sort_values("threshold")
    for metric, line in display.lines_.items():
        np.testing.assert_allclose(line.get_xdata(), table["threshold"])
        np.testing.assert_allclose(line.get_ydata(), table[metric], err_msg=metric)
    assert "recall (TPR)" in _legend_texts(display.ax_)
    np.testing.assert_array_equal(display.threshold_line_.get_xdata(), [0.45, 0.45])


def test_threshold_metrics_at_given_thresholds_and_chosen_metrics(scored):
    y, scores = scored
    grid = np.linspace(0, 1, 11)
    display = ThresholdMetricsDisplay.from_predictions(y, scores, thresholds=grid).plot(
        metrics=["fpr", "tpr"]
    )
    assert set(display.lines_) == {"fpr", "tpr"}
    assert display.threshold_line_ is None
    np.testing.assert_allclose(display.lines_["fpr"].get_xdata(), grid)


def test_threshold_metrics_rejects_unknown_metric(scored):
    display = ThresholdMetricsDisplay(table=threshold_table(*scored))
    with pytest.raises(ValueError, match=r"unknown metrics \['auc'\]; choose from precision"):
        display.plot(metrics=["auc"])


def test_from_estimator_with_string_labels_and_either_response(scored):
    y, scores = scored
    X = scores[:, None] + np.random.default_rng(1).normal(0, 0.05, size=(200, 1))
    labels = np.where(y == 1, "yes", "no")
    model = LogisticRegression().fit(X, labels)
    # The positive class is classes_[0] here, so decision_function must be negated.
    proba = RocCurveDisplay.from_estimator(model, X, labels, positive_label="no")
    decision = RocCurveDisplay.from_estimator(
        model, X, labels, positive_label="no", response_method="decision_function"
    )
    expected = roc_curve(labels, model.predict_proba(X)[:, 0], positive_label="no")
    for display in (proba, decision):
        np.testing.assert_allclose(display.line_.get_xdata(), expected.fpr)
        np.testing.assert_allclose(display.line_.get_ydata(), expected.tpr)
    assert "LogisticRegression (AUC" in proba.line_.get_label()
    pr = PrecisionRecallDisplay.from_estimator(model, X, labels, positive_label="yes")
    assert pr.positive_label == "yes"
    metrics = ThresholdMetricsDisplay.from_estimator(model, X, labels, positive_label="yes")
    assert len(metrics.lines_) == 5


def test_from_estimator_refuses_multiclass_models():
    X = np.arange(12.0)[:, None]
    model = LogisticRegression().fit(X, [0, 1, 2] * 4)
    with pytest.raises(ValueError, match=r"LogisticRegression has 3 classes"):
        RocCurveDisplay.from_estimator(model, X, [0, 1, 2] * 4)


def test_operating_point_of_the_wrong_type(scored):
    with pytest.raises(ValueError, match=r"operating_point must be a threshold .*received str"):
        RocCurveDisplay.from_predictions(*scored, operating_point="best")
    with pytest.raises(ValueError, match=r"operating_point must be a choose_threshold result"):
        RocCurveDisplay(fpr=[0, 1], tpr=[0, 1], operating_point=0.5).plot()


def test_importing_metrics_does_not_import_matplotlib():
    code = "import sys, glassnet.metrics; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("display", [RocCurveDisplay, PrecisionRecallDisplay])
def test_axis_labels_hold_one_bracket_each(scored, display):
    """A label reads 'True positive rate = recall (positive label: 1)', never two brackets."""
    y, scores = scored
    ax = display.from_predictions(y, scores).ax_
    for label in (ax.get_xlabel(), ax.get_ylabel()):
        assert label.count("(") <= 1, label
        assert "positive label: 1" in label
