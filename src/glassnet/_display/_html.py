"""The pieces every rich display is built of: one style sheet, escaping, tables, badges.

Every fragment is wrapped in ``<div class="gn-view">`` with the style sheet in front
of it, so it reads the same wherever it lands: a notebook in JupyterLab's light or
dark theme, VS Code, a browser. Colours come from JupyterLab's ``--jp-*`` variables
where the page defines them, from VS Code's ``--vscode-*`` ones next, and otherwise
from fallbacks chosen by the page's own theme switch (``data-theme`` on its root
element, as on the documentation site) or else ``prefers-color-scheme``. Nothing is
fetched from elsewhere
and there are no scripts. Every piece of text is escaped here, since labels, class
names and settings come from the user's data.
"""

from __future__ import annotations

import html
import math
from collections.abc import Collection, Iterable, Sequence
from typing import Any

MISSING = "\u2014"  # an em dash: the number was not measured or does not apply

# The dark palette, placed twice in the style sheet: when the system asks for dark
# (unless the page says it is light), and when the page says it is dark (whatever
# the system asks). A page with a theme switch (pydata-sphinx-theme, the documentation
# site's) says which on its root element; the reader's choice there wins.
_DARK = """--gn-fg: var(--jp-content-font-color1, var(--vscode-editor-foreground, #e6edf3));
  --gn-muted: var(--jp-content-font-color2, var(--vscode-descriptionForeground, #9da7b3));
  --gn-line: var(--jp-border-color2, var(--vscode-editorWidget-border, #3d444d));
  --gn-accent: var(--jp-brand-color1, #4493f8);
  --gn-good: var(--jp-success-color1, #238636); --gn-warn: var(--jp-warn-color1, #9e6a03);
  --gn-bad: var(--jp-error-color1, #da3633); --gn-info: var(--jp-info-color1, #1f6feb);
  --gn-right: rgba(63, 185, 80, 0.22); --gn-wrong: rgba(248, 81, 73, 0.22);"""

_CSS = """
.gn-view { --gn-fg: var(--jp-content-font-color1, var(--vscode-editor-foreground, #1f2328));
  --gn-muted: var(--jp-content-font-color2, var(--vscode-descriptionForeground, #59636e));
  --gn-line: var(--jp-border-color2, var(--vscode-editorWidget-border, #d0d7de));
  --gn-tint: var(--jp-layout-color2, rgba(127, 127, 127, 0.1));
  --gn-accent: var(--jp-brand-color1, #1f6feb);
  --gn-second: #d9730d;
  --gn-good: var(--jp-success-color1, #1a7f37); --gn-warn: var(--jp-warn-color1, #9a6700);
  --gn-bad: var(--jp-error-color1, #c62828); --gn-info: var(--jp-info-color1, #0969da);
  --gn-right: rgba(46, 160, 67, 0.18); --gn-wrong: rgba(218, 54, 51, 0.18);
  color: var(--gn-fg); margin: 0.25rem 0; max-width: 64rem; line-height: 1.45;
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: var(--jp-ui-font-size1, 13px); }
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) .gn-view { DARK } }
:root[data-theme="dark"] .gn-view { DARK }
.gn-view .gn-title { font-weight: 600; font-size: 1.08em; margin: 0 0 0.3rem; }
.gn-view .gn-muted { color: var(--gn-muted); }
.gn-view p { margin: 0.3rem 0; }
.gn-view table { border-collapse: collapse; margin: 0.3rem 0; color: inherit;
  font-variant-numeric: tabular-nums; }
.gn-view th, .gn-view td { border: 1px solid var(--gn-line); padding: 0.2rem 0.55rem;
  text-align: right; vertical-align: middle; background: transparent; color: inherit; }
.gn-view th { background: var(--gn-tint); font-weight: 600; }
.gn-view .gn-l { text-align: left; }
.gn-view td.gn-right { background: var(--gn-right); }
.gn-view td.gn-wrong { background: var(--gn-wrong); }
.gn-view td.gn-best { font-weight: 700; outline: 2px solid var(--gn-accent);
  outline-offset: -2px; }
.gn-view td.gn-cell { text-align: center; min-width: 6.5rem; }
.gn-view .gn-cell-name { display: block; font-size: 0.82em; color: var(--gn-muted); }
.gn-view .gn-cell-count { font-size: 1.15em; font-weight: 600; }
.gn-view .gn-row { display: flex; flex-wrap: wrap; gap: 0.4rem 1.4rem; align-items: flex-start; }
.gn-view dl { display: grid; grid-template-columns: max-content auto; gap: 0.1rem 0.8rem;
  margin: 0.3rem 0; }
.gn-view dt { color: var(--gn-muted); }
.gn-view dd { margin: 0; font-variant-numeric: tabular-nums; }
.gn-view .gn-badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 1rem;
  color: #fff; font-weight: 600; font-size: 0.88em; white-space: nowrap; }
.gn-view .gn-good { background: var(--gn-good); }
.gn-view .gn-warning { background: var(--gn-warn); }
.gn-view .gn-severe { background: var(--gn-bad); }
.gn-view .gn-info { background: var(--gn-info); }
.gn-view details > summary { cursor: pointer; display: list-item; margin: 0.2rem 0; }
.gn-view ol, .gn-view ul { margin: 0.2rem 0; padding-left: 1.4rem; }
.gn-view li { margin: 0.2rem 0; }
.gn-view svg { display: block; overflow: visible; }
.gn-view .gn-foot { font-size: 0.88em; color: var(--gn-muted); margin: 0.15rem 0; }
.gn-view .gn-section { border-top: 1px solid var(--gn-line); margin-top: 0.5rem;
  padding-top: 0.4rem; }
""".replace("DARK", _DARK)


