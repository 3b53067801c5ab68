"""Rich displays: every _repr_html_ parsed, its content checked against the object's numbers.

Each fragment is read with the standard library's html.parser: its tables, its
name/value lists, its text and its tags. Every one must be self-contained (no
script of its own, nothing loaded from elsewhere) and escape what comes from data.
"""

import re
import warnings
from html.parser import HTMLParser

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_moons

from glassnet import MLPClassifier, TrainingDivergedError
from glassnet.experiments import smallest_network, sweep
from glassnet.metrics import (
    ConfusionMatrix,
    choose_threshold,
    precision_recall_curve,
    roc_curve,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning",
    "ignore::glassnet.TrainingHealthWarning",
)

HOSTILE = "<script>alert('x')</script>"
DASH = "\u2014"


class Page(HTMLParser):
    """What a fragment holds: tags, text, tables (rows of cell texts) and dt/dd pairs."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.facts: dict[str, str] = {}
        self.cell_classes: list[list[str]] = []  # per table, the class of every td
        self._cell: list[str] | None = None
        self._dt: str | None = None
        self._in: str | None = None
        self._buffer: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self.tables.append([])
            self.cell_classes.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "td":
                self.cell_classes[-1].append(attrs.get("class") or "")
        elif tag in ("dt", "dd"):
            self._in, self._buffer = tag, []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "dt":
            self._dt = "".join(self._buffer).strip()
        elif tag == "dd":
            self.facts[self._dt] = "".join(self._buffer).strip()
        if tag in ("dt", "dd"):
            self._in = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data + " ")
        if self._in:
            self._buffer.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def classes(self, name: str) -> list[dict]:
        return [a for _, a in self.tags if name in (a.get("class") or "").split()]


def self_contained(html: str) -> Page:
    """Parse a fragment of ours and check it loads nothing and runs nothing."""
    page = Page(html)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "iframe" not in tags and "img" not in tags
    for _, attrs in page.tags:
        assert "src" not in attrs
        assert not any(k.startswith("on") for k in attrs)  # no event handlers
        assert not re.match(r"\s*(https?:|//|javascript:)", attrs.get("href", "") or "")
    assert not re.search(r"url\(|@import|https?://", html)
    assert tags[:2] == ["style", "div"] and "gn-view" in page.tags[1][1]["class"]
    return page


@pytest.fixture(scope="module")
def moons():
    return make_moons(200, noise=0.2, random_state=0)


@pytest.fixture(scope="module")
def model(moons):
    X, y = moons
    return MLPClassifier(
        (8, 4), learning_rate_init=0.02, max_iter=60, early_stopping=True, random_state=0
    ).fit(X, y)


@pytest.fixture(scope="module")
def sick(moons):
    # A step far too large kills relu units: the record has findings to show.
    X, y = moons
    return MLPClassifier((8, 8), learning_rate_init=0.3, max_iter=30, random_state=0).fit(X, y)


# --------------------------------------------------------------------------- the model


def ours(html: str) -> str:
    """The part of the model's HTML after scikit-learn's view."""
    start = html.index("<style>\n.gn-view")
    return html[start:]


def test_fitted_model_shows_sklearns_view_then_its_training(model):
    html = model._repr_html_()
    assert "sk-top-container" in html.split("<style>\n.gn-view")[0]  # scikit-learn's view
    page = self_contained(ours(html))
    facts = page.facts
    assert facts["layers"] == "2 inputs \u2192 8 relu \u2192 4 relu \u2192 1 logistic"
    n_params = sum(c.size + b.size for c, b in zip(model.coefs_, model.intercepts_, strict=True))
    assert facts["parameters"] == str(n_params)
    assert facts["epochs"] == f"{model.n_iter_} (adam)"
    assert facts["final loss"] == f"{model.loss_curve_[-1]:.4g}"
    scores = model.validation_scores_
    best = int(np.argmax(scores))
    assert facts["validation score"] == (
        f"{scores[-1]:.4g} (best {scores[best]:.4g}, epoch {best + 1})"
    )
    assert facts["classes"] == "0, 1"
    # The sparkline: the loss and the validation loss, one point per epoch each.
    (svg,) = [a for t, a in page.tags if t == "svg"]
    assert "training loss over" in svg["aria-label"]
    lines = [a["points"].split() for t, a in page.tags if t == "polyline"]
    assert [len(points) for points in lines] == [model.n_iter_, model.n_iter_]
    # The layers table is there too, folded away.
    assert [row[0] for row in page.tables[0][1:]] == ["input", "hidden 1", "hidden 2", "output"]


def test_health_badge_opens_the_findings(sick):
    report = sick.diagnose()
    assert not report.healthy
    page = self_contained(ours(sick._repr_html_()))
    (badge, *severities) = [a for a in page.classes("gn-badge")]
    worst = report.findings[0].severity
    assert f"gn-{worst}" in badge["class"]
    text = page.all_text
    assert f"{len(report)} findings: {worst}" in text
    (details,) = page.classes("gn-findings")
    assert "open" not in details  # the badge opens them
    for finding in report:
        assert finding.label in text
        assert finding.summary_text() in text
    for advice in report.advice_text():
        assert advice in text
    assert len(severities) == len(report)


def test_healthy_model_gets_a_green_badge(moons):
    X, y = moons
    model = MLPClassifier((16,), activation="tanh", solver="lbfgs", random_state=0).fit(X, y)
    assert model.diagnose().healthy
    page = self_contained(ours(model._repr_html_()))
    (badge,) = page.classes("gn-badge")
    assert "gn-good" in badge["class"]
    assert "healthy" in page.all_text and "no problem found" in page.all_text
    assert not page.classes("gn-findings")


def test_class_labels_from_data_are_escaped(moons):
    X, y = moons
    labels = np.where(y == 1, HOSTILE, "<b>no</b>")
    model = MLPClassifier((4,), max_iter=5, random_state=0).fit(X, labels)
    html = ours(model._repr_html_())
    page = self_contained(html)
    assert page.facts["classes"] == f"<b>no</b>, {HOSTILE}"
    assert "&lt;script&gt;" in html


def test_unfitted_model_shows_sklearns_view_alone():
    html = MLPClassifier((4,))._repr_html_()
    assert "sk-top-container" in html and "gn-view" not in html


def test_sklearn_display_text_turns_the_html_off(model):
    bundle = model._repr_mimebundle_()
    assert bundle["text/plain"] == repr(model) and "gn-view" in bundle["text/html"]
    with sklearn.config_context(display="text"):
        assert not hasattr(model, "_repr_html_")
        assert model._repr_mimebundle_() == {"text/plain": repr(model)}


def test_a_diverged_fit_shows_its_record(moons):
    X, y = moons
    model = MLPClassifier(
        (32, 32, 32),
        activation="identity",
        init="normal",
        solver="sgd",
        learning_rate_init=0.5,
        max_iter=50,
        random_state=0,
    )
    with pytest.raises(TrainingDivergedError):
        model.fit(X * 100, y)
    page = self_contained(ours(model._repr_html_()))
    assert "Training (diverged: not fitted)" in page.all_text
    assert "Exploding gradients" in page.all_text


# --------------------------------------------------------------------------- summary()


def test_summary_numbers_are_the_models_and_the_records(sick):
    summary = sick.summary()
    frame = summary.to_frame()
    assert frame["layer"].tolist() == ["input", "hidden 1", "hidden 2", "output"]
    assert frame["units"].tolist() == [2, 8, 8, 1]
    assert frame["activation"].tolist() == ["", "relu", "relu", "logistic"]
    sizes = [c.size + b.size for c, b in zip(sick.coefs_, sick.intercepts_, strict=True)]
    assert frame["parameters"].tolist() == [0, *sizes]
    assert summary.n_parameters == sum(sizes) == 105
    history = sick.history_
    np.testing.assert_array_equal(frame["dead_share"][1:3], history.dead_fraction[-1])
    np.testing.assert_array_equal(frame["grad_norm"][1:], history.layer_grad_norm[-1])
    assert frame["saturated_share"].isna().all()  # relu layers do not saturate
    assert history.dead_fraction[-1][1] == 0.5  # the rows below are not all dashes

    # The HTML table shows the same numbers, formatted.
    page = self_contained(summary._repr_html_())
    header, *rows = page.tables[0]
    assert header == [
        "layer",
        "units",
        "activation",
        "parameters",
        "dead",
        "saturated",
        "grad norm (last epoch)",
    ]
    for row, layer in zip(rows[1:], range(3), strict=True):
        assert row[3] == str(sizes[layer])
        assert row[6] == f"{history.layer_grad_norm[-1][layer]:.3g}"
        assert row[5] == DASH
    assert [row[4] for row in rows[1:3]] == [f"{100 * v:.0f} %" for v in history.dead_fraction[-1]]
    assert "Total parameters: 105" in page.all_text
    assert "saturated: measured for bounded activations only" in page.all_text

    # And so does the text table.
    text = str(summary)
    assert repr(summary) == text
    assert text.startswith("MLPClassifier: 105 parameters, 30 epochs trained")
    assert re.search(r"hidden 2\s+8\s+relu\s+72\s+50 %\s+\u2014\s+" + rows[2][6], text)
    assert "Total parameters: 105" in text


def test_summary_of_bounded_layers_shows_saturation(moons):
    X, y = moons
    model = MLPClassifier((5,), activation="tanh", max_iter=20, random_state=0).fit(X, y)
    frame = model.summary().to_frame()
    assert frame["saturated_share"][1] == model.history_.saturated_fraction[-1][0]
    assert np.isnan(frame["dead_share"][1])
    assert "dead: measured for relu layers only" in str(model.summary())


def test_summary_says_why_numbers_are_missing(moons):
    X, y = moons
    unfitted = MLPClassifier((6, 3), activation=["relu", "tanh"]).summary()
    assert unfitted.to_frame()["units"].tolist()[1:3] == [6, 3]
    assert unfitted.n_parameters is None
    text = str(unfitted)
    assert text.startswith("MLPClassifier: not fitted")
    assert "known once the model is fitted" in text

    quiet = MLPClassifier((6,), max_iter=5, record="epochs", random_state=0).fit(X, y)
    summary = quiet.summary()
    assert summary.n_parameters == 6 * 2 + 6 + 6 + 1
    assert summary.to_frame()["grad_norm"].isna().all()
    page = self_contained(summary._repr_html_())
    assert [row[6] for row in page.tables[0][2:]] == [DASH, DASH]
    assert "fitted with record='epochs'" in page.all_text


# --------------------------------------------------------------------------- history_


def test_training_record_shows_its_last_epoch(model):
    history = model.history_
    page = self_contained(history._repr_html_())
    assert f"Training record: {len(history)} epochs, per-layer measurements" in page.all_text
    assert page.facts["loss"] == f"{history.loss[-1]:.4g}"
    assert page.facts["validation score"] == f"{history.validation_score[-1]:.4g}"
    _, *rows = page.tables[0]
    assert [r[0] for r in rows] == history.layer_names
    assert [r[3] for r in rows] == [f"{v:.3g}" for v in history.layer_grad_norm[-1]]
    assert [r[6] for r in rows[:2]] == [f"{100 * v:.0f} %" for v in history.dead_fraction[-1]]
    assert repr(history) == f"<TrainingHistory: {len(history)} epochs, with per-layer measurements>"


# --------------------------------------------------------------------------- metrics


def test_confusion_matrix_names_its_cells_and_escapes_labels():
    y_true = [0] * 6 + [1] * 4
    y_pred = [0, 0, 0, 0, 1, 1, 1, 1, 1, 0]
    cm = ConfusionMatrix(y_true, y_pred, label_names={0: HOSTILE, 1: "survived"})
    html = cm._repr_html_()
    page = self_contained(html)
    header, true_neg, true_pos = page.tables[0]
    assert header == ["", f"predicted {HOSTILE}", "predicted survived"]
    assert true_neg == [f"true {HOSTILE}", f"TN {cm.tn}", f"FP, type I error {cm.fp}"]
    assert true_pos == ["true survived", f"FN, type II error {cm.fn}", f"TP {cm.tp}"]
    assert (cm.tn, cm.fp, cm.fn, cm.tp) == (4, 2, 1, 3)
    assert page.cell_classes[0] == [
        "gn-cell gn-right",
        "gn-cell gn-wrong",
        "gn-cell gn-wrong",
        "gn-cell gn-right",
    ]
    assert page.facts["recall (TPR) = TP / (TP + FN)"] == "0.75"
    assert page.facts["precision (PPV) = TP / (TP + FP)"] == "0.6"
    assert page.facts["specificity (TNR) = TN / (TN + FP)"] == "0.667"
    assert page.facts["FPR, type I rate = FP / (FP + TN)"] == "0.333"
    assert page.facts["FNR, type II rate = FN / (FN + TP)"] == "0.25"
    assert page.facts["accuracy"] == "0.7"
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_a_rate_that_is_zero_over_zero_is_a_dash():
    cm = ConfusionMatrix([0, 0, 1, 1], [0, 0, 0, 0])  # nothing predicted positive
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and the display warns about nothing
        page = self_contained(cm._repr_html_())
    assert page.facts["precision (PPV) = TP / (TP + FP)"] == f"{DASH} (0/0)"
    assert page.facts["recall (TPR) = TP / (TP + FN)"] == "0"


def test_multiclass_confusion_matrix_shows_every_count():
    y_true = ["a", "b", "c", "c", "b", "a", "c"]
    y_pred = ["a", "c", "c", "c", "b", "b", "a"]
    cm = ConfusionMatrix(y_true, y_pred)
    page = self_contained(cm._repr_html_())
    rows = page.tables[0][1:]
    assert [r[1:] for r in rows] == [[str(v) for v in row] for row in cm.matrix.tolist()]
    assert "TN" not in page.all_text.split()  # no positive class, no named cells
    with_positive = ConfusionMatrix(y_true, y_pred, positive_label="c")
    text = self_contained(with_positive._repr_html_()).all_text
    assert "c against the rest: TP = 2, FP = 1, FN = 1, TN = 3" in text


@pytest.fixture(scope="module")
def scores(model, moons):
    X, y = moons
    return y, model.predict_proba(X)[:, 1]


def test_roc_curve_draws_its_points(scores):
    roc = roc_curve(*scores)
    page = self_contained(roc._repr_html_())
    curve = [a for t, a in page.tags if t == "polyline"]
    assert len(curve[0]["points"].split()) == roc.fpr.size
    assert page.facts["area under the curve (AUC)"] == f"{roc.auc:.4g}"
    assert repr(roc) == f"RocCurve(auc={roc.auc:.4g}, positive_label=1, {roc.fpr.size} points)"


def test_precision_recall_curve_draws_its_points(scores):
    pr = precision_recall_curve(*scores)
    page = self_contained(pr._repr_html_())
    curve = [a for t, a in page.tags if t == "polyline"]
    assert len(curve[0]["points"].split()) == pr.recall.size
    assert page.facts["average precision (AP)"] == f"{pr.average_precision:.4g}"
    assert page.facts["no skill (prevalence)"] == "0.5 (the dashed line)"
    assert repr(pr).startswith(f"PrecisionRecallCurve(average_precision={pr.average_precision:.4g}")


def test_chosen_threshold_shows_its_matrix(scores):
    choice = choose_threshold(*scores, by=("recall", 0.9))
    page = self_contained(choice._repr_html_())
    assert page.facts["predict positive when"] == f"score \u2265 {choice.threshold:.6g}"
    assert page.facts["chosen by"] == "recall >= 0.9"
    assert page.facts["true positive rate (recall)"] == f"{choice.tpr:.4g}"
    cm = choice.confusion_matrix
    assert page.tables[0][2][2] == f"TP {cm.tp}" and page.tables[0][1][1] == f"TN {cm.tn}"
    assert f"TP={cm.tp}, FP={cm.fp}, FN={cm.fn}, TN={cm.tn}" in repr(choice)


# --------------------------------------------------------------------------- experiments


def test_smallest_network_shows_every_width_tried(moons):
    X, y = moons
    result = smallest_network(X, y, target=0.8, max_layers=2, max_units=2, seeds=2, max_iter=30)
    page = self_contained(result._repr_html_())
    header, *rows = page.tables[0]
    summary = result.summary
    assert header[1:] == [str(u) for u in sorted(summary["units"].unique())]
    assert [r[0] for r in rows] == ["1 hidden layer", "2 hidden layers"][: len(rows)]
    for r in summary.itertuples():
        cell = rows[r.depth - 1][header.index(str(r.units))]
        assert cell == f"{100 * r.success_rate:.0f} %"
    assert str(result).split("\n")[0] in page.all_text
    best = page.classes("gn-best")
    assert len(best) == (1 if result.solved else 0)


def test_sweep_shows_one_row_per_cell():
    result = sweep(
        data="moons",
        target=0.8,
        n_samples=[80],
        noise=[0.1, 0.2],
        seeds=1,
        max_layers=1,
        max_units=2,
        max_iter=20,
    )
    page = self_contained(result._repr_html_())
    header, *rows = page.tables[0]
    assert header == [
        "n_samples",
        "noise",
        "test_size",
        "network",
        "parameters",
        "seeds solved",
        "seconds",
    ]
    assert [r[:2] for r in rows] == [["80", "0.1"], ["80", "0.2"]]
    for row, cell in zip(rows, result.table.to_dict("records"), strict=True):
        if cell["solved"]:
            assert row[3] == str((int(cell["units"]),) * int(cell["layers"]))
            assert row[4] == f"{cell['n_parameters']:.0f}"
        else:
            assert row[3:5] == ["none found", DASH]


def test_colours_follow_the_notebooks_theme():
    # Every colour of the style sheet is a --gn-* variable that reads JupyterLab's
    # --jp-* variable first, with light fallbacks, and dark ones under
    # prefers-color-scheme: dark.
    css = ConfusionMatrix([0, 1], [0, 1])._repr_html_().split("</style>")[0]
    light, dark = css.split("@media (prefers-color-scheme: dark)")
    for sheet in (light, dark):
        for name in ("fg", "muted", "line", "accent", "good", "warn", "bad"):
            assert re.search(rf"--gn-{name}: var\(--jp-[a-z0-9-]+, ", sheet), name
    rules = re.findall(r"(?<![-\w])(?:color|background|border[\w-]*|outline):\s*([^;]+);", css)
    literal = [r for r in rules if re.search(r"#[0-9a-f]{3,6}\b", r) and "var(" not in r]
    assert literal == ["#fff"]  # only the badges' text, on their coloured pill


def test_summary_of_logistic_regression_has_no_hidden_layer(moons):
    X, y = moons
    model = MLPClassifier((), max_iter=10, random_state=0).fit(X, y)
    summary = model.summary()
    assert [r.layer for r in summary.rows] == ["input", "output"]
    assert summary.n_parameters == 3
    assert summary.notes == ["The output layer is not checked for dead or saturated units."]
