"""glassnet search and glassnet sweep through the command line, against the Python API."""

import json
import socket

import pandas as pd
import pytest
from sklearn.datasets import make_moons
from typer.testing import CliRunner

from glassnet.cli import app
from glassnet.experiments import smallest_network, sweep

runner = CliRunner()

# Small spaces: a few seconds per command.
SMALL = ["--samples", "200", "--seeds", "2", "--max-units", "4", "--max-layers", "1"]
PNG = b"\x89PNG"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


# glassnet search


def test_search_prints_the_table_and_the_answer_and_writes_the_plot(tmp_path):
    plot = tmp_path / "search.png"
    result = invoke("search", "moons", "--noise", "0.1", "--target", "0.9", *SMALL, "--plot", plot)
    assert result.exit_code == 0, result.output
    X, y = make_moons(200, noise=0.1, random_state=0)
    expected = smallest_network(X, y, target=0.9, seeds=2, max_units=4, max_layers=1)
    text = " ".join(result.output.split())
    assert "moons (noise 0.1): 200 rows, 2 features" in text
    assert "Architectures tried" in text and "← the answer" in text
    assert " ".join(str(expected).split()) in text
    assert "networks fitted" in text  # the progress bar
    assert plot.read_bytes().startswith(PNG)


def test_search_json_is_the_python_answer():
    result = invoke("search", "moons", "--target", "0.9", *SMALL, "--test-size", "0.25", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    X, y = make_moons(200, noise=0.1, random_state=0)
    expected = smallest_network(
        X, y, target=0.9, seeds=2, max_units=4, max_layers=1, test_size=0.25
    )
    assert found["solved"] is True
    assert tuple(found["hidden_layer_sizes"]) == expected.hidden_layer_sizes
    assert found["n_parameters"] == expected.n_parameters
    assert len(found["summary"]) == len(expected.summary)


def test_an_unreachable_target_is_an_answer_with_the_best_reached():
    result = invoke("search", "moons", "--noise", "0.4", "--target", "1.0", *SMALL)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "No network up to one hidden layer of 4 units reaches accuracy 1" in text
    assert "best mean accuracy was" in text and "max_units=8" in text
    quiet = invoke("search", "moons", "--noise", "0.4", "--target", "1.0", *SMALL, "--json")
    assert json.loads(quiet.output)["solved"] is False


def _moons_csv(tmp_path):
    X, y = make_moons(200, noise=0.1, random_state=0)
    data = tmp_path / "moons.csv"
    frame = pd.DataFrame({"id": range(200), "x1": X[:, 0], "x2": X[:, 1]})
    frame["side"] = ["upper" if label else "lower" for label in y]
    frame.to_csv(data, index=False)
    return data


def test_search_on_a_csv_file(tmp_path):
    data = _moons_csv(tmp_path)
    args = ["--data", data, "--target", "side", "--drop", "id", "--score", "0.9", *SMALL[2:]]
    result = invoke("search", *args, "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["data"] == f"{data} (target side)"
    assert found["target"] == 0.9 and found["solved"] is True
    missing = invoke("search", "--data", data, "--target", "colour")
    assert missing.exit_code == 1
    assert "colour" in missing.output and "side" in missing.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["spirals"], "problem 'spirals' is unknown; use one of moons, circles"),
        ([], "Say what to search on"),
        (["moons", "--target", "label"], "--target 'label' is not a score"),
        (["moons", "--target", "1.5"], "target=1.5 is not a reachable score"),
        (["moons", "--seeds", "0"], "seeds=0; it must be a whole number"),
        (["moons", "--activation", "nope"], "not a known activation"),
    ],
)
def test_bad_search_input_is_explained(args, message):
    result = invoke("search", "--max-units", "1", "--seeds", "1", *args)
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())


def test_an_unreachable_scheduler_is_an_error_not_a_hang():
    with socket.socket() as server:  # a port that accepts and never speaks
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        result = invoke("search", "moons", *SMALL, "--scheduler", address)
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert f"could not connect to a Dask scheduler at '{address}'" in text
    assert "no answer within 10 s" in text


