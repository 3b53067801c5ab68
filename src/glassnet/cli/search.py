"""``glassnet search`` and ``glassnet sweep``: the smallest network, once or over a grid.

``search`` answers the course's question for one data set: how many hidden layers,
how many units per layer, reach a score on enough seeds. ``sweep`` asks it again
for every cell of a grid of noise levels, sample sizes and test shares (on a CSV
file: rows taken and test shares), streaming each cell's answer to a file so that
an interrupted sweep resumes.

A target no network in the space reaches is an answer, not an error: the command
says so, names the best network reached and what to try, and exits with 0 (the
JSON document has ``"solved": false``). Exit code 1 is kept for bad input: a file,
a column, a value, an unreachable scheduler, a results file of another sweep.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from glassnet.cli._output import JsonOption, Output, QuietOption, user_errors
from glassnet.workflow.errors import DataError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from glassnet.experiments import SmallestNetwork, SweepResult

# The experiments, NumPy and pandas are imported where used, so that the commands'
# --help answers at once. The problems search and sweep know by name:
PROBLEMS = ("moons", "circles")

DEFAULT_SCORE = 0.97

# Options shared by both commands.
SeedsOption = typer.Option(help="Seeds (initial weights) per architecture.")
SuccessOption = typer.Option(help="Share of the seeds that must reach the target.")
LayersOption = typer.Option(help="The deepest network tried.")
UnitsOption = typer.Option(help="The widest layer tried.")
ActivationOption = typer.Option(help="Hidden activation (default tanh).")
SolverOption = typer.Option(
    help="adam or sgd train on the batched engine; lbfgs one network at a time (default adam)."
)
MaxIterOption = typer.Option(help="Epochs at most per network (default 1000).")
JobsOption = typer.Option(help="Local processes (joblib); -1 for one per processor.")
SchedulerOption = typer.Option(
    help="A Dask scheduler's address, e.g. tcp://10.0.0.5:8786: run the fits on its workers."
)


def search(
    problem: Annotated[
        str | None,
        typer.Argument(help="moons or circles, drawn with --samples and --noise; or use --data."),
    ] = None,
    data: Annotated[
        Path | None, typer.Option(help="A CSV file to search on instead (with --target COLUMN).")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            help="For moons or circles: the score to reach (default 0.97). With --data: the "
            "column to predict (the score is then --score).",
        ),
    ] = None,
    score: Annotated[
        float | None,
        typer.Option(help="The score to reach (default 0.97), with or without --data."),
    ] = None,
    samples: Annotated[int, typer.Option(help="Rows drawn for moons or circles.")] = 1000,
    noise: Annotated[float, typer.Option(help="Noise of moons or circles.")] = 0.1,
    test_size: Annotated[float, typer.Option(help="Share of the rows held out for scoring.")] = 0.3,
    metric: Annotated[
        str, typer.Option(help="accuracy, balanced_accuracy, f1 or f1_macro.")
    ] = "accuracy",
    seeds: Annotated[int, SeedsOption] = 10,
    success_rate: Annotated[float, SuccessOption] = 0.8,
    max_layers: Annotated[int, LayersOption] = 3,
    max_units: Annotated[int, UnitsOption] = 64,
    activation: Annotated[str | None, ActivationOption] = None,
    solver: Annotated[str | None, SolverOption] = None,
    max_iter: Annotated[int | None, MaxIterOption] = None,
    drop: Annotated[
        list[str] | None, typer.Option(help="With --data: columns to leave out.")
    ] = None,
    data_seed: Annotated[int, typer.Option(help="Seed of moons or circles.")] = 0,
    n_jobs: Annotated[int | None, JobsOption] = None,
    scheduler: Annotated[str | None, SchedulerOption] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Save the success rate by width and depth (PNG).")
    ] = None,
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Find the smallest network that reaches a score on enough seeds."""
    from glassnet.experiments import smallest_network

    output = Output(json_mode, quiet)
    with user_errors(output, DataError):
        X, y, described, goal = _search_data(
            problem, data, target, score, samples, noise, data_seed, drop or []
        )
        output.print(f"[bold]{described}[/bold]: {len(y)} rows, {X.shape[1]} features")
        params = _mlp_params(activation, solver, max_iter)
        output.print(f"Each network: {_training_words(params)}.")
        with _fit_progress(output.console, output.talking, "networks fitted") as advance:
            result = smallest_network(
                X,
                y,
                target=goal,
                metric=metric,
                max_layers=max_layers,
                max_units=max_units,
                seeds=seeds,
                success_rate=success_rate,
                test_size=test_size,
                n_jobs=n_jobs,
                scheduler=scheduler,
                progress=advance,
                **params,
            )
        plotted = _save(lambda: result.plot().figure, plot) if plot is not None else None
    output.print(_summary_table(result))
    output.print(str(result), highlight=False)
    if plotted is not None:
        output.print(f"Plot: {plotted}")
    output.result = _search_json(result, described, plotted)
    output.emit()


