"""sweep over the two moons: rows against direct searches, the file streamed and resumed."""

import csv
import itertools
import json
import math
import shutil

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_moons

from glassnet.experiments import SweepResult, smallest_network, sweep
from glassnet.experiments._runner import run_tasks

GRID = {"n_samples": (200, 400), "noise": (0.05, 0.3)}
# Target 0.9 on these cells gives a mix: 4 units, 1 unit and unsolved (noise 0.3).
SEARCH = {"target": 0.9, "seeds": 2, "max_units": 4, "max_layers": 1}
RESULTS = ["solved", "units", "layers", "n_parameters", "success_rate", "n_fits", "seconds"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "sweep.csv"
    return sweep(**GRID, **SEARCH, out=out)


def copy_sweep(result, folder):
    """A copy of a finished sweep's CSV and description, to damage or resume."""
    out = folder / result.out.name
    shutil.copy(result.out, out)
    shutil.copy(f"{result.out}.sweep.json", f"{out}.sweep.json")
    return out


def without_seconds(table):
    return table.drop(columns="seconds")


# The table


def test_the_table_has_one_row_per_cell_in_grid_order(full):
    table = full.table
    assert list(table.columns) == ["n_samples", "noise", "test_size", *RESULTS]
    assert list(zip(table["n_samples"], table["noise"], strict=True)) == list(
        itertools.product(GRID["n_samples"], GRID["noise"])
    )
    assert (table["test_size"] == 0.3).all()
    assert full.settings == ("n_samples", "noise", "test_size")
    assert (full.n_run, full.n_skipped) == (4, 0)
    # The grid's cells do not all give the same answer, so the checks below can tell them apart.
    assert table["solved"].any() and not table["solved"].all()


def test_each_row_is_the_search_of_its_cell(full):
    for row in full.table.itertuples():
        X, y = make_moons(row.n_samples, noise=row.noise, random_state=0)
        direct = smallest_network(X, y, test_size=row.test_size, **SEARCH)
        assert row.solved == direct.solved
        assert row.n_fits == len(direct.scores)
        if direct.solved:
            assert (row.layers, row.units) == (
                len(direct.hidden_layer_sizes),
                direct.hidden_layer_sizes[0],
            )
            assert row.n_parameters == direct.n_parameters
            assert row.success_rate == direct.success_rate
        else:
            assert np.isnan([row.units, row.layers, row.n_parameters, row.success_rate]).all()
        assert row.seconds > 0


# The file


def test_the_file_holds_one_line_per_cell_and_says_which_sweep(full):
    lines = full.out.read_text().splitlines()
    assert len(lines) == 1 + 4
    on_disk = pd.read_csv(full.out)
    pd.testing.assert_frame_equal(on_disk, full.table)
    description = json.loads(full.out.with_name("sweep.csv.sweep.json").read_text())
    assert description["target"] == 0.9
    assert description["seeds"] == 2
    assert description["search_params"] == {"max_layers": 1, "max_units": 4}
    assert description["settings"] == ["n_samples", "noise", "test_size"]


def test_rows_reach_the_file_as_their_cells_finish(tmp_path):
    out = tmp_path / "sweep.csv"
    cells = {"n_samples": 200, "noise": 0.05, **SEARCH, "out": out}
    # The second cell fails in training; the first is already on disk by then.
    with pytest.raises(ValueError, match="'nonsense' is not a known activation"):
        sweep(**cells, model_grid={"activation": ["tanh", "nonsense"]})
    lines = out.read_text().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("200,0.05,0.3,tanh,True,")
    # Fixing the grid reruns only what is missing.
    fixed = sweep(**cells, model_grid={"activation": ["tanh", "relu"]})
    assert (fixed.n_run, fixed.n_skipped) == (1, 1)
    assert fixed.table["activation"].tolist() == ["tanh", "relu"]
    assert len(out.read_text().splitlines()) == 3


def test_a_sweep_that_fails_before_any_cell_leaves_no_file(tmp_path):
    out = tmp_path / "sweep.csv"
    with pytest.raises(ValueError, match="not a known activation"):
        sweep(n_samples=200, **SEARCH, out=out, model_grid={"activation": ["nonsense"]})
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_sweep_runs_only_the_missing_cells(full, tmp_path):
    out = copy_sweep(full, tmp_path)
    lines = out.read_text().splitlines(keepends=True)
    # Two whole rows kept, and the start of a third cut off by the interruption.
    out.write_text("".join(lines[:3]) + lines[3][:9])
    resumed = sweep(**GRID, **SEARCH, out=out)
    assert (resumed.n_run, resumed.n_skipped) == (2, 2)
    pd.testing.assert_frame_equal(without_seconds(resumed.table), without_seconds(full.table))
    # The kept rows were read, not run again: their times are the first run's.
    assert resumed.table["seconds"][:2].tolist() == full.table["seconds"][:2].tolist()
    assert resumed.table["seconds"][2:].tolist() != full.table["seconds"][2:].tolist()
    on_disk = pd.read_csv(out)
    assert len(on_disk) == 4
    assert not on_disk.duplicated(["n_samples", "noise", "test_size"]).any()


def test_a_finished_sweep_runs_nothing_and_leaves_the_file_alone(full, tmp_path):
    out = copy_sweep(full, tmp_path)
    before = out.read_bytes()
    again = sweep(**GRID, **SEARCH, out=out)
    assert (again.n_run, again.n_skipped) == (0, 4)
    pd.testing.assert_frame_equal(again.table, full.table)
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        ({"target": 0.97}, "target: 0.9 in the file, 0.97 now"),
        ({"seeds": 3}, "seeds: 2 in the file, 3 now"),
        ({"max_units": 8}, "max_units: 4 in the file, 8 now"),
        ({"max_iter": 50}, "max_iter: '\\(not set\\)' in the file, 50 now"),
        ({"data": "circles"}, "data: 'moons' in the file, 'circles' now"),
        ({"model_grid": {"activation": ["tanh"]}}, "settings: .* 'activation'\\] now"),
    ],
)
def test_a_file_from_a_different_sweep_is_refused(full, tmp_path, change, difference):
    out = copy_sweep(full, tmp_path)
    before = out.read_bytes()
    with pytest.raises(ValueError, match="holds the results of a different sweep") as error:
        sweep(**GRID, **{**SEARCH, **change}, out=out)
    assert error.match(difference)
    assert error.match("Choose another out= or delete")
    assert out.read_bytes() == before


