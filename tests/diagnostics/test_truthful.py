"""diagnose() never contradicts itself or the record (issue 15, items 3 and 4).

Each test trains the run a review found misreported and checks what the report now
says against the record itself; the playground's runs are trained as the page trains
them (a Lane, one epoch at a time).
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from rich.console import Console
from sklearn.datasets import make_classification, make_moons
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier, TrainingDivergedError, diagnose
from glassnet.diagnostics import CLI_OPTIONS, Advice
from glassnet.diagnostics._advice import translate
from glassnet.playground.datasets import load
from glassnet.playground.lane import Grid, Lane
from glassnet.playground.spec import RunSpec

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning",
    "ignore::glassnet.TrainingHealthWarning",
)

PYTHON_NAMES = re.compile(r"\b(learning_rate_init|clip_grad_norm|max_iter|random_state)\b|init=")


def lane(network: dict, epochs: int, every: int = 0) -> tuple[Lane, list[list[str]]]:
    """Train a playground lane on the circles (noise 10 %, seed 0) for ``epochs``.

    With ``every``, diagnose() runs every that many epochs, as the page does, and the
    codes found each time are returned.
    """
    spec = RunSpec.model_validate(
        {"data": {"dataset": "circles", "noise": 10}, "seed": 0, "lanes": [network]}
    )
    data = load(spec.data, spec.seed)
    run = Lane(spec.lanes[0], data, spec.features, spec.seed, Grid(data.extent, spec.features))
    seen = []
    try:
        while run.epoch < epochs and run.step():
            if every and run.epoch % every == 0:
                seen.append(diagnose(run.model).codes())
    finally:
        run.close()
    return run, seen


def assert_consistent(report) -> None:
    """One entry per parameter; no finding's advice differs from the merged one."""
    merged = {a.parameter: a for a in report.advice}
    assert len(merged) == len(report.advice)
    for finding in report:
        for action in finding.actions:
            assert merged[action.parameter].agrees(action), (finding.label, action)


# ---------------------------------------------------------------- advice


@pytest.fixture(scope="module")
def hot_leaky():
    """(8, 8, 8) leaky_relu at learning_rate_init=0.3, cut at 30 epochs (demonstration b)."""
    X, y = make_classification(1000, n_features=20, n_informative=10, random_state=0)
    X = StandardScaler().fit_transform(X)
    params = dict(learning_rate_init=0.3, max_iter=30, n_iter_no_change=1000, random_state=0)
    return MLPClassifier((8, 8, 8), activation="leaky_relu", **params).fit(X, y)


def test_one_parameter_is_never_told_to_go_both_ways(hot_leaky):
    report = hot_leaky.diagnose()
    # Switched-off units ask for a smaller step; "not converged" alone for a larger.
    assert report.codes() == ["switched_off", "not_converged"]
    assert_consistent(report)
    (lr,) = [a for a in report.advice if a.parameter == "learning_rate_init"]
    assert (lr.direction, lr.now) == ("lower", 0.3)
    assert lr.findings == ("Switched-off units (hidden 2)",)
    assert lr.overruled == ("Not converged",)
    text = str(report)
    assert "raise learning_rate_init" not in text
    assert text.count("lower learning_rate_init (now 0.3)") == 1  # said once
    assert "Not converged alone would advise otherwise" in text
    # Read alone (the warning at the end of fit, the playground), no finding disagrees.
    assert all("raise learning_rate_init" not in f.message() for f in report)
    assert "raise max_iter (now 30)" in report.findings[1].message()


def test_the_command_line_dialect_names_options(hot_leaky):
    report = hot_leaky.diagnose()
    text = report.text(dialect="cli")
    assert "lower --learning-rate (now 0.3)" in text and "--init he_uniform" in text
    assert "training stopped at --max-iter 30" in text and "raise --max-iter (now 30)" in text
    html = report.to_html(dialect="cli")
    console = Console(record=True, width=200)
    console.print(report.rich("cli"))
    for said in (text, html, console.export_text(), *(f.message("cli") for f in report)):
        assert not PYTHON_NAMES.search(said), said
    # Python's words stay the default, in every form.
    assert report.to_html() == report._repr_html_() and "learning_rate_init" in report.to_html()
    console = Console(record=True, width=200)
    console.print(report)
    assert "lower learning_rate_init (now 0.3)" in console.export_text()
    with pytest.raises(ValueError, match="dialect 'shell' is not one of 'python', 'cli'"):
        report.text(dialect="shell")


