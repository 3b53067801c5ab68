"""A fitted network in a notebook: scikit-learn's estimator view, then how training went.

The training part: the layers, the epochs, the final loss and validation score, a
sparkline of the loss, and a health badge that opens the findings of ``diagnose()``.
The training record alone (``model.history_``) shows its curves and its last epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from glassnet._display import _html as h
from glassnet._display._summary import ModelSummary, summarize
from glassnet._display._svg import sparkline


def model_mimebundle(model: Any) -> dict[str, str]:
    """Give what a notebook shows for the model: text, and HTML unless set to text.

    ``sklearn.set_config(display='text')`` turns scikit-learn's HTML off; it turns
    ours off too.
    """
    from sklearn import get_config

    bundle = {"text/plain": repr(model)}
    if get_config()["display"] == "diagram":
        bundle["text/html"] = model_html(model)
    return bundle


def model_repr_html(model: Any) -> Callable[[], str]:
    """Return the model's ``_repr_html_``: absent under ``sklearn.set_config(display='text')``.

    Raises
    ------
    AttributeError
        When scikit-learn's display is set to 'text', so that a notebook shows text.
    """
    from sklearn import get_config

    if get_config()["display"] != "diagram":
        raise AttributeError(
            "_repr_html_ is only defined when scikit-learn's 'display' option is 'diagram'."
        )
    return partial(model_html, model)


def model_html(model: Any) -> str:
    """Show scikit-learn's estimator view and, once fitted, the training summary below."""
    from sklearn.utils import estimator_html_repr

    sklearn_view = estimator_html_repr(model)
    history = getattr(model, "history_", None)
    if history is None or not len(history):
        return sklearn_view
    return sklearn_view + h.view(training_body(model), "model")


def _chain(summary: ModelSummary) -> str:
    """Say the layers in one line: '2 inputs → 16 relu → 8 relu → 1 logistic'."""
    rows = summary.rows
    parts = [f"{rows[0].units} input{'s' if rows[0].units != 1 else ''}"]
    parts += [f"{row.units} {row.activation}" for row in rows[1:]]
    return " \u2192 ".join(parts)


def training_body(model: Any) -> str:
    """Show the training summary of a model with a record, without the style sheet."""
    summary = summarize(model)
    status = "Training" if hasattr(model, "coefs_") else "Training (diverged: not fitted)"
    report = model.diagnose() if callable(getattr(model, "diagnose", None)) else None
    health = health_html(report) if report is not None else ""
    layers = (
        '<details><summary class="gn-muted">Layers (model.summary())</summary>'
        + summary.html_body()
        + "</details>"
    )
    facts = h.facts(_training_facts(model, summary))
    return (
        f'<div class="gn-section">{h.title(status)}{health}'
        f'<div class="gn-row">{facts}{loss_curve(model.history_)}</div>{layers}</div>'
    )


def _training_facts(model: Any, summary: ModelSummary) -> list[tuple[str, str]]:
    """Layers, parameters, epochs, final loss, validation score and classes."""
    history = model.history_
    total = summary.n_parameters
    facts = [
        ("layers", _chain(summary)),
        ("parameters", f"{total:,}" if total is not None else h.MISSING),
        ("epochs", f"{len(history)} ({getattr(model, 'solver', '?')})"),
        ("final loss", h.number(history.loss[-1], 4)),
    ]
    scores = history.validation_score
    if np.isfinite(scores).any():
        best = int(np.nanargmax(scores))
        score = f"{h.number(scores[-1], 4)} (best {h.number(scores[best], 4)}, epoch {best + 1})"
    else:
        score = f"{h.MISSING} (no early_stopping, no held-out rows)"
    facts.append(("validation score", score))
    classes = getattr(model, "classes_", None)
    if hasattr(model, "coefs_") and classes is not None and not isinstance(classes, list):
        shown = [str(c) for c in np.asarray(classes).tolist()[:8]]
        more = f", \u2026 ({len(classes)} in all)" if len(classes) > 8 else ""
        facts.append(("classes", ", ".join(shown) + more))
    return facts