def sweep_command(
    problem: Annotated[
        str | None, typer.Argument(help="moons or circles (default moons); or use --data.")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(help="A CSV file to sweep instead (with --target COLUMN): rows x test size."),
    ] = None,
    noise: Annotated[
        list[float] | None,
        typer.Option(help="Noise levels: --noise 0.05 0.1 0.2 0.3 (default 0.1; not with --data)."),
    ] = None,
    samples: Annotated[
        list[int] | None,
        typer.Option(
            help="Sample sizes: --samples 200 1000 5000 (default 1000; with --data, rows "
            "taken from the file, default all)."
        ),
    ] = None,
    test_size: Annotated[
        list[float] | None,
        typer.Option(help="Shares held out for scoring: --test-size 0.2 0.3 (default 0.3)."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            help="For moons or circles: the accuracy to reach (default 0.97). With --data: "
            "the column to predict (the accuracy is then --score)."
        ),
    ] = None,
    score: Annotated[
        float | None,
        typer.Option(help="The accuracy to reach (default 0.97), with or without --data."),
    ] = None,
    drop: Annotated[
        list[str] | None, typer.Option(help="With --data: columns to leave out.")
    ] = None,
    seeds: Annotated[int, SeedsOption] = 10,
    success_rate: Annotated[
        float | None, typer.Option(help="Share of the seeds that must reach the target (0.8).")
    ] = None,
    max_layers: Annotated[int | None, typer.Option(help="The deepest network tried (3).")] = None,
    max_units: Annotated[int | None, typer.Option(help="The widest layer tried (64).")] = None,
    activation: Annotated[str | None, ActivationOption] = None,
    solver: Annotated[str | None, SolverOption] = None,
    max_iter: Annotated[int | None, MaxIterOption] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Stream each finished cell to this .csv or .parquet file; run again to resume."
        ),
    ] = None,
    data_seed: Annotated[
        int, typer.Option(help="Seed of the data sets (with --data: of the rows taken).")
    ] = 0,
    n_jobs: Annotated[int | None, JobsOption] = None,
    scheduler: Annotated[str | None, SchedulerOption] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Save a heatmap of --value (PNG): by noise and samples; with --data, by "
            "test size and rows."
        ),
    ] = None,
    value: Annotated[
        str, typer.Option(help="What the heatmap shows: units, n_parameters, layers, seconds...")
    ] = "units",
    json_mode: bool = JsonOption,
    quiet: bool = QuietOption,
) -> None:
    """Search the smallest network on every cell of a grid of noise x samples x test size.

    On a CSV file (--data FILE.csv --target COLUMN) the grid is rows taken x test size.
    """
    from glassnet.experiments import sweep

    output = Output(json_mode, quiet)
    with user_errors(output, DataError):
        if data is None:
            problem = _known_problem(problem or "moons")
            goal = _score(target, score)
            source: Any = problem
            described = problem
            grid = {"n_samples": samples, "noise": noise, "test_size": test_size or [0.3]}
        else:
            if problem is not None:
                raise DataError(f"Give either a problem ({problem}) or --data {data}, not both.")
            if noise:
                raise DataError(
                    f"--noise is a setting of moons and circles; {data} has the noise it has. "
                    "Vary --samples (rows taken) and --test-size instead."
                )
            X, y, described = _csv_data(data, target, drop or [])
            goal = score or DEFAULT_SCORE
            source = (X, y)
            grid = {"n_samples": samples, "test_size": test_size or [0.3]}
            output.print(f"{described}: {len(y)} rows, {X.shape[1]} features")
        n_cells = math.prod(len(values) for values in grid.values() if values is not None)
        output.print(
            f"[bold]{described}[/bold]: {n_cells} cells, accuracy {goal:g} on "
            f"{math.ceil((success_rate or 0.8) * seeds - 1e-9)} of {seeds} seeds"
        )
        training = _mlp_params(activation, solver, max_iter)
        output.print(f"Each network: {_training_words(training)}.")
        with _cell_progress(output.console, output.talking, n_cells) as advance:
            result = sweep(
                source,
                **grid,
                target=goal,
                seeds=seeds,
                out=out,
                n_jobs=n_jobs,
                scheduler=scheduler,
                data_seed=data_seed,
                progress=advance,
                # Only what was given: the results file records the search's parameters,
                # and a sweep run from Python with the defaults must be the same sweep.
                **_given(max_layers=max_layers, max_units=max_units, success_rate=success_rate),
                **_mlp_params(activation, solver, max_iter),
            )
        plotted = None
        if plot is not None:
            rows, where = _heatmap_axes(grid)
            words = _training_words(training, short=True)
            plotted = _save(
                lambda: _titled(result.heatmap(value, rows=rows, where=where), words), plot
            )
    output.print(_sweep_table(result))
    if result.n_skipped:
        output.print(
            f"{result.n_skipped} cells were read from {result.out}, {result.n_run} run now."
        )
    if result.out is not None:
        output.print(f"Results: {result.out}")
    if plotted is not None:
        output.print(f"Heatmap: {plotted}")
    output.result = {
        "problem": problem if data is None else None,
        "data": None if data is None else str(data),
        "column": None if data is None else target,
        "target": goal,
        "seeds": seeds,
        "training": _training(training),
        "cells": _records(result.table),
        "n_run": result.n_run,
        "n_skipped": result.n_skipped,
        "out": None if result.out is None else str(result.out),
        "plot": None if plotted is None else str(plotted),
    }
    output.emit()