def esc(value: Any) -> str:
    """Escape any value as HTML text (quotes too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


def view(body: str, kind: str) -> str:
    """Wrap a fragment in the styled container; ``kind`` names the object shown."""
    return f'<style>{_CSS}</style><div class="gn-view gn-{esc(kind)}">{body}</div>'


def title(text: str, *extra: str) -> str:
    """Make a heading line: ``text`` escaped, then ready-made HTML pieces (badges)."""
    return f'<div class="gn-title">{esc(text)}{" ".join(["", *extra])}</div>'


def number(value: Any, digits: int = 3) -> str:
    """Format a number with ``digits`` significant digits; None or NaN as a dash."""
    if value is None:
        return MISSING
    value = float(value)
    if math.isnan(value):
        return MISSING
    return f"{value:.{digits}g}"


def percent(value: Any) -> str:
    """Format a share as a whole percentage ('12 %'); None or NaN as a dash."""
    if value is None or math.isnan(float(value)):
        return MISSING
    return f"{100 * float(value):.0f} %"


def count(value: Any) -> str:
    """Format a count: whole when it is (no weights), else two decimals."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    left: int | Collection[int] = 1,
    classes: Iterable[Sequence[str]] | None = None,
) -> str:
    """Make an HTML table, every cell escaped; text columns left-aligned.

    ``left`` is the number of leading columns to align left, or their indices;
    ``classes`` gives, per row, a CSS class per cell (``''`` for none).
    """
    if isinstance(left, int):
        left = range(left)
    head = "".join(
        f'<th class="gn-l">{esc(h)}</th>' if j in left else f"<th>{esc(h)}</th>"
        for j, h in enumerate(header)
    )
    body = []
    row_classes = iter(classes) if classes is not None else None
    for row in rows:
        marks = next(row_classes) if row_classes is not None else [""] * len(row)
        cells = []
        for j, (cell, mark) in enumerate(zip(row, marks, strict=True)):
            names = " ".join(name for name in ("gn-l" if j in left else "", mark) if name)
            attr = f' class="{names}"' if names else ""
            cells.append(f"<td{attr}>{esc(cell)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def facts(pairs: Iterable[tuple[str, Any]]) -> str:
    """Make a definition list of (name, value) pairs, both escaped."""
    items = "".join(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>" for name, value in pairs)
    return f"<dl>{items}</dl>"


def badge(text: str, tone: str) -> str:
    """Make a coloured pill: ``tone`` is 'good', 'warning', 'severe' or 'info'."""
    return f'<span class="gn-badge gn-{esc(tone)}">{esc(text)}</span>'


def footnotes(notes: Iterable[str]) -> str:
    """Make small print under a table, one paragraph per note."""
    return "".join(f'<p class="gn-foot">{esc(note)}</p>' for note in notes)