def test_a_file_without_its_description_is_refused(full, tmp_path):
    out = tmp_path / "sweep.csv"
    shutil.copy(full.out, out)
    with pytest.raises(ValueError, match=r"sweep\.csv\.sweep\.json, which says which sweep"):
        sweep(**GRID, **SEARCH, out=out)


def test_a_damaged_line_is_named(full, tmp_path):
    out = copy_sweep(full, tmp_path)
    lines = out.read_text().splitlines(keepends=True)
    out.write_text(lines[0] + lines[1].replace("True", "maybe").replace("False", "maybe"))
    with pytest.raises(ValueError, match=r"sweep\.csv, line 2: cannot read solved from"):
        sweep(**GRID, **SEARCH, out=out)


# Parquet


def test_a_parquet_file_holds_every_finished_cell_and_resumes(full, tmp_path):
    out = tmp_path / "sweep.parquet"
    seen = []
    # Each cell's rows are on disk when the next cell's progress is reported.
    first = sweep(
        **GRID,
        **SEARCH,
        out=out,
        progress=lambda done, total, row: seen.append((done, total, len(pd.read_parquet(out)))),
    )
    assert seen == [(1, 4, 1), (2, 4, 2), (3, 4, 3), (4, 4, 4)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sweep.parquet",
        "sweep.parquet.sweep.json",
    ]
    pd.testing.assert_frame_equal(without_seconds(first.table), without_seconds(full.table))
    pd.testing.assert_frame_equal(pd.read_parquet(out), first.table)
    # An interrupted sweep: keep the first two cells only, then run again.
    pd.read_parquet(out).iloc[:2].to_parquet(out, index=False)
    resumed = sweep(**GRID, **SEARCH, out=out)
    assert (resumed.n_run, resumed.n_skipped) == (2, 2)
    assert resumed.table["seconds"][:2].tolist() == first.table["seconds"][:2].tolist()
    pd.testing.assert_frame_equal(without_seconds(resumed.table), without_seconds(full.table))
    again = sweep(**GRID, **SEARCH, out=out)
    assert (again.n_run, again.n_skipped) == (0, 4)


