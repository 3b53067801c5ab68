"""Callbacks that reach the model: what each shipped one does, checked against refits."""

from __future__ import annotations

import io
import pickle
import re
import sys
import time
import types
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

import glassnet
from glassnet import MLPClassifier
from glassnet.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    LivePlot,
    ModelCheckpoint,
    ProgressBar,
    ReduceLROnPlateau,
)
from glassnet.nn._fit_many import fit_many

X, y = make_moons(200, noise=0.3, random_state=0)
# Adam at this rate makes the training loss rise again after epoch 8: a best epoch
# before the last one, where restoring it changes the weights.
NOISY = {"solver": "adam", "learning_rate_init": 0.05, "n_iter_no_change": 1000}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", category=UserWarning, message=".*health.*")
        yield


def weights(model):
    return [*model.coefs_, *model.intercepts_]


def same_weights(a, b):
    return all(np.array_equal(u, v) for u, v in zip(weights(a), weights(b), strict=True))


def net(**params):
    return MLPClassifier((8,), **{"random_state": 0, "health_warnings": False, **params})


# ------------------------------------------------------------------ the protocol


class Spy(Callback):
    """Records which hook ran, in order."""

    def __init__(self):
        self.calls = []

    def on_train_begin(self, model):
        self.calls.append(("begin", len(model.coefs_)))

    def on_epoch_end(self, model, record):
        self.calls.append(("epoch", record["epoch"]))
        return record["epoch"] == 3

    def on_train_end(self, model):
        self.calls.append(("end", model.n_iter_))


def test_hooks_run_in_order_and_plain_callables_still_work():
    spy, records = Spy(), []
    net(max_iter=50, callbacks=[spy, records.append]).fit(X, y)
    assert spy.calls == [("begin", 2), ("epoch", 1), ("epoch", 2), ("epoch", 3), ("end", 3)]
    assert [r["epoch"] for r in records] == [1, 2, 3]


def test_partial_fit_begins_a_run_once_and_never_ends_it():
    spy = Spy()
    model = net(callbacks=[spy])
    for _ in range(2):
        model.partial_fit(X, y, classes=[0, 1])
    assert spy.calls == [("begin", 2), ("epoch", 1), ("epoch", 2)]


def test_lbfgs_runs_the_callbacks_every_iteration():
    spy = Spy()
    model = net(solver="lbfgs", max_iter=50, callbacks=[spy]).fit(X, y)
    assert spy.calls[:4] == [("begin", 2), ("epoch", 1), ("epoch", 2), ("epoch", 3)]
    assert spy.calls[-1] == ("end", model.n_iter_) and model.n_iter_ == 3


@pytest.mark.parametrize(
    ("callbacks", "match"),
    [
        ([42], r"callbacks\[0\] is 42, neither a function .* nor an object with on_train_begin"),
        (print, r"callbacks must be a list of callables or callback objects, got a builtin"),
    ],
)
def test_a_callback_that_is_none_says_what_it_got(callbacks, match):
    with pytest.raises(ValueError, match=match):
        net(callbacks=callbacks).fit(X, y)


# ------------------------------------------------------------------ EarlyStopping


def test_restore_best_gives_the_weights_of_a_refit_stopped_at_the_best_epoch():
    stop = EarlyStopping(monitor="loss", patience=4)
    model = net(max_iter=300, callbacks=[stop], **NOISY).fit(X, y)
    assert (stop.best_epoch_, stop.stopped_epoch_, model.n_iter_) == (8, 12, 12)
    assert stop.best_ == pytest.approx(min(model.loss_curve_))
    refit = net(max_iter=stop.best_epoch_, **NOISY).fit(X, y)
    assert same_weights(model, refit)
    last = net(max_iter=12, **NOISY).fit(X, y)
    assert not same_weights(model, last)  # restoring changed something


def test_without_restore_best_the_last_epoch_s_weights_stay():
    stop = EarlyStopping(monitor="loss", patience=4, restore_best=False)
    model = net(max_iter=300, callbacks=[stop], **NOISY).fit(X, y)
    assert same_weights(model, net(max_iter=stop.stopped_epoch_, **NOISY).fit(X, y))


def test_validation_loss_best_weights_are_the_ones_fit_epochs_saw_then():
    params = {"early_stopping": True, "max_iter": 300, **NOISY}
    stop = EarlyStopping(patience=5)  # 'auto': the validation loss
    model = net(callbacks=[stop], **params).fit(X, y)
    assert stop.monitor_ == "validation_loss"
    assert stop.best_epoch_ == 1 + int(np.argmin(model.history_.validation_loss))
    assert stop.stopped_epoch_ == stop.best_epoch_ + 5
    watcher = net(**params)
    for epoch in watcher.fit_epochs(X, y):
        if epoch == stop.best_epoch_:
            break
    assert same_weights(model, watcher)


