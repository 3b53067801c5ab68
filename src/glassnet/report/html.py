"""A tiny builder of self-contained HTML pages: sections, figures, tables and text.

A :class:`Page` collects sections and renders one HTML5 document with inline CSS, a
table of contents and nothing fetched from elsewhere: figures are PNG data URIs, and a
Content-Security-Policy forbids every other source, so the file opens the same way
offline, attached to an e-mail or years later. The helpers return HTML fragments with
all text escaped. :func:`write_html` writes the page atomically.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import shlex
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glassnet._extras import need
from glassnet._files import write_atomically

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "Page",
    "code_html",
    "facts_html",
    "figure_html",
    "frame_html",
    "list_html",
    "text_html",
    "write_html",
]

# Section ids become URL fragments (#training) and must be valid, unique HTML ids.
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

# Nothing but the page's own <style> and data: images may load; no scripts at all.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
        --tint: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; color: var(--ink);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; margin-top: 2rem; padding-bottom: 0.2rem;
     border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; }
a { color: var(--accent); }
.lead { color: var(--muted); }
nav.toc { background: var(--tint); border: 1px solid var(--line); border-radius: 6px;
          padding: 0.5rem 1rem; }
nav.toc ol { margin: 0.3rem 0; padding-left: 1.4rem; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.9rem; }
.figures { display: grid; gap: 1rem;
           grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.92rem; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
thead th, table.facts th { background: var(--tint); }
td { font-variant-numeric: tabular-nums; }
pre { background: var(--tint); border: 1px solid var(--line); border-radius: 6px;
      padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.note { border-left: 4px solid var(--accent); background: var(--tint);
        padding: 0.4rem 0.8rem; }
@media (max-width: 40rem) { body { padding: 0.6rem; font-size: 15px; } }
@media print { nav.toc { display: none; } }
"""


@dataclass(frozen=True)
class _Section:
    id: str
    heading: str
    body_html: str


class Page:
    """An HTML page of sections, rendered as one self-contained document.

    Parameters
    ----------
    title : str
        The page's title, shown in the browser tab and as its top heading.
    lead : str, default=''
        A sentence or two under the title (plain text, escaped).

    Examples
    --------
    >>> page = Page("Report")
    >>> page.add_section("data", "Data", text_html("500 rows."))
    >>> page.render().startswith("<!DOCTYPE html>")
    True
    """

    def __init__(self, title: str, lead: str = "") -> None:
        self.title = title
        self.lead = lead
        self._sections: list[_Section] = []

    def add_section(self, id: str, heading: str, body_html: str) -> None:
        """Append a section; the table of contents links to it as ``#id``.

        Parameters
        ----------
        id : str
            The section's HTML id: a letter, then letters, digits, '-' or '_'.
        heading : str
            Its heading (plain text, escaped).
        body_html : str
            Its content, HTML built with the helpers of this module (not escaped).

        Raises
        ------
        ValueError
            If ``id`` is not a valid HTML id or is already used on the page.
        """
        if not _ID.fullmatch(id):
            raise ValueError(
                f"section id {id!r} is not usable as a link target; use a letter followed "
                "by letters, digits, '-' or '_', e.g. 'evaluation'."
            )
        if any(section.id == id for section in self._sections):
            raise ValueError(f"section id {id!r} is already on the page; pick another one.")
        self._sections.append(_Section(id, heading, body_html))

    def render(self) -> str:
        """Return the page as one HTML5 document.

        Returns
        -------
        str
            A complete document with inline CSS, a table of contents and the
            sections in the order they were added.
        """
        esc = html.escape
        toc = "".join(
            f'<li><a href="#{section.id}">{esc(section.heading)}</a></li>'
            for section in self._sections
        )
        body = "\n".join(
            f'<section id="{section.id}">\n<h2>{esc(section.heading)}</h2>\n'
            f"{section.body_html}\n</section>"
            for section in self._sections
        )
        lead = f'<p class="lead">{esc(self.lead)}</p>\n' if self.lead else ""
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            f"<title>{esc(self.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<header>\n<h1>{esc(self.title)}</h1>\n{lead}</header>\n"
            f'<nav class="toc" aria-label="Contents"><strong>Contents</strong>'
            f"<ol>{toc}</ol></nav>\n"
            f"<main>\n{body}\n</main>\n</body>\n</html>\n"
        )