def test_a_parquet_file_from_a_different_sweep_is_refused(tmp_path):
    out = tmp_path / "sweep.parquet"
    sweep(n_samples=200, noise=0.05, **SEARCH, out=out)
    before = out.read_bytes()
    with pytest.raises(ValueError, match=r"holds the results of a different sweep.*seeds: 2"):
        sweep(n_samples=200, noise=0.05, **{**SEARCH, "seeds": 3}, out=out)
    assert out.read_bytes() == before
    out.write_bytes(b"not parquet")
    with pytest.raises(ValueError, match="cannot be read as Parquet"):
        sweep(n_samples=200, noise=0.05, **SEARCH, out=out)


def test_a_model_grid_of_text_settings_resumes_from_parquet(tmp_path):
    out = tmp_path / "sweep.parquet"
    grid = {"activation": ["tanh", "relu"]}
    first = sweep(n_samples=200, noise=0.05, **SEARCH, out=out, model_grid=grid)
    again = sweep(n_samples=200, noise=0.05, **SEARCH, out=out, model_grid=grid)
    assert (again.n_run, again.n_skipped) == (0, 2)
    pd.testing.assert_frame_equal(again.table, first.table)


# Bad input


@pytest.mark.parametrize(
    "empty",
    [{"n_samples": []}, {"noise": ()}, {"test_size": []}, {"model_grid": {"activation": []}}],
)
def test_a_grid_without_cells_is_refused(tmp_path, empty):
    with pytest.raises(ValueError, match="is empty, so the grid has no cells"):
        sweep(**{**GRID, **empty}, **SEARCH, out=tmp_path / "sweep.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"data": "spirals"}, "data='spirals' is unknown; use one of moons, circles"),
        ({"task": "grid"}, "task='grid' is unknown"),
        ({"out": "sweep.txt"}, "must be a .csv or .parquet file"),
        ({"model_grid": {"activation": "tanh"}}, "a single value; give a list such as"),
        ({"model_grid": {"noise": [0.1]}}, "cannot vary 'noise', an argument of sweep"),
        ({"model_grid": {"max_units": [2, 4]}}, "'max_units' is both in model_grid"),
        ({"noise": [0.1, 0.1]}, "noise lists 0.1 more than once"),
        ({"n_samples": [200.5]}, "n_samples=200.5; it must be a whole number"),
        ({"noise": [-0.1]}, "noise=-0.1; it must be a number, 0 or more"),
        ({"test_size": [1.5]}, "test_size=1.5 is the share of rows held out"),
    ],
)
def test_bad_arguments_are_explained(tmp_path, arguments, message):
    arguments = {**GRID, **SEARCH, **arguments}
    arguments["out"] = tmp_path / arguments.get("out", "sweep.csv")
    with pytest.raises(ValueError, match=message):
        sweep(**arguments)
    assert list(tmp_path.iterdir()) == []


def test_plain_fits_are_not_implemented_yet():
    with pytest.raises(NotImplementedError, match="task='fit'"):
        sweep(**GRID, **SEARCH, task="fit")


# Parallel cells


def test_cells_in_two_processes_give_the_same_table(full, tmp_path):
    out = tmp_path / "sweep.csv"
    parallel = sweep(**GRID, **SEARCH, out=out, n_jobs=2)
    assert (parallel.n_run, parallel.n_skipped) == (4, 0)
    pd.testing.assert_frame_equal(without_seconds(parallel.table), without_seconds(full.table))
    on_disk = pd.read_csv(out).sort_values(["n_samples", "noise"], ignore_index=True)
    pd.testing.assert_frame_equal(without_seconds(on_disk), without_seconds(full.table))