def test_partial_fit_loop_ends_on_stopped_epoch_with_the_best_weights():
    stop = EarlyStopping(monitor="loss", patience=4)
    model = MLPClassifier((8,), random_state=0, callbacks=[stop], **NOISY)
    snapshots = {}
    while stop.stopped_epoch_ is None:
        model.partial_fit(X, y, classes=[0, 1])
        snapshots[len(model.history_)] = [w.copy() for w in weights(model)]
    assert stop.stopped_epoch_ == stop.best_epoch_ + 4
    best = snapshots[stop.best_epoch_]
    assert all(np.array_equal(u, v) for u, v in zip(weights(model), best, strict=True))


def test_validation_monitors_need_validation_rows():
    with pytest.raises(ValueError, match=r"needs validation rows, .* Set early_stopping=True"):
        net(callbacks=[EarlyStopping(monitor="validation_score")]).fit(X, y)
    with pytest.raises(ValueError, match=r"early_stopping=True, solver='lbfgs'"):
        net(solver="lbfgs", early_stopping=True, callbacks=[EarlyStopping("validation_loss")]).fit(
            X, y
        )
    with pytest.raises(ValueError, match=r"monitor='accuracy'\) is not a column it can watch"):
        EarlyStopping(monitor="accuracy")


# ------------------------------------------------------------------ ReduceLROnPlateau


def test_reduce_lr_on_plateau_changes_the_rate_the_record_shows_sgd():
    reduce = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, min_delta=0.01)
    model = net(solver="sgd", learning_rate_init=0.1, max_iter=60, n_iter_no_change=1000)
    model.set_params(callbacks=[reduce]).fit(X, y)
    rates = model.history_.learning_rate
    # Decided at the end of `epoch`; the next epoch runs (and records) the new rate.
    shown = [(epoch, rate) for epoch, rate in reduce.reductions_ if epoch < len(rates)]
    assert len(shown) >= 2
    for epoch, rate in shown:
        assert rates[epoch] == pytest.approx(rates[epoch - 1] * 0.5, rel=1e-12)
        assert rates[epoch] == pytest.approx(rate, rel=1e-12)
    assert np.count_nonzero(np.diff(rates)) == len(shown)


def test_reduce_lr_on_plateau_scales_adam_s_rate_from_then_on():
    reduce = ReduceLROnPlateau(monitor="loss", factor=0.1, patience=3, min_delta=0.01)
    reduced = net(max_iter=40, callbacks=[reduce], **NOISY).fit(X, y)
    plain = net(max_iter=40, **NOISY).fit(X, y)
    # Adam's recorded rate is the initial rate times a bias correction that depends only
    # on the steps taken: the ratio of the two runs is the product of the factors so far.
    ratio = reduced.history_.learning_rate / plain.history_.learning_rate
    expected = np.ones(40)
    for epoch, _ in reduce.reductions_:
        expected[epoch:] *= 0.1
    assert reduce.reductions_
    np.testing.assert_allclose(ratio, expected, rtol=1e-12)


def test_reduce_lr_on_plateau_carries_over_partial_fit_calls():
    reduce = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10.0)
    model = net(solver="sgd", learning_rate_init=0.1, callbacks=[reduce])
    for _ in range(4):
        model.partial_fit(X, y, classes=[0, 1])
    # Epoch 1 sets the best; none beats it by 10, so every later epoch halves the rate.
    np.testing.assert_allclose(model.history_.learning_rate, [0.1, 0.1, 0.05, 0.025])


def test_reduce_lr_on_plateau_refuses_lbfgs():
    with pytest.raises(ValueError, match=r"'lbfgs' chooses its own steps by line search"):
        net(solver="lbfgs", callbacks=[ReduceLROnPlateau()]).fit(X, y)
    with pytest.raises(ValueError, match=r"factor=2\): .* between 0 and 1"):
        ReduceLROnPlateau(factor=2)


# ------------------------------------------------------------------ files


def test_csv_logger_rows_equal_history(tmp_path):
    path = tmp_path / "log.csv"
    model = net(early_stopping=True, max_iter=15, callbacks=[CSVLogger(path)]).fit(X, y)
    pd.testing.assert_frame_equal(
        pd.read_csv(path), model.history_.epochs_frame(), check_dtype=False
    )
    # A second fit starts the file afresh; a warm start continues it, as history_.
    model.set_params(max_iter=4, early_stopping=False).fit(X, y)
    logged = pd.read_csv(path)
    assert len(logged) == 4 and logged["validation_loss"].isna().all()
    pd.testing.assert_frame_equal(logged, model.history_.epochs_frame(), check_dtype=False)
    model.set_params(warm_start=True, max_iter=3).fit(X, y)
    assert len(model.history_) == 7
    pd.testing.assert_frame_equal(
        pd.read_csv(path), model.history_.epochs_frame(), check_dtype=False
    )