def figure_html(fig: Figure | Axes, alt: str, caption: str = "", dpi: int = 100) -> str:
    """Embed a matplotlib figure as a PNG data URI, then close it.

    Parameters
    ----------
    fig : matplotlib Figure or Axes
        What to draw; for an Axes, the figure holding it.
    alt : str
        Text for readers who cannot see the picture: what it shows, with its key
        numbers.
    caption : str, default=''
        A caption under the picture (plain text, escaped).
    dpi : int, default=100
        Resolution of the PNG.

    Returns
    -------
    str
        A ``<figure>`` with an ``<img src="data:image/png;base64,...">``.

    Raises
    ------
    ValueError
        If ``alt`` is empty.
    """
    need("plot")
    from matplotlib.figure import Figure

    if not alt.strip():
        raise ValueError(
            "alt is empty; describe what the figure shows (e.g. 'Loss per epoch: falls "
            "from 0.69 to 0.41') so the report reads without pictures."
        )
    figure = fig if isinstance(fig, Figure) else fig.figure
    buffer = io.BytesIO()
    # No Software/date metadata, so the same figure gives the same bytes.
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    # Only pyplot keeps figures alive; one made without it has nothing to close.
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
        f"{caption_html}</figure>"
    )


def frame_html(df: pd.DataFrame, *, index: bool = True, digits: int = 3, na_rep: str = "") -> str:
    """Render a DataFrame as an escaped HTML table that scrolls sideways on small screens.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    index : bool, default=True
        Show the index as the first column.
    digits : int, default=3
        Decimals of float cells.
    na_rep : str, default=''
        What missing cells show.

    Returns
    -------
    str
    """
    table = df.to_html(
        classes="frame",
        border=0,
        index=index,
        escape=True,
        na_rep=na_rep,
        float_format=lambda value: f"{value:.{digits}f}",
    )
    return f'<div class="table-wrap">{table}</div>'


def facts_html(facts: Mapping[str, Any]) -> str:
    """Render name/value pairs as a two-column table.

    Parameters
    ----------
    facts : mapping of str to object
        Names and their values; values are shown with ``str`` and escaped.

    Returns
    -------
    str
    """
    rows = "".join(
        f'<tr><th scope="row">{html.escape(name)}</th><td>{html.escape(str(value))}</td></tr>'
        for name, value in facts.items()
    )
    return f'<div class="table-wrap"><table class="facts">{rows}</table></div>'


def text_html(text: str, css_class: str = "") -> str:
    """Turn plain text into escaped paragraphs, one per non-empty line.

    Parameters
    ----------
    text : str
        The text; each line becomes a ``<p>`` (the form of
        :meth:`~glassnet.metrics.ConfusionMatrix.explain`).
    css_class : str, default=''
        A class for the paragraphs, e.g. 'note'.

    Returns
    -------
    str
    """
    attribute = f' class="{html.escape(css_class)}"' if css_class else ""
    return "".join(
        f"<p{attribute}>{html.escape(line.strip())}</p>"
        for line in text.splitlines()
        if line.strip()
    )


def list_html(items: Iterable[str]) -> str:
    """Render plain-text items as an escaped bulleted list ('' when there are none).

    Parameters
    ----------
    items : iterable of str

    Returns
    -------
    str
    """
    entries = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return f"<ul>{entries}</ul>" if entries else ""


def code_html(code: str) -> str:
    """Render text verbatim, escaped, in a ``<pre><code>`` block.

    Parameters
    ----------
    code : str

    Returns
    -------
    str
    """
    return f"<pre><code>{html.escape(code)}</code></pre>"


def command_lines(command: str, width: int = 80) -> str:
    r"""Lay a shell command out on lines that break between options, never inside one.

    Each option stays with its values (``--hidden 16 8``); lines end in ``\`` so
    that the text still runs when pasted into a shell.

    Parameters
    ----------
    command : str
        One shell command line.
    width : int, default 80
        The longest line wanted (a single long option may exceed it).

    Returns
    -------
    str
    """
    try:
        words = shlex.split(command)
    except ValueError:  # unbalanced quotes: not ours to fix, shown as it is
        return command
    groups: list[list[str]] = []
    for word in words:
        is_option = word.startswith("-") and not word.lstrip("-").replace(".", "").isdigit()
        if is_option or not groups:
            groups.append([word])
        else:
            groups[-1].append(word)
    lines: list[str] = []
    for group in (shlex.join(g) for g in groups):
        if lines and len(lines[-1]) + 1 + len(group) + 2 <= width:
            lines[-1] += " " + group
        else:
            lines.append(group if not lines else "    " + group)
    return " \\\n".join(lines)


def write_html(html_text: str, path: str | os.PathLike[str]) -> Path:
    """Write a page atomically: the file at ``path`` is either the old one or all of the new.

    The text goes to a temporary file in the same directory, which then replaces
    ``path`` in one ``os.replace`` (atomic on one file system); a failure removes the
    temporary file.

    Parameters
    ----------
    html_text : str
        The document, e.g. ``Page.render()``.
    path : str or path-like
        Where to write it.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        If the directory does not exist or is not writable, or the disk is full; its
        ``filename`` is ``path`` (not the temporary file's name).
    """
    # A report is for sharing: a new one gets the usual permissions (umask's).
    return write_atomically(path, html_text)
