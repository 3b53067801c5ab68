"""What a health report is made of: findings, and their text, Rich and HTML forms."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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
        'saturation', 'dead_units', 'born_dead', 'no_learning', 'overfitting',
        'not_converged'.
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
        One sentence with the numbers, e.g. "61 % of its 32 relu units never fired
        after epoch 3".
    explanation : str
        Why it matters, in plain language.
    advice : list of str
        What to try, most promising first.
    """

    code: str
    severity: str
    title: str
    layer: str | None
    epochs: tuple[int, int] | None
    evidence: dict[str, Any]
    summary: str
    explanation: str
    advice: list[str] = field(default_factory=list)

    def message(self) -> str:
        """Return the finding as one paragraph of text."""
        where = f"{self.layer.capitalize()}: " if self.layer else ""
        text = f"{where}{self.summary}. {self.explanation}"
        if self.advice:
            text += " Try: " + "; ".join(self.advice) + "."
        return text


@dataclass
class HealthReport:
    """The findings of :func:`~glassnet.diagnostics.diagnose`, worst first.

    Iterate over it for the findings; ``str(report)`` gives text, ``rich.print``
    a panel, :meth:`to_html` an HTML fragment (also shown in notebooks).

    Attributes
    ----------
    findings : list of Finding
    n_epochs : int
        Epochs in the record the report was made from.
    """

    findings: list[Finding]
    n_epochs: int

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

    def __str__(self) -> str:
        if self.healthy:
            return f"Training health: no problem found in {self.n_epochs} epochs."
        lines = [f"Training health: {len(self)} finding(s) in {self.n_epochs} epochs."]
        for f in self.findings:
            lines.append(f"[{f.severity.upper()}] {f.title}")
            lines.append("  " + f.message())
        return "\n".join(lines)

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        colours = {"severe": "bold red", "warning": "yellow", "info": "cyan"}
        if self.healthy:
            body: Any = Text(f"No problem found in {self.n_epochs} epochs.", style="green")
        else:
            parts = []
            for f in self.findings:
                head = Text(f"{f.severity.upper()}  ", style=colours[f.severity])
                head.append(f.title + (f" ({f.layer})" if f.layer else ""), style="bold")
                parts.append(head)
                parts.append(Text(f.summary + ". " + f.explanation))
                if f.advice:
                    parts.append(Text("Try: " + "; ".join(f.advice) + ".", style="italic"))
                parts.append(Text(""))
            body = Group(*parts[:-1])
        return Panel(body, title="Training health", expand=False)

    def to_html(self) -> str:
        """Return the report as a self-contained HTML fragment.

        Returns
        -------
        str
        """
        esc = html.escape
        colours = {"severe": "#b00020", "warning": "#b26a00", "info": "#00639b"}
        if self.healthy:
            return (
                '<div class="glassnet-health"><h3>Training health</h3>'
                f"<p>No problem found in {self.n_epochs} epochs.</p></div>"
            )
        items = []
        for f in self.findings:
            advice = "".join(f"<li>{esc(a)}</li>" for a in f.advice)
            evidence = ", ".join(f"{esc(k)} = {esc(_fmt(v))}" for k, v in f.evidence.items())
            items.append(
                f'<li><strong style="color:{colours[f.severity]}">{f.severity.upper()}</strong>'
                f" <strong>{esc(f.title)}</strong>"
                + (f" ({esc(f.layer)})" if f.layer else "")
                + f"<p>{esc(f.summary)}. {esc(f.explanation)}</p>"
                + (f"<p>Try:</p><ul>{advice}</ul>" if advice else "")
                + f"<p><small>Evidence: {evidence}</small></p></li>"
            )
        return (
            '<div class="glassnet-health"><h3>Training health</h3>'
            f"<p>{len(self)} finding(s) in {self.n_epochs} epochs.</p>"
            f"<ol>{''.join(items)}</ol></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)