def test_csv_logger_appends_partial_fit_epochs(tmp_path):
    path = tmp_path / "log.csv"
    model = net(callbacks=[CSVLogger(path)])
    for _ in range(3):
        model.partial_fit(X, y, classes=[0, 1])
    pd.testing.assert_frame_equal(
        pd.read_csv(path), model.history_.epochs_frame(), check_dtype=False
    )


def test_the_best_checkpoint_loads_with_the_best_weights(tmp_path):
    path = tmp_path / "best.glassnet"
    stop = EarlyStopping(monitor="loss", patience=4)
    checkpoint = ModelCheckpoint(path, monitor="loss")
    model = net(max_iter=300, callbacks=[checkpoint, stop], **NOISY).fit(X, y)
    assert checkpoint.saved_[-1] == (stop.best_epoch_, path)
    loaded = glassnet.load(path)
    assert isinstance(loaded, MLPClassifier) and loaded.callbacks is None
    assert same_weights(loaded, model)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_checkpoint_every_epoch_names_files_by_epoch(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "m-{epoch}.glassnet", best_only=False)
    model = net(max_iter=3, callbacks=[checkpoint]).fit(X, y)
    assert [epoch for epoch, _ in checkpoint.saved_] == [1, 2, 3]
    assert same_weights(glassnet.load(tmp_path / "m-3.glassnet"), model)
    assert same_weights(glassnet.load(tmp_path / "m-1.glassnet"), net(max_iter=1).fit(X, y))


# ------------------------------------------------------------------ elsewhere


def test_callbacks_work_inside_grid_search(tmp_path):
    stop = EarlyStopping(monitor="loss", patience=4)
    log = tmp_path / "log.csv"
    search = GridSearchCV(
        net(max_iter=300, callbacks=[stop, CSVLogger(log)], **NOISY),
        {"alpha": [1e-4, 1e-3]},
        cv=2,
    ).fit(X, y)
    best = search.best_estimator_
    own = best.callbacks[0]
    assert own is not stop and stop.best_epoch_ is None  # the search trained copies
    assert own.stopped_epoch_ == best.n_iter_ == own.best_epoch_ + 4
    alone = net(max_iter=own.best_epoch_, **{**NOISY, "alpha": best.alpha}).fit(X, y)
    assert same_weights(best, alone)
    pd.testing.assert_frame_equal(pd.read_csv(log), best.history_.epochs_frame(), check_dtype=False)


def test_every_callback_travels_to_another_process(tmp_path):
    # GridSearchCV(n_jobs=2) pickles the estimator, callbacks and all, for its workers.
    shipped = [
        EarlyStopping(),
        ReduceLROnPlateau(),
        CSVLogger(tmp_path / "log.csv"),
        ModelCheckpoint(tmp_path / "m.glassnet"),
        ProgressBar(file=None),
        LivePlot(path=tmp_path / "p.png"),
    ]
    model = net(max_iter=2, callbacks=shipped[:5]).fit(X, y)
    copies = pickle.loads(pickle.dumps(model)).callbacks
    assert [type(c) for c in copies] == [type(c) for c in shipped[:5]]
    assert copies[0].best_epoch_ == shipped[0].best_epoch_
    assert type(pickle.loads(pickle.dumps(shipped[5]))) is LivePlot


def test_one_callback_serves_fit_after_fit():
    stop = EarlyStopping(monitor="loss", patience=4)
    model = net(max_iter=300, callbacks=[stop], **NOISY)
    model.fit(X, y)
    first = (stop.best_epoch_, stop.stopped_epoch_)
    model.fit(X, y)
    assert (stop.best_epoch_, stop.stopped_epoch_) == first == (8, 12)


