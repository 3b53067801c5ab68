"""The user guide's pages, cut from the README's sections at build time.

The README stays the one source of the guide's text: each page names the README
sections (``## `` headings, matched by how they begin) that it shows, and this
module writes them to ``docs/guide/*.md`` before Sphinx reads the sources. Links
between sections become links between pages, and the README's picture paths
(``docs/images/...``) become paths from the guide's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


@dataclass(frozen=True)
class GuidePage:
    """One page of the guide: its file name, its title and the sections it shows."""

    name: str
    title: str
    sections: tuple[str, ...]  # beginnings of the README's '## ' headings; '' is the opening
    intro: str = ""


# The guide's pages in their order; a section the README renames fails the build here.
PAGES = (
    GuidePage(
        "getting_started",
        "Getting started",
        ("", "Two commands", "Quickstart"),
    ),
    GuidePage(
        "engine",
        "The engine and what it adds",
        ("`glassnet.MLPClassifier`", "Speed"),
        "`glassnet.MLPClassifier`: scikit-learn's parameters, attributes and weights, and "
        "what the course needs beyond them.",
    ),
    GuidePage("diagnostics", "Diagnostics", ("Diagnostics",)),
    GuidePage("evaluation", "Evaluation", ("Evaluation",)),
    GuidePage("command_line", "Command line", ("Command line",)),
    GuidePage("experiments", "Experiments", ("Experiments",)),
    GuidePage("competition", "Competition", ("Competition",)),
    GuidePage("playground", "Playground", ("Playground",)),
    GuidePage("development", "Development", ("Documentation", "Layout", "Development")),
)


def split_sections(readme: str) -> dict[str, str]:
    """Return the README's '## ' sections by heading ('' for the text before the first).

    Headings inside fenced code blocks (a shell comment, say) are not headings.
    """
    sections: dict[str, list[str]] = {"": []}
    current, fence = "", None
    for line in readme.splitlines():
        marker = re.match(r"\s*(```|~~~)", line)
        if marker and fence is None:
            fence = marker.group(1)
        elif marker and line.strip().startswith(fence or "\0"):
            fence = None
        elif fence is None and line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
            continue
        elif fence is None and line.startswith("# ") and current == "":
            continue  # the README's title: each page has its own
        sections[current].append(line)
    return {heading: "\n".join(lines).strip() + "\n" for heading, lines in sections.items()}


def promote(body: str) -> str:
    """Raise each heading outside code by one level: '### A' becomes '## A'."""
    lines, fence = [], None
    for line in body.splitlines():
        marker = re.match(r"\s*(```|~~~)", line)
        if marker and fence is None:
            fence = marker.group(1)
        elif marker and line.strip().startswith(fence or "\0"):
            fence = None
        elif fence is None and re.match(r"#{3,6} ", line):
            line = line[1:]
        lines.append(line)
    return "\n".join(lines) + "\n"


def slug(heading: str) -> str:
    """Return GitHub's (and MyST's) anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def find_heading(headings: list[str], beginning: str) -> str:
    """Return the one README heading that begins with ``beginning``."""
    if beginning == "":
        return ""
    found = [h for h in headings if h.startswith(beginning)]
    if len(found) != 1:
        raise ExtensionError(
            f"the user guide shows the README section beginning {beginning!r}, but the README "
            f"has {len(found)} such '## ' headings (it has: {', '.join(headings[1:])}); "
            "update PAGES in docs/_ext/readme_pages.py"
        )
    return found[0]


def write_pages(readme: Path, folder: Path) -> list[str]:
    """Write the guide's pages into ``folder`` and return their names."""
    sections = split_sections(readme.read_text(encoding="utf-8"))
    headings = list(sections)
    chosen = {page: [find_heading(headings, b) for b in page.sections] for page in PAGES}
    # Every anchor of every '##' and '###' heading, and the page that holds it.
    home: dict[str, str] = {}
    for page, page_headings in chosen.items():
        for heading in page_headings:
            home[slug(heading)] = page.name
            for sub in re.findall(r"^#{3,4} (.+)$", sections[heading], flags=re.MULTILINE):
                home.setdefault(slug(sub), page.name)

    def link(match: re.Match[str], page: GuidePage) -> str:
        anchor = match.group(1)
        target = home.get(anchor)
        if target is None or target == page.name:
            return f"](#{anchor})"
        return f"]({target}.md#{anchor})"

    folder.mkdir(parents=True, exist_ok=True)
    for page, page_headings in chosen.items():
        # A page of one section takes its heading as title, its subsections one level up.
        alone = len(page_headings) == 1
        parts = [f"# {page_headings[0] if alone else page.title}\n"]
        if page.intro:
            parts.append(page.intro + "\n")
        for heading in page_headings:
            body = sections[heading]
            body = re.sub(r"\]\(#([\w\-]+)\)", lambda m, p=page: link(m, p), body)
            body = body.replace("](docs/images/", "](../images/")
            if alone:
                parts.append(promote(body))
            else:
                parts.append((f"## {heading}\n\n" if heading else "") + body)
        text = "\n".join(parts)
        path = folder / f"{page.name}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")  # unchanged pages keep their time
    return [page.name for page in PAGES]


def _on_builder_inited(app: Sphinx) -> None:
    source = Path(app.srcdir)
    write_pages(source.parent / "README.md", source / "guide")


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the extension: the guide is written before the sources are read."""
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True}
