"""Experiment results in a notebook: the smallest network found, and a sweep's cells."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from glassnet._display import _html as h


def smallest_network_html(result: Any) -> str:
    """Show a :class:`~glassnet.experiments.SmallestNetwork`: the answer, every width tried.

    The table has a row per depth and a column per width the search tried; each
    cell is the share of seeds that reached the target, green where it was enough,
    the answer outlined.
    """
    words = str(result).split("\n\n")  # answer (and training), by depth, search line
    summary = result.summary
    widths = sorted(int(u) for u in summary["units"].unique())
    depths = sorted(int(d) for d in summary["depth"].unique())
    by_arch = {(int(r.depth), int(r.units)): r for r in summary.itertuples(index=False)}
    answer = result.hidden_layer_sizes
    head_cells = "".join(f"<th>{w}</th>" for w in widths)
    rows = []
    for depth in depths:
        cells = []
        for width in widths:
            row = by_arch.get((depth, width))
            if row is None:
                cells.append('<td class="gn-muted">not tried</td>')
                continue
            tone = "gn-right" if row.solves else ""
            if answer is not None and (width,) * depth == tuple(answer):
                tone += " gn-best"
            title = (
                f"{row.n_parameters} parameters, mean {result.metric} {row.mean_score:.3f}, "
                f"min {row.min_score:.3f}, tried at step {row.step}"
            )
            cells.append(
                f'<td class="{tone.strip()}" title="{h.esc(title)}">'
                f"{h.esc(h.percent(row.success_rate))}</td>"
            )
        label = f"{depth} hidden layer{'s' if depth > 1 else ''}"
        rows.append(f'<tr><th class="gn-l">{h.esc(label)}</th>{"".join(cells)}</tr>')
    grid = (
        f'<table><thead><tr><th class="gn-l">units per layer \u2192</th>{head_cells}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )
    tone = "good" if result.solved else "warning"
    badge = h.badge("solved" if result.solved else "not solved", tone)
    answer_text = "".join(f"<p>{h.esc(line)}</p>" for line in words[0].split("\n"))
    foot = h.footnotes(
        [
            f"Share of the {result.n_seeds} seeds reaching {result.metric} {result.target:g} "
            f"(needed: {h.percent(result.required_success_rate)}); green: enough; outlined: "
            "the answer.",
            *words[2:],
        ]
    )
    body = h.title("Smallest network", badge) + answer_text + grid + foot
    return h.view(body, "smallest")


def sweep_html(result: Any) -> str:
    """Show a :class:`~glassnet.experiments.SweepResult`: one row per cell of the grid."""
    table = result.table
    n = len(table)
    read = f", {result.n_skipped} read from {result.out}" if result.n_skipped else ""
    head = (
        f"Sweep: {result.task} on {result.data} (accuracy {result.target:g}, "
        f"{result.seeds} seeds), {n} cell{'s' if n != 1 else ''}, {result.n_run} run now{read}"
    )
    settings = list(result.settings)
    header = [*settings, "network", "parameters", "seeds solved", "seconds"]
    rows, marks = [], []
    for record in table.to_dict("records"):
        solved = bool(record["solved"])
        network = str((int(record["units"]),) * int(record["layers"])) if solved else "none found"
        rows.append(
            [
                *(_setting(record[s]) for s in settings),
                network,
                h.count(record["n_parameters"]) if solved else h.MISSING,
                h.percent(record["success_rate"]) if solved else h.MISSING,
                h.number(record["seconds"]),
            ]
        )
        marks.append([""] * len(settings) + ["gn-right" if solved else "gn-wrong", "", "", ""])
    body = h.title(head) + h.table(header, rows, left=len(settings) + 1, classes=marks)
    return h.view(body, "sweep")


def _setting(value: Any) -> str:
    if isinstance(value, float | np.floating) and not pd.isna(value):
        return f"{value:g}"
    return str(value)
