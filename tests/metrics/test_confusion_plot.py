"""ConfusionMatrixDisplay: real renders with the Agg backend, read back from disk."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # before pyplot: render to files, never open a window

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from glassnet.metrics import ConfusionMatrix, ConfusionMatrixDisplay

TITANIC_NAMES = {0: "died", 1: "survived"}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def titanic():
    """The course's lazy Titanic model on its test rows: TP=10, FN=26, FP=3, TN=61."""
    y_true = np.array([1] * 36 + [0] * 64)
    y_pred = np.array([1] * 10 + [0] * 26 + [1] * 3 + [0] * 61)
    return ConfusionMatrix(y_true, y_pred, label_names=TITANIC_NAMES)


def cell_texts(display):
    return [text.get_text() for text in display.ax_.texts]


def test_png_has_the_figure_size_in_pixels(titanic, tmp_path):
    fig, ax = plt.subplots(figsize=(4, 3))
    display = ConfusionMatrixDisplay(titanic).plot(ax=ax)
    assert display.figure_ is fig and display.ax_ is ax
    path = tmp_path / "confusion.png"
    display.figure_.savefig(path, dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert matplotlib.image.imread(path).shape == (150, 200, 4)


def test_default_figure_saves_at_its_own_size(titanic, tmp_path):
    display = ConfusionMatrixDisplay(titanic).plot()
    path = tmp_path / "confusion.png"
    display.figure_.savefig(path, dpi=40)
    width, height = display.figure_.get_size_inches()
    assert matplotlib.image.imread(path).shape == (round(height * 40), round(width * 40), 4)


def test_svg_export(titanic, tmp_path):
    path = tmp_path / "confusion.svg"
    ConfusionMatrixDisplay(titanic).plot().figure_.savefig(path)
    text = path.read_text()
    assert "<svg" in text


def test_binary_cells_show_their_names_and_counts(titanic):
    display = ConfusionMatrixDisplay(titanic).plot()
    texts = cell_texts(display)
    # Rows true (died, survived), columns predicted (died, survived).
    assert texts == ["TN\n61", "FP\ntype I\n3", "FN\ntype II\n26", "TP\n10"]
    assert display.text_.shape == (2, 2)
    assert display.text_[1, 1].get_text() == "TP\n10"
    assert display.ax_.get_xlabel() == "predicted label"
    assert display.ax_.get_ylabel() == "true label"
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == ["died", "survived"]
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == ["died", "survived"]


def test_normalize_writes_the_share_and_colours_by_it(titanic):
    display = ConfusionMatrixDisplay(titanic).plot(normalize="true")
    assert cell_texts(display) == [
        "TN\n61\n95 %", "FP\ntype I\n3\n5 %", "FN\ntype II\n26\n72 %", "TP\n10\n28 %",
    ]  # fmt: skip
    np.testing.assert_allclose(display.im_.get_array(), titanic.normalize("true"))


def test_names_follow_the_positive_label_not_the_position():
    y_true, y_pred = ["ham", "spam", "spam", "ham"], ["ham", "spam", "ham", "spam"]
    display = ConfusionMatrixDisplay.from_predictions(y_true, y_pred, positive_label="ham")
    # Labels sorted (ham, spam), ham positive: the top-left cell is TP.
    assert [text.split("\n")[0] for text in cell_texts(display)] == ["TP", "FN", "FP", "TN"]


def test_show_names_false_and_multiclass_show_counts_only(titanic):
    assert cell_texts(ConfusionMatrixDisplay(titanic).plot(show_names=False)) == [
        "61", "3", "26", "10",
    ]  # fmt: skip
    display = ConfusionMatrixDisplay.from_predictions([0, 1, 2, 2], [0, 2, 2, 1])
    assert cell_texts(display) == ["1", "0", "0", "0", "0", "1", "0", "1", "1"]


def test_text_is_light_on_dark_cells(titanic):
    display = ConfusionMatrixDisplay(titanic).plot(cmap="Blues")
    cmap = display.im_.cmap
    assert display.text_[0, 0].get_color() == cmap(0.0)  # TN = 61, the darkest cell
    assert display.text_[0, 1].get_color() == cmap(1.0)  # FP = 3, a light cell


def test_from_estimator_draws_the_estimators_matrix():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    display = ConfusionMatrixDisplay.from_estimator(model, X, y, label_names=TITANIC_NAMES)
    expected = ConfusionMatrix(y, model.predict(X)).matrix
    np.testing.assert_array_equal(display.confusion_matrix.matrix, expected)
    assert cell_texts(display)[3] == f"TP\n{expected[1, 1]}"


def test_bad_arguments_are_named(titanic):
    with pytest.raises(TypeError, match=r"must be a glassnet.metrics.ConfusionMatrix, got ndarray"):
        ConfusionMatrixDisplay(np.eye(2))
    with pytest.raises(ValueError, match="normalize='rows' is not valid"):
        ConfusionMatrixDisplay(titanic).plot(normalize="rows")
    with pytest.raises(TypeError, match="predict method; got str"):
        ConfusionMatrixDisplay.from_estimator("model", [[0]], [0])


def test_importing_glassnet_metrics_does_not_import_matplotlib():
    code = "import sys, glassnet.metrics; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stderr