# glassnet sweep

GRID = ["--noise", "0.05", "0.3", "--samples", "200", "--target", "0.9"]
SWEEP_SMALL = ["--seeds", "2", "--max-units", "4", "--max-layers", "1"]


@pytest.fixture(scope="module")
def expected():
    return sweep(n_samples=[200], noise=[0.05, 0.3], target=0.9, seeds=2, max_units=4, max_layers=1)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_sweep_streams_the_grid_prints_it_and_resumes(tmp_path, expected, suffix):
    out, plot = tmp_path / f"sweep.{suffix}", tmp_path / "heatmap.png"
    result = invoke("sweep", "moons", *GRID, *SWEEP_SMALL, "--out", out, "--plot", plot)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "moons: 2 cells" in text and "2/2 cells" in text
    assert "Smallest network per cell" in text and f"Results: {out}" in text
    assert plot.read_bytes().startswith(PNG)
    saved = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
    columns = ["n_samples", "noise", "solved", "units", "n_fits"]
    pd.testing.assert_frame_equal(saved[columns], expected.table[columns])
    again = invoke("sweep", "moons", *GRID, *SWEEP_SMALL, "--out", out, "--json")
    assert again.exit_code == 0, again.output
    document = json.loads(again.output)
    assert (document["n_run"], document["n_skipped"]) == (0, 2)
    assert [cell["solved"] for cell in document["cells"]] == expected.table["solved"].tolist()


def test_a_results_file_of_another_sweep_is_refused(tmp_path):
    out = tmp_path / "sweep.csv"
    first = invoke("sweep", *GRID, *SWEEP_SMALL, "--out", out, "--quiet")
    assert first.exit_code == 0 and first.output == ""
    before = out.read_bytes()
    other = invoke("sweep", *GRID, *SWEEP_SMALL, "--seeds", "3", "--out", out)
    assert other.exit_code == 1
    text = " ".join(other.output.split())
    assert (
        "holds the results of a different sweep" in text and "seeds: 2 in the file, 3 now" in text
    )
    assert out.read_bytes() == before


def test_a_grid_without_cells_is_a_usage_error():
    # The command line cannot give an empty list: a flag without its values is a usage
    # error (Click's, exit code 2), at the end of the line or before another flag.
    for args in (["--samples", "200", "--noise"], ["--noise", "--samples", "200"]):
        empty = invoke("sweep", "moons", *args)
        assert empty.exit_code == 2, empty.output
        assert "'--noise'" in empty.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "1"], "n_samples=1; it must be a whole number of rows, at least 2"),
        (["--noise", "0.1", "0.1"], "noise lists 0.1 more than once"),
        (["spirals"], "problem 'spirals' is unknown"),
        (["--out", "sweep.txt"], "must be a .csv or .parquet file"),
        (["--value", "colour", "--plot", "h.png"], "value='colour' is not a result"),
    ],
)
def test_bad_sweep_input_is_explained(tmp_path, args, message):
    args = [tmp_path / a if a in ("sweep.txt", "h.png") else a for a in args]
    result = invoke("sweep", "--max-units", "1", "--seeds", "1", "--max-layers", "1", *args)
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())


def test_sweep_success_rate_reaches_every_search():
    args = ["--noise", "0.05", "--samples", "200", "--target", "0.9", *SWEEP_SMALL]
    result = invoke("sweep", *args, "--success-rate", "0.5", "--json")
    assert result.exit_code == 0, result.output
    expected = sweep(
        n_samples=[200],
        noise=[0.05],
        target=0.9,
        success_rate=0.5,
        seeds=2,
        max_units=4,
        max_layers=1,
    )
    cell = json.loads(result.output)["cells"][0]
    assert cell["units"] == expected.table["units"][0]
    assert cell["success_rate"] == expected.table["success_rate"][0]


