"""What ``smallest_network`` found: the answer, every score, and the words and plot for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pandas as pd

from glassnet._extras import need

_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def n_parameters(n_features: int, hidden_layer_sizes: tuple[int, ...], n_outputs: int) -> int:
    """Count the weights and biases of a dense network.

    Parameters
    ----------
    n_features : int
        Inputs.
    hidden_layer_sizes : tuple of int
        Units of each hidden layer.
    n_outputs : int
        Output units: 1 for two classes, one per class otherwise.

    Returns
    -------
    int
        ``sum(fan_in * fan_out + fan_out)`` over the layers.
    """
    units = [n_features, *hidden_layer_sizes, n_outputs]
    return sum(fan_in * fan_out + fan_out for fan_in, fan_out in pairwise(units))


def summarize(scores: pd.DataFrame, needed: int) -> pd.DataFrame:
    """One row per architecture: its search step, success rate, mean and min score.

    Parameters
    ----------
    scores : pandas.DataFrame
        The tidy (architecture, seed) table of a search.
    needed : int
        Seeds that must reach the target for an architecture to solve.

    Returns
    -------
    pandas.DataFrame
        Columns depth, units, hidden_layer_sizes, n_parameters, step (1 for the
        first architecture the search tried), success_rate, mean_score,
        min_score, solves; sorted by depth and units.
    """
    keys = ["depth", "units", "hidden_layer_sizes", "n_parameters"]
    summary = scores.groupby(keys, sort=False).agg(
        success_rate=("solved", "mean"),
        mean_score=("score", "mean"),
        min_score=("score", "min"),
        n_solved=("solved", "sum"),
    )
    summary = summary.reset_index()
    summary.insert(4, "step", range(1, len(summary) + 1))  # groupby kept the search's order
    summary["solves"] = summary.pop("n_solved") >= needed
    return summary.sort_values(["depth", "units"], ignore_index=True)


def describe(hidden_layer_sizes: tuple[int, ...]) -> str:
    """Say an equal-width architecture in words: 'two hidden layers of 3 units each'."""
    depth, units = len(hidden_layer_sizes), hidden_layer_sizes[0]
    layers = f"{_NUMBER_WORDS.get(depth, depth)} hidden layer{'s' if depth > 1 else ''}"
    each = " each" if depth > 1 else ""
    return f"{layers} of {units} unit{'s' if units > 1 else ''}{each}"


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def training_words(training: dict[str, Any], short: bool = False) -> str:
    """Say how the networks were trained: 'tanh units, adam, learning rate 0.03, ...'.

    Parameters
    ----------
    training : dict
        MLP parameters: activation, solver, learning_rate_init, batch_size,
        n_iter_no_change, max_iter (any may be missing).
    short : bool, default False
        A few words, for a plot's title.

    Returns
    -------
    str
    """
    activation = training.get("activation", "relu")
    if not isinstance(activation, str):
        activation = "/".join(map(str, activation))
    solver = training.get("solver", "adam")
    rate = training.get("learning_rate_init")
    epochs = training.get("max_iter")
    if short:
        parts = [f"{activation} units", solver]
        parts += [f"learning rate {rate:g}"] if rate is not None and solver != "lbfgs" else []
        parts += [f"at most {epochs} epochs"] if epochs is not None else []
        return ", ".join(parts)
    parts = [f"{activation} units", f"solver {solver}"]
    if solver != "lbfgs":
        if rate is not None:
            parts.append(f"learning rate {rate:g}")
        if training.get("batch_size") is not None:
            parts.append(f"minibatches of {training['batch_size']}")
    if epochs is not None:
        patience = training.get("n_iter_no_change")
        stop = f", stopping after {patience} without improvement" if patience else ""
        parts.append(f"at most {epochs} epochs{stop}")
    return ", ".join(parts)


@dataclass(frozen=True, eq=False)
class SmallestNetwork:
    """The result of :func:`glassnet.experiments.smallest_network`.

    ``str(result)`` says the answer in plain words; ``result.plot()`` draws the
    success rate against the width, one line per depth.

    Attributes
    ----------
    solved : bool
        Whether some network in the search space solved the problem.
    hidden_layer_sizes : tuple of int or None
        The answer: the solving architecture with the fewest parameters (ties:
        fewer layers). None when nothing solved.
    n_parameters : int or None
        Weights and biases of the answer, for the data's inputs and classes.
    success_rate : float or None
        Share of the seeds on which the answer reached the target.
    target : float
        The score a fit had to reach.
    metric : str
        How the test rows were scored.
    required_success_rate : float
        Share of the seeds that had to reach the target.
    n_seeds : int
        Seeds per architecture.
    max_layers, max_units : int
        The bounds of the search space.
    max_iter : int
        Training iterations each fit was allowed.
    scores : pandas.DataFrame
        One row per (architecture, seed) fitted: depth, units,
        hidden_layer_sizes (as a string), n_parameters, seed, score, solved
        (score reached the target) and n_iter (iterations trained).
    summary : pandas.DataFrame
        One row per architecture: see :func:`summarize`.
    training : dict
        How every network was trained: ``activation``, ``solver``,
        ``learning_rate_init``, ``batch_size``, ``n_iter_no_change``, ``max_iter``
        (the search's defaults, with what the caller changed).
    """

    solved: bool
    hidden_layer_sizes: tuple[int, ...] | None
    n_parameters: int | None
    success_rate: float | None
    target: float
    metric: str
    required_success_rate: float
    n_seeds: int
    max_layers: int
    max_units: int
    max_iter: int
    scores: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    training: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_scores(
        cls, scores: pd.DataFrame, summary: pd.DataFrame, **settings: Any
    ) -> SmallestNetwork:
        """Pick the answer out of a search's tables.

        Parameters
        ----------
        scores, summary : pandas.DataFrame
            The (architecture, seed) table and its per-architecture summary.
        **settings
            The search's target, metric, required_success_rate, n_seeds,
            max_layers, max_units, max_iter and training.

        Returns
        -------
        SmallestNetwork
            The result.
        """
        solving = summary[summary["solves"]].sort_values(["n_parameters", "depth"])
        if solving.empty:
            return cls(False, None, None, None, scores=scores, summary=summary, **settings)
        best = solving.iloc[0]
        return cls(
            True,
            (int(best["units"]),) * int(best["depth"]),
            int(best["n_parameters"]),
            float(best["success_rate"]),
            scores=scores,
            summary=summary,
            **settings,
        )

    @property
    def smallest_per_depth(self) -> dict[int, int | None]:
        """The smallest solving width found at each depth, None where none solved."""
        found: dict[int, int | None] = dict.fromkeys(range(1, self.max_layers + 1))
        for depth, rows in self.summary[self.summary["solves"]].groupby("depth"):
            found[int(depth)] = int(rows["units"].min())
        return found

    def __str__(self) -> str:
        goal = (
            f"reaches {self.metric} {self.target:g} on at least "
            f"{_percent(self.required_success_rate)} of {self.n_seeds} seeds"
        )
        if self.hidden_layer_sizes is not None:  # solved
            lines = [
                f"The smallest network that {goal} is {describe(self.hidden_layer_sizes)} "
                f"({self.n_parameters} parameters); it did on "
                f"{self._seeds_reaching(self.hidden_layer_sizes)}."
            ]
        else:
            lines = [self._unsolved_headline(goal), self._suggestion()]
        if self.training:
            lines.append(f"Each network: {training_words(self.training)}.")
        lines += ["", "By depth:", *self._depth_lines(), "", self._search_line()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from glassnet._display import smallest_network_html

        return smallest_network_html(self)

    def plot(self, ax: Any = None) -> Any:
        """Draw the share of seeds reaching the target against units per layer.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when None.

        Returns
        -------
        matplotlib.axes.Axes
            One line per depth over the widths the search tried, a dashed line
            at the required success rate, and a star on the answer.
        """
        need("plot")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import NullLocator, ScalarFormatter

        if ax is None:
            _, ax = plt.subplots()
        for depth, rows in self.summary.groupby("depth"):
            rows = rows.sort_values("units")
            label = f"{depth} hidden layer{'s' if depth > 1 else ''}"
            ax.plot(rows["units"], rows["success_rate"], marker="o", label=label)
        ax.axhline(
            self.required_success_rate,
            color="grey",
            linestyle="--",
            label=f"needed: {_percent(self.required_success_rate)} of seeds",
        )
        if self.hidden_layer_sizes is not None:  # solved
            ax.scatter(
                [self.hidden_layer_sizes[0]],
                [self.success_rate],
                marker="*",
                s=250,
                color="black",
                zorder=3,
                # In words: "(3,) (13 parameters)" read as two tuples.
                label=f"smallest: {describe(self.hidden_layer_sizes)}, "
                f"{self.n_parameters} parameters",
            )
        # Base 2, because the search probes widths 1, 2, 4, 8, ... before bisecting.
        ax.set_xscale("log", base=2)
        # Ticks at the widths tried (3, 6, 7 too, not only powers of two).
        ax.set_xticks(sorted(int(units) for units in self.summary["units"].unique()))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.set(
            xlabel="units per hidden layer",
            ylabel=f"share of seeds reaching {self.metric} {self.target:g}",
            ylim=(-0.05, 1.05),
            title="Smallest network: success rate by width and depth"
            + (f"\n{training_words(self.training, short=True)}" if self.training else ""),
        )
        ax.legend()
        return ax

    # ------------------------------------------------------------------ words

    def _row(self, hidden_layer_sizes: tuple[int, ...]) -> pd.Series:
        rows = self.summary[self.summary["hidden_layer_sizes"] == str(hidden_layer_sizes)]
        return rows.iloc[0]

    def _seeds_reaching(self, hidden_layer_sizes: tuple[int, ...]) -> str:
        n_solved = round(self._row(hidden_layer_sizes)["success_rate"] * self.n_seeds)
        return f"{n_solved} of {self.n_seeds} seeds"

    def _unsolved_headline(self, goal: str) -> str:
        space = (
            f"{_NUMBER_WORDS.get(self.max_layers, self.max_layers)} hidden "
            f"layer{'s' if self.max_layers > 1 else ''} of {self.max_units} units"
        )
        by_rate = self.summary.sort_values(
            ["success_rate", "mean_score", "n_parameters"], ascending=[False, False, True]
        ).iloc[0]
        by_mean = self.summary.sort_values(
            ["mean_score", "n_parameters"], ascending=[False, True]
        ).iloc[0]
        text = f"No network up to {space} {goal}."
        if by_rate["success_rate"] > 0:
            text += (
                f" The closest was {self._named(by_rate)}: it reached "
                f"{self.target:g} on {_percent(by_rate['success_rate'])} of the seeds."
            )
        else:
            text += f" No fit reached {self.target:g} at all."
        return text + (
            f" The best mean {self.metric} was {by_mean['mean_score']:.3f}, by "
            f"{self._named(by_mean)}."
        )

    def _named(self, row: pd.Series) -> str:
        arch = (int(row["units"]),) * int(row["depth"])
        return f"{describe(arch)} ({row['n_parameters']} parameters)"

    def _suggestion(self) -> str:
        text = (
            f"Try a larger space (max_units={2 * self.max_units} or "
            f"max_layers={self.max_layers + 1}), longer training (max_iter="
            f"{2 * self.max_iter}), or a lower target."
        )
        stopped = int((self.scores["n_iter"] >= self.max_iter).sum())
        if stopped:
            text += (
                f" {stopped} of {len(self.scores)} fits used all {self.max_iter} iterations, "
                "so longer training may well help."
            )
        return text

    def _depth_lines(self) -> list[str]:
        lines = []
        for depth, units in self.smallest_per_depth.items():
            label = f"  {depth} hidden layer{'s' if depth > 1 else ''}: "
            if units is None:
                lines.append(f"{label}none up to {self.max_units} units per layer")
            else:
                row = self._row((units,) * depth)
                lines.append(
                    f"{label}{units} unit{'s' if units > 1 else ''}{' each' if depth > 1 else ''} "
                    f"({row['n_parameters']} parameters), "
                    f"{self._seeds_reaching((units,) * depth)}"
                )
        return lines

    def _search_line(self) -> str:
        return (
            f"The search fitted {len(self.summary)} of the {self.max_layers * self.max_units} "
            f"architectures, {self.n_seeds} seeds each, assuming more units never hurt."
        )
