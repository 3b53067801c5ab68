"""The four demonstrations of examples/training_problems.py, as tests.

Each failing network must be diagnosed with its problem in the layer where it shows;
each fix must train better and leave no severe finding; the healthy run, none at all.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "training_problems.py"


@pytest.fixture(scope="module")
def demos():
    spec = importlib.util.spec_from_file_location("training_problems", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def findings(run, code):
    return [f for f in run.report if f.code == code]


def assert_fixed(bad, fix):
    assert not fix.report.severe, str(fix.report)
    assert fix.accuracy > (bad.accuracy or 0.5) + 0.2


def test_a_saturated_sigmoid_network_vanishes_and_elu_or_tanh_trains(demos):
    demo = demos.saturation(0)
    (vanishing,) = findings(demo.bad, "vanishing_gradients")
    assert vanishing.severity == "severe" and vanishing.layer == "hidden 1"
    assert vanishing.evidence["median first/last gradient ratio"] < 1e-3
    saturated = {f.layer: f for f in findings(demo.bad, "saturation")}
    assert {"hidden 3", "hidden 4"} <= set(saturated)
    assert saturated["hidden 4"].severity == "severe"
    assert saturated["hidden 4"].evidence["saturated fraction"] >= 0.9
    history = demo.bad.model.history_
    assert history.saturated_fraction[-1, 3] == saturated["hidden 4"].evidence["saturated fraction"]
    for fix in demo.fixes:  # elu + he_uniform, tanh + glorot_uniform
        assert_fixed(demo.bad, fix)
        assert not findings(fix, "vanishing_gradients") and not findings(fix, "saturation")


def test_b_relu_dies_with_a_high_learning_rate_and_leaky_or_elu_keep_their_units(demos):
    demo = demos.dead_relu(0)
    dead = {f.layer: f for f in findings(demo.bad, "dead_units")}
    assert set(dead) == {"hidden 2", "hidden 3"}
    assert all(f.severity == "severe" for f in dead.values())
    assert dead["hidden 2"].evidence["dead fraction"] == 1.0
    assert "learning_rate_init (now 0.3)" in dead["hidden 2"].message()
    relu_off = demo.bad.model.history_.off_fraction[-1]
    for fix in demo.fixes:  # leaky_relu, elu
        assert_fixed(demo.bad, fix)
        assert not findings(fix, "dead_units")
        # Their units are not dead, and fewer are even switched off at the end.
        assert np.isnan(fix.model.history_.dead_fraction).all()
        assert fix.model.history_.off_fraction[-1].sum() < relu_off.sum()


def test_c_large_weights_explode_and_clipping_fixes_it(demos):
    demo = demos.exploding(0)
    assert demo.bad.accuracy is None  # diverged: TrainingDivergedError, history kept
    (exploding,) = findings(demo.bad, "exploding_gradients")
    assert exploding.severity == "severe"
    assert exploding.evidence["diverged at epoch"] == len(demo.bad.model.history_) + 1
    assert exploding.evidence["growth"] >= 100
    norms = demo.bad.model.history_.layer_grad_norm
    growth = np.nanmax(norms, axis=0) / norms[0]
    assert exploding.layer == demo.bad.model.history_.layer_names[int(np.argmax(growth))]
    assert "clip_grad_norm=1.0" in exploding.advice
    (fix,) = demo.fixes
    assert fix.model.clip_grad_norm == 10.0
    assert not findings(fix, "exploding_gradients")
    assert not fix.report.severe and fix.accuracy >= 0.95


def test_d_a_healthy_network_has_nothing_to_report(demos):
    demo = demos.healthy(0)
    assert demo.bad.report.healthy, str(demo.bad.report)
    assert demo.bad.accuracy > 0.95


def test_pictures_are_drawn(demos, tmp_path):
    demo = demos.dead_relu(0)
    path = tmp_path / "dead.png"
    demos.draw(demo, path)
    assert path.stat().st_size > 10_000
