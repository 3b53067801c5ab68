"""What a health report is made of: findings, and their text, Rich and HTML forms.

Every form takes a ``dialect``: ``'python'`` (the default) names ``MLPClassifier``'s
parameters in the advice, ``'cli'`` the options of ``glassnet train``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.diagnostics._advice import Advice, Dialect, _check_dialect, merge_advice, translate

SEVERITIES = ("severe", "warning", "info")


class TrainingHealthWarning(UserWarning):
    """Emitted at the end of ``fit`` when the training record shows a severe problem.

    Switch it off with ``MLPClassifier(health_warnings=False)``, or filter it with
    ``warnings.filterwarnings("ignore", category=TrainingHealthWarning)``.
    """


@dataclass(frozen=True)
class Finding:
    """One problem seen in the training record.

    Attributes
    ----------
    code : str
        Stable identifier: 'vanishing_gradients', 'exploding_gradients',
        'saturation', 'dead_units', 'switched_off', 'born_dead', 'no_learning',
        'plateau', 'overfitting', 'not_converged'.
    severity : {'severe', 'warning', 'info'}
        'severe': the network cannot learn properly as it stands; 'warning': it
        learns worse than it could; 'info': worth knowing.
    title : str
        A few words, e.g. "Dead ReLU units".
    layer : str or None
        The layer concerned ('hidden 1', ..., 'output'), or None for the network.
    epochs : tuple of (int, int) or None
        First and last epoch (1-based) where the problem shows.
    evidence : dict
        The numbers the finding rests on.
    summary : str
        One sentence with the numbers, e.g. "50 % of its 8 relu units were dead in
        the last epoch".
    explanation : str
        Why it matters, in plain language.
    actions : tuple of Advice
        What to try, most promising first, as data (see :class:`Advice`).
    """

    code: str
    severity: str
    title: str
    layer: str | None
    epochs: tuple[int, int] | None
    evidence: dict[str, Any]
    summary: str
    explanation: str
    actions: tuple[Advice, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        """The title and the layer: 'Dead ReLU units (hidden 2)'."""
        return self.title + (f" ({self.layer})" if self.layer else "")

    @property
    def advice(self) -> list[str]:
        """What to try, in Python's words (``init='he_uniform'``)."""
        return self.advice_text("python")

    def advice_text(self, dialect: Dialect = "python") -> list[str]:
        """Say what to try in the words of ``dialect`` ('python' or 'cli')."""
        return [a.text(dialect) for a in self.actions]

    def summary_text(self, dialect: Dialect = "python") -> str:
        """Return the summary, parameters named as ``dialect`` names them."""
        return translate(self.summary, dialect)

    def explanation_text(self, dialect: Dialect = "python") -> str:
        """Return the explanation, parameters named as ``dialect`` names them."""
        return translate(self.explanation, dialect)

    def _told(self, dialect: Dialect) -> str:
        return f"{self.summary_text(dialect)}. {self.explanation_text(dialect)}"

    def as_dict(self, dialect: Dialect = "python") -> dict[str, Any]:
        """Return the finding as JSON-ready data, its words in ``dialect``.

        Returns
        -------
        dict
            ``code``, ``severity``, ``title``, ``layer``, ``epochs``, ``evidence``,
            ``summary``, ``explanation``, ``advice`` (list of str) and ``message``.
        """
        return {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "layer": self.layer,
            "epochs": list(self.epochs) if self.epochs else None,
            "evidence": {translate(k, dialect): _plain(v) for k, v in self.evidence.items()},
            "summary": self.summary_text(dialect),
            "explanation": self.explanation_text(dialect),
            "advice": self.advice_text(dialect),
            "message": self.message(dialect),
        }

    def message(self, dialect: Dialect = "python") -> str:
        """Return the finding as one paragraph of text, in the words of ``dialect``."""
        where = f"{self.layer.capitalize()}: " if self.layer else ""
        text = f"{where}{self._told(dialect)}"
        if self.actions:
            text += " Try: " + "; ".join(self.advice_text(dialect)) + "."
        return text