def test_sweep_on_a_csv_file_takes_rows_and_test_shares_and_resumes(tmp_path):
    data, out, plot = _moons_csv(tmp_path), tmp_path / "sweep.csv", tmp_path / "h.png"
    args = ["--data", data, "--target", "side", "--drop", "id", "--score", "0.9"]
    grid = ["--samples", "100", "200", "--test-size", "0.3", *SWEEP_SMALL]
    result = invoke("sweep", *args, *grid, "--out", out, "--plot", plot)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"{data} (target side): 200 rows, 2 features" in text and "2 cells" in text
    assert plot.read_bytes().startswith(PNG)
    assert list(pd.read_csv(out).columns[:2]) == ["n_samples", "test_size"]
    again = invoke("sweep", *args, *grid, "--out", out, "--json")
    document = json.loads(again.output)
    assert (document["n_run"], document["n_skipped"]) == (0, 2)
    assert document["data"] == str(data) and document["column"] == "side"
    assert document["target"] == 0.9
    assert [cell["n_samples"] for cell in document["cells"]] == [100, 200]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--noise", "0.1"], "--noise is a setting of moons and circles"),
        (["circles"], "Give either a problem (circles) or --data"),
        (["--samples", "500"], "n_samples=500 rows, but the data has 200"),
    ],
)
def test_bad_csv_sweep_input_is_explained(tmp_path, args, message):
    data = _moons_csv(tmp_path)
    result = invoke("sweep", *args, "--data", data, "--target", "side", "--drop", "id")
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())


# the training settings, said where the answer is read


def test_search_says_how_each_network_was_trained():
    result = invoke("search", "moons", "--target", "0.9", *SMALL, "--activation", "relu")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    words = "Each network: relu units, solver adam, learning rate 0.03, minibatches of 32"
    assert text.count(words) == 2  # above the table, and in the answer
    found = json.loads(invoke("search", "moons", "--target", "0.9", *SMALL, "--json").output)
    assert found["training"]["activation"] == "tanh"
    assert found["training"]["learning_rate_init"] == 0.03


def test_the_search_plot_title_names_the_training():
    X, y = make_moons(200, noise=0.1, random_state=0)
    result = smallest_network(X, y, target=0.9, seeds=2, max_units=2, max_layers=1)
    ax = result.plot()
    assert "tanh units, adam, learning rate 0.03, at most 1000 epochs" in ax.get_title()


def test_the_sweep_heatmap_draws_the_test_share_when_it_varies(tmp_path):
    from glassnet.cli.search import _heatmap_axes

    assert _heatmap_axes({"n_samples": [200], "noise": [0.1], "test_size": [0.2, 0.3]}) == (
        "test_size",
        None,
    )
    assert _heatmap_axes({"n_samples": [200], "noise": [0.1, 0.2], "test_size": [0.2, 0.3]}) == (
        "noise",
        {"test_size": 0.2},
    )
    result = invoke(
        "sweep",
        "moons",
        "--samples",
        "100",
        "--test-size",
        "0.2",
        "0.3",
        "--seeds",
        "1",
        "--max-units",
        "2",
        "--max-layers",
        "1",
        "--json",
        "--plot",
        tmp_path / "s.png",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["training"]["solver"] == "adam"
    assert (tmp_path / "s.png").read_bytes().startswith(PNG)


def test_the_answer_in_the_plot_legend_is_in_words():
    X, y = make_moons(200, noise=0.1, random_state=0)
    result = smallest_network(X, y, target=0.97, seeds=2, max_units=8, max_layers=1)
    labels = [text.get_text() for text in result.plot().get_legend().get_texts()]
    width = result.hidden_layer_sizes[0]
    assert labels[-1] == (
        f"smallest: one hidden layer of {width} units, {result.n_parameters} parameters"
    )


def test_the_search_plot_is_ticked_at_the_widths_tried():
    X, y = make_moons(200, noise=0.1, random_state=0)
    result = smallest_network(X, y, target=0.97, seeds=2, max_units=8, max_layers=1)
    ticks = [int(t) for t in result.plot().get_xticks()]
    assert ticks == sorted(int(u) for u in result.summary["units"].unique())