def test_run_tasks_yields_each_result_as_it_comes():
    # An endless stream of tasks: results come one at a time, not after a list is built.
    results = run_tasks(math.factorial, itertools.count())
    assert [next(results) for _ in range(4)] == [(0, 1), (1, 1), (2, 2), (3, 6)]
    in_processes = run_tasks(math.factorial, range(8), n_jobs=2)
    assert sorted(in_processes) == [(k, math.factorial(k)) for k in range(8)]


def test_run_tasks_raises_a_task_error_after_the_results_before_it():
    results = run_tasks(math.factorial, [3, -1, 4])
    assert next(results) == (3, 6)
    with pytest.raises(ValueError, match="not defined for negative"):
        next(results)


# Heatmap and text


def cell(table, **settings):
    rows = table
    for name, value in settings.items():
        rows = rows[rows[name] == value]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("value", "rows", "columns"),
    [("units", "noise", "n_samples"), ("success_rate", "n_samples", "noise")],
)
def test_the_heatmap_shows_each_cell(full, value, rows, columns):
    ax = full.heatmap(value, rows=rows, columns=columns)
    row_values, column_values = sorted(GRID[rows]), sorted(GRID[columns])
    shown = ax.images[0].get_array()
    texts = {tuple(text.get_position()): text.get_text() for text in ax.texts}
    hatched = {(p.get_x() + 0.5, p.get_y() + 0.5) for p in ax.patches if p.get_hatch() == "//"}
    assert shown.shape == (len(row_values), len(column_values))
    for (i, r), (j, c) in itertools.product(enumerate(row_values), enumerate(column_values)):
        expected = cell(full.table, **{rows: r, columns: c})
        if expected["solved"]:
            assert shown[i, j] == expected[value]
            assert (j, i) not in hatched
            number = f"{expected[value]:.0f}" if value == "units" else f"{expected[value]:.0%}"
            assert texts[(j, i)] == number
        else:
            assert np.ma.is_masked(shown[i, j])
            assert (j, i) in hatched
            assert texts[(j, i)] == "none"
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{c:g}" for c in column_values]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{r:g}" for r in row_values]
    assert (ax.get_xlabel(), ax.get_ylabel()) == (columns, rows)


@pytest.fixture
def two_activations():
    """A finished sweep's result, written out, that varies a model setting too."""
    table = pd.DataFrame(
        {
            "n_samples": [200, 200, 400, 400],
            "noise": 0.1,
            "activation": ["tanh", "relu", "tanh", "relu"],
            "solved": [True, True, True, False],
            "units": [1.0, 2.0, 3.0, np.nan],
            "layers": [1.0, 2.0, 1.0, np.nan],
        }
    )
    settings = ("n_samples", "noise", "activation")
    return SweepResult(table, settings, "smallest_network", "moons", 0.9, 2, n_run=4, n_skipped=0)


def test_the_heatmap_draws_one_slice_of_a_larger_grid(two_activations):
    with pytest.raises(ValueError, match=r"also varies activation .*where=\{'activation': 'tanh'"):
        two_activations.heatmap()
    ax = two_activations.heatmap(where={"activation": "relu"})
    shown = ax.images[0].get_array()
    assert shown.shape == (1, 2)  # one noise, two sizes
    assert shown[0, 0] == 2.0 and np.ma.is_masked(shown[0, 1])
    # Two layers of 2 units are said as such; the colour is the width.
    assert sorted(text.get_text() for text in ax.texts) == ["2, 2", "none"]
    ax = two_activations.heatmap(rows="activation", columns="n_samples")
    np.testing.assert_array_equal(ax.images[0].get_array(), [[2.0, np.nan], [1.0, 3.0]])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"value": "accuracy"}, "value='accuracy' is not a result; use one of solved, units"),
        ({"rows": "alpha"}, "'alpha' is not a setting of this sweep; use one of n_samples"),
        ({"rows": "n_samples"}, "rows and columns are both 'n_samples'"),
        ({"where": {"activation": "gelu"}}, "matches no cell; activation took the values tanh"),
    ],
)
def test_the_heatmap_explains_what_it_cannot_draw(two_activations, arguments, message):
    with pytest.raises(ValueError, match=message):
        two_activations.heatmap(**arguments)