# ------------------------------------------------------------------ data


def _search_data(
    problem: str | None,
    data: Path | None,
    target: str | None,
    score: float | None,
    samples: int,
    noise: float,
    data_seed: int,
    drop: list[str],
) -> tuple[Any, np.ndarray, str, float]:
    """Return X, y, a description of the data and the score to reach."""
    if data is None:
        if problem is None:
            raise DataError(
                "Say what to search on: a problem (glassnet search moons) or a CSV file "
                "(glassnet search --data FILE.csv --target COLUMN)."
            )
        from glassnet.experiments._sweep import DATASETS

        _known_problem(problem)
        goal = _score(target, score)
        X, y = DATASETS[problem](samples, noise, data_seed)
        return X, y, f"{problem} (noise {noise:g})", goal
    if problem is not None:
        raise DataError(f"Give either a problem ({problem}) or --data {data}, not both.")
    X, y, described = _csv_data(data, target, drop)
    return X, y, described, score or DEFAULT_SCORE


def _known_problem(problem: str) -> str:
    """Return ``problem`` if it is moons or circles; refuse it, saying what to give, if not."""
    if problem not in PROBLEMS:
        raise DataError(
            f"problem {problem!r} is unknown; use one of {', '.join(PROBLEMS)}, or "
            "--data FILE.csv --target COLUMN for your own data."
        )
    return problem


def _csv_data(data: Path, target: str | None, drop: list[str]) -> tuple[Any, np.ndarray, str]:
    """Read a CSV file as a search's X (encoded, scaled), y and a description."""
    import numpy as np

    from glassnet.workflow.data import check_target, read_csv
    from glassnet.workflow.preprocess import (
        build_preprocessor,
        drop_incomplete_rows,
        parse_fill_missing,
        plan_columns,
        select_features,
    )

    if target is None:
        raise DataError(f"--data {data} needs --target COLUMN: the column to predict.")
    table = read_csv(data)
    checked = check_target(table.frame, target, data)
    frame = checked.frame
    plan = plan_columns(frame, target, data, drop)
    fill = parse_fill_missing([])
    frame, _ = drop_incomplete_rows(frame, plan, fill)
    # Scaled and encoded on all rows before the search splits them: the test rows'
    # means and categories take part in the scaling, a small effect next to the
    # question of how many units are needed.
    X = build_preprocessor(plan, fill, "standard").fit_transform(select_features(frame, plan))
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
    return X, frame[target].to_numpy(), f"{data} (target {target})"


def _score(target: str | None, score: float | None) -> float:
    """Return the score to reach, from --target (a number, for a problem) or --score."""
    if target is None:
        return DEFAULT_SCORE if score is None else score
    try:
        value = float(target)
    except ValueError:
        raise DataError(
            f"--target {target!r} is not a score; for moons or circles --target is the score "
            "to reach, e.g. --target 0.97. To predict a column of a CSV file, give "
            "--data FILE.csv --target COLUMN."
        ) from None
    if score is not None and score != value:
        raise DataError(f"--target {target} and --score {score:g} disagree; give one of them.")
    return value


def _mlp_params(activation: str | None, solver: str | None, max_iter: int | None) -> dict:
    return _given(activation=activation, solver=solver, max_iter=max_iter)


def _training(params: dict[str, Any]) -> dict[str, Any]:
    """How the search trains each network: its defaults with the options given."""
    from glassnet.experiments._search import DEFAULT_MLP_PARAMS

    return {**DEFAULT_MLP_PARAMS, **params}


def _training_words(params: dict[str, Any], short: bool = False) -> str:
    from glassnet.experiments._result import training_words

    return training_words(_training(params), short=short)