def test_the_report_as_json_data(hot_leaky):
    data = hot_leaky.diagnose().as_dict("cli")
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert [f["code"] for f in data["findings"]] == ["switched_off", "not_converged"]
    assert data["advice"][0].startswith("lower --learning-rate (now 0.3)")
    assert data["findings"][1]["evidence"]["--max-iter"] == 30
    assert not PYTHON_NAMES.search(json.dumps(data))


def test_advice_that_agrees_is_merged_not_overruled():
    # Exploding gradients ask for init='he_uniform' or 'glorot_uniform' (N(0, 1)
    # weights), the dead units it leaves for init='he_uniform': the same advice.
    X, y = make_classification(1000, n_features=20, n_informative=10, random_state=0)
    X = StandardScaler().fit_transform(X)
    model = MLPClassifier(
        (64, 64, 64, 64),
        init="normal",
        solver="sgd",
        learning_rate_init=0.013,
        momentum=0.9,
        batch_size=1000,
        max_iter=30,
        n_iter_no_change=1000,
        random_state=0,
    )
    with pytest.raises(TrainingDivergedError), np.errstate(all="ignore"):
        model.fit(X, y)
    report = model.diagnose()
    assert report.codes()[0] == "exploding_gradients" and "dead_units" in report.codes()
    assert_consistent(report)
    (init,) = [a for a in report.advice if a.parameter == "init"]
    assert init.value == ("he_uniform", "glorot_uniform") and not init.overruled
    assert any(f.startswith("Dead ReLU units") for f in init.findings)


@pytest.mark.parametrize(
    ("advice", "python", "cli"),
    [
        (Advice("init", value="he_uniform"), "init='he_uniform'", "--init he_uniform"),
        (Advice("clip_grad_norm", value=1.0), "clip_grad_norm=1.0", "--clip-grad-norm 1.0"),
        (Advice("early_stopping", value=True), "early_stopping=True", "--early-stopping"),
        (
            Advice("hidden_layer_sizes", direction="fewer layers in", now=(16, 8)),
            "fewer layers in hidden_layer_sizes (now (16, 8))",
            "fewer layers in --hidden (now 16 8)",
        ),
        (
            Advice("random_state", direction="another", now=0),
            "another random_state (now 0)",
            "another --seed (now 0)",
        ),
        (Advice("scale"), "scale the inputs (StandardScaler)", "--scale standard"),
    ],
)
def test_each_advice_in_both_dialects(advice, python, cli):
    assert advice.text("python") == python and advice.text("cli") == cli


@pytest.mark.parametrize(
    ("python", "cli"),
    [
        ("Steps of learning_rate_init=0.3 can push", "Steps of --learning-rate 0.3 can push"),
        ("stopped at max_iter=30 while", "stopped at --max-iter 30 while"),
        ("weights from init='normal'.", "weights from --init normal."),
        ("for 10 epochs (n_iter_no_change), as", "for 10 epochs (--n-iter-no-change), as"),
        ("the activation's slope", "the activation's slope"),  # a word, not the option
    ],
)
def test_sentences_in_the_command_lines_words(python, cli):
    assert translate(python, "cli") == cli and translate(python, "python") == python


def test_every_parameter_has_its_option():
    assert CLI_OPTIONS["learning_rate_init"] == "--learning-rate"
    assert CLI_OPTIONS["random_state"] == "--seed"
    assert len(set(CLI_OPTIONS.values())) == len(CLI_OPTIONS)


def test_scaling_advice_only_as_far_as_known():
    X, y = make_moons(200, noise=0.3, random_state=0)
    model = MLPClassifier((8,), solver="sgd", learning_rate_init=1e-7, max_iter=20, random_state=0)
    model.fit(X, y)
    unknown = diagnose(model).advice_text()
    assert "if the inputs are not scaled yet: scale the inputs (StandardScaler)" in unknown
    assert not any("scale" in a for a in diagnose(model, inputs_scaled=True).advice_text())
    assert "--scale standard" in diagnose(model, inputs_scaled=False).advice_text("cli")