def test_the_text_names_each_cells_network(full):
    text = str(full)
    head, header, *rows = text.splitlines()
    assert head == "smallest_network on moons (accuracy 0.9, 2 seeds): 4 cells, 4 run now"
    assert header.split() == [
        "n_samples", "noise", "test_size", "network", "parameters", "seeds", "solved", "seconds"
    ]  # fmt: skip
    for line, row in zip(rows, full.table.itertuples(), strict=True):
        network = f"({row.units:.0f},)" if row.solved else "none"
        assert line.split()[:4] == [str(row.n_samples), f"{row.noise:.2f}", "0.3", network]


# ------------------------------------------------------------------ your own data


@pytest.fixture(scope="module")
def own():
    X, y = make_moons(300, noise=0.2, random_state=3)
    return X, y


def test_a_sweep_on_your_own_data_takes_rows_and_test_shares(own, tmp_path):
    from sklearn.model_selection import train_test_split

    X, y = own
    result = sweep((X, y), n_samples=[120, 300], test_size=[0.3], **SEARCH, data_seed=5)
    assert result.settings == ("n_samples", "test_size")
    assert list(result.table.columns) == ["n_samples", "test_size", *RESULTS]
    assert result.data.startswith("arrays ") and "(300 rows x 2 features)" in result.data
    # Oracle: the cell of 120 rows is the search of a stratified draw of 120 rows.
    X_n, _, y_n, _ = train_test_split(X, y, train_size=120, stratify=y, random_state=5)
    direct = smallest_network(X_n, y_n, test_size=0.3, **SEARCH)
    all_rows = smallest_network(X, y, test_size=0.3, **SEARCH)
    for row, found in zip(result.table.to_dict("records"), (direct, all_rows), strict=True):
        assert row["solved"] == found.solved
        assert row["n_fits"] == len(found.scores)
    result.heatmap("n_fits")  # test size by rows taken: there is no noise
    out = tmp_path / "own.csv"
    sweep((X, y), n_samples=[120], **SEARCH, out=out)
    with pytest.raises(ValueError, match=r"different sweep.*data: 'arrays "):
        sweep((X, 1 - y), n_samples=[120], **SEARCH, out=out)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"noise": [0.1]}, "noise=\\[0.1\\] is a setting of the generated problems"),
        ({"n_samples": [301]}, "n_samples=301 rows, but the data has 300"),
        ({"n_samples": [3]}, r"3 rows with classes \{0: 1, 1: 2\} cannot be split"),
        ({"data": "labels"}, "data='labels' is unknown.*data=\\(X, y\\)"),
        ({"data": ("X",)}, "a tuple of 1 items"),
        ({"bad_x": True}, "X row 7 holds NaN"),
        ({"bad_y": True}, "one label per row of X"),
    ],
)
def test_bad_data_of_your_own_is_explained(own, change, message):
    X, y = own
    change = dict(change)
    if change.pop("bad_x", False):
        X = X.copy()
        X[7, 1] = np.nan
    if change.pop("bad_y", False):
        y = y[:-1]
    with pytest.raises(ValueError, match=message):
        sweep(**{"data": (X, y), **SEARCH, **change})


def test_too_few_rows_for_every_class_are_explained(own):
    X, _ = own
    three = np.arange(len(X)) % 3
    with pytest.raises(ValueError, match="cannot take 2 of the 300 rows with every class"):
        sweep((X, three), n_samples=[2], **SEARCH)


def test_counts_are_whole_numbers_in_the_csv_file(full):
    rows = list(csv.DictReader(full.out.open()))
    solved = [row for row in rows if row["solved"] == "True"]
    assert solved, "the grid has a solved cell"
    for row in solved:
        for name in ("units", "layers", "n_parameters", "n_fits"):
            assert row[name].isdigit(), (name, row[name])
    assert all(row["units"] == "nan" for row in rows if row["solved"] == "False")