def _heatmap_axes(grid: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """Rows of the heatmap: the setting besides the sample count that varies.

    Noise first, then the test share; a setting that varies but is not drawn is
    fixed at its first value (one slice), and the columns are always the samples.
    """
    varied = [name for name in ("noise", "test_size") if len(grid.get(name) or []) > 1]
    rows = varied[0] if varied else ("noise" if "noise" in grid else "test_size")
    where = {name: grid[name][0] for name in varied[1:]}
    return rows, where or None


def _titled(ax: Any, words: str) -> Any:
    """Add how the networks were trained to a plot's title; return its figure."""
    ax.set_title(f"{ax.get_title()}\n{words}")
    return ax.figure


def _given(**options: Any) -> dict[str, Any]:
    """Keep the options the user gave (not None), to pass on over the API's defaults."""
    return {name: value for name, value in options.items() if value is not None}


# ------------------------------------------------------------------ progress


@contextmanager
def _fit_progress(console: Console, enabled: bool, label: str) -> Iterator[Any]:
    """Count the networks fitted so far (the search does not know how many there will be)."""
    progress = Progress(
        TextColumn("[bold]searching[/bold]"),
        BarColumn(),
        TextColumn("{task.completed} " + label),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
    )
    task = progress.add_task("fits", total=None)
    with progress:
        yield lambda n: progress.advance(task, n)


@contextmanager
def _cell_progress(console: Console, enabled: bool, n_cells: int) -> Iterator[Any]:
    """Cells finished of the grid, and the networks their searches fitted."""
    progress = Progress(
        TextColumn("[bold]sweeping[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cells, {task.fields[fits]} networks fitted"),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
    )
    task = progress.add_task("cells", total=n_cells, fits=0)
    fits = [0]

    def advance(done: int, total: int, row: dict[str, Any]) -> None:
        # Cells read back from the file count as done from the start.
        fits[0] += int(row["n_fits"])
        progress.update(task, completed=n_cells - total + done, fits=fits[0])

    with progress:
        yield advance


# ------------------------------------------------------------------ output


def _summary_table(result: SmallestNetwork) -> Table:
    summary = result.summary
    table = Table(
        title=f"Architectures tried ({result.metric} ≥ {result.target:g} on "
        f"≥ {result.required_success_rate:.0%} of {result.n_seeds} seeds)"
    )
    for name in ("layers", "units", "parameters", "seeds reaching", "mean", "min", "solves"):
        table.add_column(name, justify="left" if name == "solves" else "right")
    answer = result.hidden_layer_sizes
    for row in summary.itertuples():
        chosen = answer is not None and str(answer) == row.hidden_layer_sizes
        solved = round(row.success_rate * result.n_seeds)
        table.add_row(
            str(row.depth),
            str(row.units),
            str(row.n_parameters),
            f"{solved}/{result.n_seeds}",
            f"{row.mean_score:.3f}",
            f"{row.min_score:.3f}",
            ("yes ← the answer" if chosen else "yes") if row.solves else "no",
            style="bold green" if chosen else None,
        )
    return table


def _sweep_table(result: SweepResult) -> Table:
    table = Table(title=f"Smallest network per cell (accuracy ≥ {result.target:g})")
    for name in (*result.settings, "network", "parameters", "seeds solved", "seconds"):
        table.add_column(name, justify="right")
    for row in result.table.to_dict("records"):
        solved = bool(row["solved"])
        network = (int(row["units"]),) * int(row["layers"]) if solved else None
        table.add_row(
            *(
                f"{row[name]:g}" if isinstance(row[name], float) else str(row[name])
                for name in result.settings
            ),
            str(network) if solved else "none",
            f"{row['n_parameters']:.0f}" if solved else "-",
            f"{row['success_rate']:.0%}" if solved else "-",
            f"{row['seconds']:.1f}",
        )
    return table


def _save(draw: Callable[[], Any], path: Path) -> Path:
    """Draw a figure off-screen and write it to ``path``."""
    import matplotlib

    matplotlib.use("Agg")  # a terminal command: never open a window
    import matplotlib.pyplot as plt

    figure = draw()
    try:
        figure.savefig(path, dpi=80, bbox_inches="tight")
    finally:
        plt.close(figure)
    return path


def _search_json(result: SmallestNetwork, described: str, plotted: Path | None) -> dict:
    return {
        "data": described,
        "solved": result.solved,
        "hidden_layer_sizes": None
        if result.hidden_layer_sizes is None
        else list(result.hidden_layer_sizes),
        "n_parameters": result.n_parameters,
        "success_rate": result.success_rate,
        "target": result.target,
        "metric": result.metric,
        "training": result.training,
        "answer": str(result),
        "summary": _records(result.summary),
        "plot": None if plotted is None else str(plotted),
    }


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    # NaN is not JSON: cells without an answer say null.
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in table.to_dict("records")
    ]


__all__ = ["search", "sweep_command"]