# ---------------------------------------------------------------- dead units


def test_dead_units_that_came_back_are_not_dead_for_good():
    X, y = make_moons(500, noise=0.2, random_state=0)
    model = MLPClassifier((16, 8), max_iter=500, random_state=0).fit(X, y)
    (finding,) = [f for f in model.diagnose() if f.code == "dead_units"]
    dead = model.history_.dead_fraction[:, 1]
    assert dead.max() > dead[-1]  # the record: some came back
    assert finding.evidence["peak dead fraction"] == dead.max()
    assert finding.evidence["peak epoch"] == int(np.argmax(dead)) + 1
    assert "some came back since" in finding.summary
    assert "for good" not in finding.message()
    assert "comes back only if the layers below change what they feed it" in finding.explanation


def test_units_that_died_late_are_not_blamed_on_the_initial_weights():
    X, y = make_moons(300, noise=0.25, random_state=1)
    model = MLPClassifier((8, 8), max_iter=600, random_state=1).fit(X, y)
    (finding,) = [f for f in model.diagnose() if f.layer == "hidden 1"]
    dead = model.history_.dead_fraction[:, 0]
    assert dead[0] == 0 and dead[-1] >= 0.2  # none at the start, a quarter at the end
    since = finding.evidence["dead fraction"], finding.epochs[0]
    assert since == (dead[-1], int(np.flatnonzero(dead < dead[-1])[-1]) + 2)
    assert f"by epoch {finding.epochs[0]}" in finding.explanation
    assert "initial weights" not in finding.explanation
    assert "the record does not show why" in finding.explanation
    assert "cannot come back by itself" in finding.explanation  # hidden 1: fed by the data
    assert not any(a.parameter in ("init", "learning_rate_init") for a in finding.actions)


def test_dead_units_in_a_network_that_learned_are_a_warning():
    run, _ = lane({"hidden": [8, 8, 8], "activation": ["relu"] * 3, "learning_rate_init": 0.03}, 60)
    (finding,) = [f for f in diagnose(run.model) if f.layer == "hidden 2"]
    assert finding.evidence["dead fraction"] >= 0.5
    assert finding.severity == "warning"
    assert "learned regardless" in finding.explanation
    assert run._series["test_accuracy"][-1] > 0.95


# ---------------------------------------------------------------- other misstatements


def test_divergence_in_the_first_epoch_is_a_finding():
    X, y = make_moons(200, noise=0.3, random_state=0)
    model = MLPClassifier(
        (8,) * 6,
        activation="identity",
        init="normal",
        solver="sgd",
        learning_rate_init=0.1,
        batch_size=10,
        max_iter=50,
        random_state=0,
    )
    with pytest.raises(TrainingDivergedError), np.errstate(all="ignore"):
        model.fit(X * 100, y)
    assert len(model.history_) == 0
    report = model.diagnose()
    assert report.codes() == ["exploding_gradients"] and not report.healthy
    text = str(report)
    assert "no problem found" not in text.lower()
    assert text.startswith("Training health: 1 finding: training diverged in epoch 1")
    assert "clip_grad_norm=1.0" in report.advice_text()


def test_collapsed_elu_units_are_not_reported_in_sigmoid_words():
    tower = {
        "hidden": [8] * 6,
        "activation": ["elu"] * 6,
        "init": "he_uniform",
        "solver": "sgd",
        "learning_rate_init": 0.3,
        "batch_size": 10,
    }
    run, _ = lane(tower, 10)
    report = diagnose(run.model)
    off = run.model.history_.off_fraction[-1]
    found = {f.layer: f for f in report if f.code == "switched_off"}
    assert found and all(off[int(layer[-1]) - 1] >= 0.2 for layer in found)
    assert "vanishing_gradients" not in report.codes()
    assert "sigmoid" not in str(report)
    assert all("e^x" in f.explanation for f in found.values())