def test_fit_many_calls_plain_functions_as_each_network_s_fit_would():
    records = {0: [], 1: []}
    configs = [
        {"random_state": 0, "callbacks": [records[0].append]},
        # The second network's callback stops it after its third epoch.
        {"random_state": 1, "callbacks": [records[1].append, lambda r: r["epoch"] == 3]},
    ]
    first, second = fit_many(X, y, configs, hidden_layer_sizes=(8,), max_iter=20)
    assert (first.n_iter_, second.n_iter_) == (20, 3)
    assert [r["epoch"] for r in records[1]] == [1, 2, 3]
    for model, seed in ((first, 0), (second, 1)):
        alone = net(random_state=seed, max_iter=model.n_iter_).fit(X, y)
        for got, want in zip(records[seed], alone.history_, strict=True):
            assert got.keys() == want.keys() - {"layers"} and got["grad_norm"] is None
            for key in ("epoch", "loss", "learning_rate", "weight_norm"):
                assert got[key] == pytest.approx(want[key], rel=1e-9)
        for u, v in zip(weights(model), weights(alone), strict=True):
            np.testing.assert_allclose(u, v, rtol=1e-9, atol=1e-12)


def test_fit_many_refuses_callback_objects_and_says_why():
    with pytest.raises(ValueError, match=r"config 0: .* not callback objects \(EarlyStopping\)"):
        fit_many(X, y, [{"random_state": 0}], callbacks=[EarlyStopping()], max_iter=5)


# ------------------------------------------------------------------ pictures and bars


def test_progress_bar_writes_lines_and_a_summary():
    out = io.StringIO()
    net(max_iter=5, early_stopping=True, callbacks=[ProgressBar(file=out)]).fit(X, y)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("epoch 1/5 [") and " val 0." in lines[0] and "s left" in lines[0]
    assert lines[-2].startswith("epoch 5/5 [########################]")
    assert lines[-1].startswith("5 epochs in ") and "\x1b" not in out.getvalue()
    out = io.StringIO()
    net(max_iter=2, callbacks=[ProgressBar(total=100, file=out)]).fit(X, y)
    assert out.getvalue().startswith("epoch   1/100 [------------------------] loss 0.")


def test_progress_bar_time_left_is_not_thrown_by_one_slow_epoch():
    # Another callback's slow work in one epoch (a LivePlot redraw) is not every epoch's.
    def slow_third_epoch(record):
        if record["epoch"] == 3:
            time.sleep(0.3)

    out = io.StringIO()
    net(max_iter=6, callbacks=[slow_third_epoch, ProgressBar(file=out)]).fit(X, y)
    third = next(line for line in out.getvalue().splitlines() if line.startswith("epoch 3/6"))
    assert third.endswith("  0.0 s left"), third  # 3 epochs of milliseconds to go


def fake_notebook(monkeypatch):
    """IPython as a notebook's kernel shows it: display() returns a handle to update."""
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id=False):
        assert display_id is True
        shown.append(("display", obj))
        return Handle()

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    ipython.display = types.SimpleNamespace(
        display=display,
        HTML=lambda text: ("HTML", text),
        Image=lambda data, format: (format.upper(), data),
    )
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", ipython.display)
    return shown


def test_progress_bar_in_a_notebook_updates_one_output(monkeypatch):
    shown = fake_notebook(monkeypatch)
    out = io.StringIO()
    net(max_iter=3, callbacks=[ProgressBar(file=out)]).fit(X, y)
    assert [kind for kind, _ in shown][:2] == ["display", "update"]
    assert [kind for kind, _ in shown].count("display") == 1
    assert "3 epochs in" in shown[-1][1][1] and out.getvalue() == ""


def test_progress_bar_in_a_notebook_ends_full_when_training_stops_early(monkeypatch):
    shown = fake_notebook(monkeypatch)
    model = net(max_iter=500, tol=1.0, n_iter_no_change=2, callbacks=[ProgressBar()]).fit(X, y)
    assert model.n_iter_ < 10  # converged long before max_iter
    bars = [re.search(r'value="([\d.]+)"', obj[1]).group(1) for _, obj in shown]
    assert float(bars[-2]) < 0.02 and bars[-1] == "1.0000"
    # As the terminal's summary says it; white-space: pre keeps the gaps in a notebook.
    last = shown[-1][1][1]
    assert re.search(rf"{model.n_iter_} epochs in [\d.]+ s, loss 0\.\d{{4}}</span>$", last)
    assert "white-space:pre" in last and "<code>" not in last


def test_live_plot_redraws_a_png(tmp_path, monkeypatch):
    path = tmp_path / "live.png"
    plot = LivePlot(every=3, path=path)
    net(max_iter=6, callbacks=[plot]).fit(X, y)
    assert plot.redraws_ == 2  # at epoch 3, and at the end (epoch 6 comes too soon)
    assert path.read_bytes().startswith(b"\x89PNG")
    shown = fake_notebook(monkeypatch)
    net(max_iter=1, callbacks=[LivePlot(every=1, path=tmp_path / "no.png")]).fit(X, y)
    assert [(kind, obj[0]) for kind, obj in shown] == [("display", "PNG")]
    assert not (tmp_path / "no.png").exists()