@dataclass
class HealthReport:
    """The findings of :func:`~glassnet.diagnostics.diagnose`, most likely cause first.

    Iterate over it for the findings. The findings are told first, then one list of
    what to try, merged across them (:attr:`advice`: each parameter named once).
    ``str(report)`` and :meth:`text` give text, ``rich.print(report)`` a panel
    (:meth:`rich` for the command line's words), :meth:`to_html` an HTML fragment
    (also shown in notebooks). ``dialect='cli'`` names ``glassnet train``'s options
    instead of the parameters.

    Attributes
    ----------
    findings : list of Finding
    n_epochs : int
        Epochs in the record the report was made from.
    diverged_at : int or None
        The epoch in which training diverged, if it did.
    merged : list of Advice, optional
        The merged advice, as :func:`diagnose` worked it out (it keeps what each
        finding's advice overruled); merged from the findings when not given.
    """

    findings: list[Finding]
    n_epochs: int
    diverged_at: int | None = None
    merged: list[Advice] | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def healthy(self) -> bool:
        """True when there is no finding at all."""
        return not self.findings

    @property
    def severe(self) -> list[Finding]:
        """The findings of severity 'severe'."""
        return [f for f in self.findings if f.severity == "severe"]

    @property
    def advice(self) -> list[Advice]:
        """What to try, merged across the findings: one entry per parameter.

        Most likely cause first; each entry's ``findings`` says what it answers, its
        ``overruled`` which findings alone would have advised otherwise.
        """
        return list(self.merged) if self.merged is not None else merge_advice(self.findings)

    def advice_text(self, dialect: Dialect = "python") -> list[str]:
        """Say the merged advice as sentences, e.g. ``lower --learning-rate (now 0.3)``."""
        return [_said(a, dialect) for a in self.advice]

    def as_dict(self, dialect: Dialect = "python") -> dict[str, Any]:
        """Return the report as JSON-ready data, its words in ``dialect``.

        Returns
        -------
        dict
            ``healthy``, ``n_epochs``, ``diverged_at``, ``headline``, ``findings``
            (each :meth:`Finding.as_dict`) and ``advice`` (the merged advice, as
            sentences).
        """
        return {
            "healthy": self.healthy,
            "n_epochs": self.n_epochs,
            "diverged_at": self.diverged_at,
            "headline": self._headline(),
            "findings": [f.as_dict(dialect) for f in self.findings],
            "advice": self.advice_text(dialect),
        }

    def warning(self) -> TrainingHealthWarning | None:
        """Return the warning ``fit`` ends with when a finding is severe, else None."""
        severe = self.severe
        if not severe:
            return None
        text = "\n".join(f.message() for f in severe)
        return TrainingHealthWarning(
            f"{text}\n(model.diagnose() for the full report; "
            "health_warnings=False to silence this.)"
        )

    def codes(self) -> list[str]:
        """Return the codes of the findings, in order."""
        return [f.code for f in self.findings]

    def _span(self) -> str:
        if self.diverged_at is not None and self.n_epochs == 0:
            return f"training diverged in epoch {self.diverged_at}, before any epoch ended"
        epochs = f"{self.n_epochs} epoch{'s' if self.n_epochs != 1 else ''}"
        if self.diverged_at is not None:
            return f"{epochs}, then training diverged in epoch {self.diverged_at}"
        return epochs

    def _headline(self) -> str:
        if self.diverged_at is not None and self.n_epochs == 0:
            found = (
                "no problem found"
                if self.healthy
                else f"{len(self)} finding{'s' if len(self) != 1 else ''}"
            )
            return f"{found[0].upper()}{found[1:]}: {self._span()}."
        if self.healthy:
            return f"No problem found in {self._span()}."
        return f"{len(self)} finding{'s' if len(self) != 1 else ''} in {self._span()}."

    def text(self, dialect: Dialect = "python") -> str:
        """Return the report as plain text, its advice in ``dialect``.

        Parameters
        ----------
        dialect : {'python', 'cli'}
            'python' names ``MLPClassifier``'s parameters (``learning_rate_init``),
            'cli' the options of ``glassnet train`` (``--learning-rate``).

        Returns
        -------
        str
        """
        _check_dialect(dialect)
        headline = self._headline()
        lines = [f"Training health: {headline[0].lower()}{headline[1:]}"]
        for i, f in enumerate(self.findings, 1):
            lines.append(f"{i}. [{f.severity.upper()}] {f.title}")
            where = f"{f.layer.capitalize()}: " if f.layer else ""
            lines.append(f"   {where}{f._told(dialect)}")
        advice = self.advice_text(dialect)
        if advice:
            lines.append("Try, most likely cause first:")
            lines += [f"  - {a}" for a in advice]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("python")

    def rich(self, dialect: Dialect = "python") -> Any:
        """Return a Rich panel of the report, its advice in ``dialect``.

        ``rich.print(report)`` shows ``report.rich('python')``; the command line
        prints ``report.rich('cli')``.
        """
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        _check_dialect(dialect)
        colours = {"severe": "bold red", "warning": "yellow", "info": "cyan"}
        if self.healthy:
            body: Any = Text(self._headline(), style="green")
        else:
            parts: list[Any] = []
            if self.diverged_at is not None:
                parts += [Text(self._headline()), Text("")]
            for f in self.findings:
                head = Text(f"{f.severity.upper()}  ", style=colours[f.severity])
                head.append(f.label, style="bold")
                parts += [head, Text(f._told(dialect)), Text("")]
            advice = self.advice_text(dialect)
            if advice:
                parts.append(Text("Try, most likely cause first:", style="bold"))
                parts += [Text(f"  - {a}", style="italic") for a in advice]
            else:
                parts = parts[:-1]
            body = Group(*parts)
        return Panel(body, title="Training health", expand=False)

    def __rich__(self) -> Any:
        return self.rich("python")

    def to_html(self, dialect: Dialect = "python") -> str:
        """Return the report as a self-contained HTML fragment.

        Parameters
        ----------
        dialect : {'python', 'cli'}
            The words of the advice: 'cli' for the report of a ``glassnet train`` run.

        Returns
        -------
        str
        """
        _check_dialect(dialect)
        esc = html.escape
        colours = {"severe": "#b00020", "warning": "#b26a00", "info": "#00639b"}
        head = (
            f'<div class="glassnet-health"><h3>Training health</h3><p>{esc(self._headline())}</p>'
        )
        if self.healthy:
            return head + "</div>"
        items = []
        for f in self.findings:
            evidence = ", ".join(
                f"{esc(translate(k, dialect))} = {esc(_fmt(v))}" for k, v in f.evidence.items()
            )
            items.append(
                f'<li><strong style="color:{colours[f.severity]}">{f.severity.upper()}</strong>'
                f" <strong>{esc(f.title)}</strong>"
                + (f" ({esc(f.layer)})" if f.layer else "")
                + f"<p>{esc(f._told(dialect))}</p>"
                + f"<p><small>Evidence: {evidence}</small></p></li>"
            )
        advice = "".join(f"<li>{esc(a)}</li>" for a in self.advice_text(dialect))
        return (
            head
            + f"<ol>{''.join(items)}</ol>"
            + (f"<p>Try, most likely cause first:</p><ul>{advice}</ul>" if advice else "")
            + "</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _said(advice: Advice, dialect: Dialect) -> str:
    """One merged advice, with what it answers and, once, what it overrules."""
    words = advice.text(dialect)
    tags = []
    if len(advice.findings) > 1:
        tags.append("for " + ", ".join(advice.findings))
    if advice.overruled:
        tags.append(
            ", ".join(advice.overruled)
            + " alone would advise otherwise; the likelier cause comes first"
        )
    return words + (f" [{'; '.join(tags)}]" if tags else "")


def _plain(value: Any) -> Any:
    """Make a number JSON-ready: NumPy scalars as Python's, NaN and infinities as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)