def test_switched_off_leaky_units_are_reported():
    leaky = {"hidden": [8, 8, 8], "activation": ["leaky_relu"] * 3, "learning_rate_init": 1.0}
    run, _ = lane(leaky, 30)
    found = [f for f in diagnose(run.model) if f.code == "switched_off"]
    off = run.model.history_.off_fraction[-1]
    assert {f.layer for f in found} == {f"hidden {i + 1}" for i in np.flatnonzero(off >= 0.2)}
    assert all("is not dead" in f.explanation and "0.01" in f.explanation for f in found)


def test_a_sigmoid_network_stuck_at_chance_is_no_learning():
    sigmoid = {
        "hidden": [8, 8, 8],
        "activation": ["logistic"] * 3,
        "solver": "sgd",
        "learning_rate_init": 0.03,
    }
    run, _ = lane(sigmoid, 30)
    report = diagnose(run.model)
    assert report.codes() == ["no_learning"]
    (finding,) = report
    loss = run.model.history_.loss
    assert finding.evidence["chance loss"] == math.log(2)
    assert loss.min() >= 0.98 * math.log(2) and (loss[0] - loss.min()) / loss[0] > 0.01
    assert finding.actions[0] == Advice("activation", value=("elu", "relu"))
    assert max(run._series["test_accuracy"]) <= 0.6


def test_no_learning_does_not_come_back_on_a_growing_record():
    slow = {
        "hidden": [4, 2],
        "activation": ["tanh"] * 2,
        "solver": "sgd",
        "learning_rate_init": 0.001,
    }
    _, seen = lane(slow, 90, every=1)
    on = ["no_learning" in codes for codes in seen]
    assert on[4] and not on[-1]  # shown while at chance, gone once the loss fell
    first_off = on.index(False, 4)
    assert not any(on[first_off:])


# ---------------------------------------------------------------- the plateau


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(500, noise=0.2, random_state=0)
    return StandardScaler().fit_transform(X), y


PLATEAU = dict(
    hidden_layer_sizes=(16, 8),
    activation="logistic",
    solver="sgd",
    learning_rate_init=0.05,
    max_iter=2000,
    random_state=0,
)


def test_a_network_stopped_on_the_straight_line_plateau(moons):
    X, y = moons
    model = MLPClassifier(**PLATEAU).fit(X, y)
    assert model.n_iter_ < model.max_iter  # stopped by its own rule
    report = diagnose(model, X, y)
    assert report.codes() == ["plateau"]
    (finding,) = report
    evidence = finding.evidence
    assert evidence["training accuracy"] == model.score(X, y) < 0.9
    assert evidence["training accuracy"] <= evidence["linear model's training accuracy"] + 0.02
    assert evidence["nearest neighbours, cross-validated"] > 0.95
    assert finding.actions[0] == Advice("activation", value=("elu", "relu"))
    # The advice works: the same network with ELU units bends its boundary.
    fixed = MLPClassifier(**(PLATEAU | {"activation": "elu"})).fit(X, y)
    assert fixed.score(X, y) > 0.95 and diagnose(fixed, X, y).healthy
    # Through a pipeline, the rows are transformed as the network saw them.
    pipeline = make_pipeline(StandardScaler(), MLPClassifier(**PLATEAU)).fit(X, y)
    assert diagnose(pipeline, X, y).codes() == ["plateau"]


def test_a_stop_at_what_the_rows_allow_is_no_plateau():
    # Two noisy, linearly separable clouds: a straight line is the best boundary here.
    X, y = make_classification(
        500, n_features=2, n_redundant=0, n_clusters_per_class=1, flip_y=0.1, random_state=0
    )
    model = MLPClassifier(**PLATEAU).fit(X, y)
    assert model.n_iter_ < model.max_iter and model.score(X, y) < 0.9
    assert diagnose(model, X, y).healthy


def test_the_plateau_needs_the_rows(moons):
    X, y = moons
    model = MLPClassifier(**PLATEAU).fit(X, y)
    assert model.diagnose().healthy  # the record alone cannot tell this plateau
    with pytest.raises(ValueError, match="X and y together"):
        diagnose(model, X)
