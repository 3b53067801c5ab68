"""diagnose(): each rule fires on a real run that has the problem, and says why."""

import warnings

import numpy as np
import pytest
from rich.console import Console
from sklearn.datasets import make_classification, make_moons

from glassnet import MLPClassifier, TrainingDivergedError, TrainingHealthWarning, diagnose
from glassnet.diagnostics import HealthReport

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning",
    "ignore::glassnet.TrainingHealthWarning",
)


@pytest.fixture(scope="module")
def moons():
    return make_moons(200, noise=0.3, random_state=0)


def test_no_learning_when_the_steps_are_tiny(moons):
    X, y = moons
    model = MLPClassifier(
        (8,), solver="sgd", learning_rate_init=1e-7, max_iter=20, random_state=0
    ).fit(X, y)
    report = model.diagnose()
    assert report.codes() == ["no_learning"]
    (finding,) = report
    assert finding.severity == "severe"
    assert finding.evidence["change"] < 0.01
    assert "raise learning_rate_init (now 1e-07)" in finding.advice


def test_born_dead_network_on_constant_inputs():
    X, y = np.zeros((100, 3)), np.arange(100) % 2
    model = MLPClassifier((8,), init="he_uniform", max_iter=20, random_state=0).fit(X, y)
    report = model.diagnose()
    assert report.codes() == ["born_dead"]  # the flat loss is not reported twice
    assert report.findings[0].layer == "hidden 1"


def test_overfitting_seen_in_the_validation_record():
    X, y = make_classification(200, n_features=20, n_informative=3, flip_y=0.3, random_state=0)
    model = MLPClassifier(
        (64, 64),
        early_stopping=True,
        validation_fraction=0.3,
        n_iter_no_change=150,
        max_iter=150,
        learning_rate_init=0.01,
        alpha=0.0,
        random_state=0,
    ).fit(X, y)
    finding = next(f for f in model.diagnose() if f.code == "overfitting")
    scores = model.history_.validation_score
    assert finding.evidence["best validation accuracy"] == np.nanmax(scores)
    assert finding.evidence["last validation accuracy"] == scores[-1]
    assert model.history_.loss[-1] < model.history_.loss[finding.evidence["best epoch"] - 1]


def test_not_converged_only_when_max_iter_cut_a_falling_loss(moons):
    X, y = moons
    short = MLPClassifier((8,), max_iter=20, random_state=0).fit(X, y)
    assert short.diagnose().codes() == ["not_converged"]
    done = MLPClassifier((8,), max_iter=2000, random_state=0).fit(X, y)
    assert done.n_iter_ < 2000
    assert "not_converged" not in done.diagnose().codes()


def test_divergence_is_diagnosed_on_the_unfitted_model(moons):
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
    (finding,) = [f for f in model.diagnose() if f.code == "exploding_gradients"]
    assert finding.severity == "severe"
    assert finding.evidence["diverged at epoch"] == model._diverged_at
    assert "clip_grad_norm=1.0" in finding.advice


def test_renderings_carry_the_same_findings(moons):
    X, y = moons
    report = (
        MLPClassifier((8,), solver="sgd", learning_rate_init=1e-7, max_iter=20, random_state=0)
        .fit(X, y)
        .diagnose()
    )
    text = str(report)
    assert "[SEVERE] No learning" in text
    assert "Try, most likely cause first:\n  - raise learning_rate_init (now 1e-07)" in text
    html = report.to_html()
    assert "No learning" in html and "<li>raise learning_rate_init (now 1e-07)</li>" in html
    console = Console(record=True, width=100)
    console.print(report)
    assert "No learning" in console.export_text()
    assert report._repr_html_() == html


def test_healthy_report_renders():
    report = HealthReport([], 12)
    assert report.healthy and str(report).endswith("no problem found in 12 epochs.")
    assert "No problem found" in report.to_html()


def test_warning_at_the_end_of_fit_and_switch():
    X, y = np.zeros((100, 3)), np.arange(100) % 2
    params = dict(hidden_layer_sizes=(8,), init="he_uniform", max_iter=5, random_state=0)
    with pytest.warns(TrainingHealthWarning, match="constant from the first epoch"):
        MLPClassifier(**params).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingHealthWarning)
        MLPClassifier(**params, health_warnings=False).fit(X, y)
        MLPClassifier(**params, record="epochs").fit(X, y)


def test_diagnose_needs_a_record():
    with pytest.raises(ValueError, match="call fit before diagnose"):
        diagnose(MLPClassifier())


def test_units_dead_with_small_steps_point_at_the_initialisation():
    X, y = make_moons(500, noise=0.2, random_state=0)
    model = MLPClassifier((16, 8), max_iter=500, random_state=0).fit(X, y)
    (finding,) = [f for f in model.diagnose() if f.code == "dead_units"]
    assert finding.layer == "hidden 2" and finding.severity == "warning"
    dead = model.history_.dead_fraction[-1, 1]
    assert finding.evidence["dead fraction"] == dead and 0.2 <= dead < 0.5
    assert "initial weights" in finding.explanation
    assert finding.advice[0] == "init='he_uniform'"
    assert not any("learning_rate_init" in a for a in finding.advice)