def loss_curve(history: Any) -> str:
    """Draw the loss per epoch (and the validation loss, dashed) with its first and last value."""
    loss, val_loss = history.loss, history.validation_loss
    lines = [("loss", loss)]
    if np.isfinite(val_loss).any():
        lines.append(("validation loss", val_loss))
    finite = loss[np.isfinite(loss)]
    if finite.size < 2:
        return ""
    change = f"{h.number(finite[0])} \u2192 {h.number(finite[-1])}"
    spark = sparkline(lines, f"training loss over {len(loss)} epochs: {change}")
    legend = f"loss per epoch, {change}" + (" (dashed: validation loss)" if len(lines) > 1 else "")
    return f'<div>{spark}<div class="gn-foot">{h.esc(legend)}</div></div>'


def health_html(report: Any) -> str:
    """Make the health badge and the findings it opens, from a ``HealthReport``.

    Returns
    -------
    str
        A line with the badge; when there are findings, a ``<details>`` element whose
        summary is the badge and the findings' names, opening to the findings.
    """
    if report.healthy:
        headline = report.text().splitlines()[0]  # "Training health: no problem found ..."
        return f"<p>{h.badge('healthy', 'good')} {h.esc(headline)}</p>"
    worst = report.findings[0].severity
    n = len(report)
    badge = h.badge(f"{n} finding{'s' if n != 1 else ''}: {worst}", worst)
    items = []
    for f in report.findings:
        items.append(
            f"<li>{h.badge(f.severity, f.severity)} <strong>{h.esc(f.label)}"
            f"</strong><br>{h.esc(f.summary_text())}. {h.esc(f.explanation_text())}</li>"
        )
    advice = "".join(f"<li>{h.esc(a)}</li>" for a in report.advice_text("python"))
    body = (
        f"<p>{h.esc(report.text().splitlines()[0])}</p><ol>{''.join(items)}</ol>"
        + (f"<p>Try, most likely cause first:</p><ul>{advice}</ul>" if advice else "")
        + '<p class="gn-foot">model.diagnose() gives this report as text.</p>'
    )
    # The badge opens the findings: a <details> works without scripts in every notebook.
    findings = (
        f'<details class="gn-findings"><summary>Health: {badge} '
        f"{h.esc(', '.join(f.label for f in report.findings))}</summary>{body}</details>"
    )
    return findings


def history_html(history: Any) -> str:
    """Show the training record: loss curves, the last epoch, and its layers."""
    n = len(history)
    detail = "per-layer measurements" if history.has_layers else "epoch-level numbers only"
    head = h.title(f"Training record: {n} epoch{'s' if n != 1 else ''}, {detail}")
    if not n:
        return h.view(head, "history")
    last = history[-1]
    facts = [
        ("last epoch", n),
        ("loss", h.number(last["loss"], 4)),
        ("validation loss", h.number(last["validation_loss"], 4)),
        ("validation score", h.number(last["validation_score"], 4)),
        ("learning rate", h.number(last["learning_rate"])),
        ("gradient norm", h.number(last["grad_norm"])),
        ("weight norm", h.number(last["weight_norm"])),
        ("seconds in all", h.number(np.nansum(history.seconds))),
    ]
    body = head + f'<div class="gn-row">{h.facts(facts)}{loss_curve(history)}</div>'
    if history.has_layers and last.get("layers"):
        acts = [*history.activations, "output"]
        rows = [
            [
                layer["layer"],
                units,
                act,
                h.number(layer["grad_norm"]),
                h.number(layer["weight_norm"]),
                h.number(layer["update_ratio"]),
                h.percent(layer["dead_fraction"]),
                h.percent(layer["saturated_fraction"]),
            ]
            for layer, units, act in zip(last["layers"], history.units[1:], acts, strict=True)
        ]
        header = ["layer", "units", "activation", "grad norm", "weight norm", "update ratio"]
        body += (
            '<p class="gn-muted">The last epoch, layer by layer:</p>'
            + h.table([*header, "dead", "saturated"], rows, left=(0, 2))
            + h.footnotes(
                [
                    f"{h.MISSING} dead: relu layers only; saturated: logistic and tanh "
                    "layers only; neither for the output layer."
                ]
            )
        )
    return h.view(body, "history")
