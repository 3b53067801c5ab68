"""The examples gallery: the notebooks in docs/examples, executed once per build.

Each notebook is a jupytext percent-format script (``docs/examples/NAME.py``). At the
start of a build this extension runs each one in a fresh Jupyter kernel (nbclient),
from its own folder, and writes into ``docs/auto_examples/``:

- ``NAME.ipynb``: the executed notebook as the site shows it (MyST-NB renders it
  without running it again), behind a line of download links;
- ``downloads/NAME.ipynb`` and ``downloads/NAME.py``: the executed notebook and its
  text form, offered for download;
- ``thumbnails/NAME.png``: the notebook's first picture (or its tagged one), for
  the gallery's card;
- ``index.md``: the gallery, one card per notebook.

A cell that fails fails the build, naming the notebook and the cell; so does a
cell that takes longer than ``TIMEOUT`` seconds. The seconds each took are
printed and written to ``timings.json``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Each notebook runs in seconds (timings.json); the limit per cell leaves room for a
# machine busy with other work, which made the slowest cell 3x slower.
TIMEOUT = 120
# The notebooks' networks are small: BLAS threads would only contend, with each other
# and with the tests the build runs beside (on a busy 2-core machine, 15x slower).
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
# The notebooks in the gallery's order; a new notebook is one more name here.
NOTEBOOKS = ("titanic", "confusion_matrix", "moons", "training_problems")


def execute(source: Path) -> tuple[nbformat.NotebookNode, float]:
    """Run a jupytext notebook from its folder; return it with its outputs and the seconds."""
    notebook = jupytext.read(source)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        # The kernel's own notices (it listens on the loopback) are not the notebook's.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(source.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute(env={**os.environ, **ONE_THREAD})
    except (CellExecutionError, CellTimeoutError) as error:
        said = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # the kernel's colours
        raise ExtensionError(f"the example notebook {source.name} failed:\n{said}") from error
    return notebook, time.perf_counter() - start


def first_picture(notebook: nbformat.NotebookNode) -> bytes | None:
    """Return the card's picture: the first PNG of a cell tagged ``thumbnail``, else the first.

    A notebook chooses its card's picture by tagging a cell (``# %% tags=["thumbnail"]``
    in jupytext's percent format) when its first picture is not the one to show.
    """
    tagged = [c for c in notebook.cells if "thumbnail" in c.get("metadata", {}).get("tags", [])]
    for cell in tagged + notebook.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                return base64.b64decode(png)
    return None


def title_and_summary(notebook: nbformat.NotebookNode) -> tuple[str, str]:
    """Return the first markdown cell's heading and the first sentence after it."""
    text = next(c.source for c in notebook.cells if c.cell_type == "markdown")
    heading, _, rest = text.strip().partition("\n")
    sentence = " ".join(rest.split()).split(". ")[0].rstrip(".")
    return heading.lstrip("# ").strip(), sentence + "." if sentence else ""


def page(name: str, notebook: nbformat.NotebookNode, seconds: float) -> nbformat.NotebookNode:
    """Return the notebook as the site shows it: download links under its title."""
    shown = nbformat.reads(nbformat.writes(notebook), as_version=4)  # a copy
    links = nbformat.v4.new_markdown_cell(
        f"{{download}}`Download this notebook <downloads/{name}.ipynb>` · "
        f"{{download}}`its text form (jupytext) <downloads/{name}.py>` · "
        f"run when these pages were built, in {seconds:.0f} s"
    )
    title, *rest = shown.cells[0].source.split("\n", 1)
    shown.cells[0].source = title
    shown.cells.insert(1, links)
    if rest and rest[0].strip():
        shown.cells.insert(2, nbformat.v4.new_markdown_cell(rest[0].strip()))
    return shown


def gallery(cards: list[tuple[str, str, str, bool]]) -> str:
    """Return the gallery page: a card per notebook (name, title, summary, has picture)."""
    lines = [
        "# Examples",
        "",
        "The course's exercises as notebooks, run when these pages were built. Each can be "
        "downloaded as a notebook or as its text form (the repository keeps them as "
        "jupytext scripts in `docs/examples/`; `jupytext --to ipynb` makes notebooks of them).",
        "",
        "::::{grid} 1 2 2 2",
        ":gutter: 3",
        "",
    ]
    for name, title, summary, has_picture in cards:
        lines += [f":::{{grid-item-card}} {title}", f":link: {name}", ":link-type: doc"]
        if has_picture:
            lines.append(f":img-top: thumbnails/{name}.png")
        lines += ["", summary, ":::", ""]
    lines += ["::::", "", "```{toctree}", ":hidden:", "", *[c[0] for c in cards], "```", ""]
    return "\n".join(lines)


def build_gallery(examples: Path, out: Path) -> dict[str, float]:
    """Execute every notebook and write the gallery; return the seconds per notebook."""
    if out.exists():
        shutil.rmtree(out)
    (out / "downloads").mkdir(parents=True)
    (out / "thumbnails").mkdir()
    cards, timings = [], {}
    for name in NOTEBOOKS:
        source = examples / f"{name}.py"
        notebook, seconds = execute(source)
        timings[name] = round(seconds, 1)
        logger.info(f"example notebook {name}: {seconds:.1f} s")
        nbformat.write(notebook, out / "downloads" / f"{name}.ipynb")
        shutil.copyfile(source, out / "downloads" / f"{name}.py")
        nbformat.write(page(name, notebook, seconds), out / f"{name}.ipynb")
        picture = first_picture(notebook)
        if picture is not None:
            (out / "thumbnails" / f"{name}.png").write_bytes(picture)
        cards.append((name, *title_and_summary(notebook), picture is not None))
    (out / "index.md").write_text(gallery(cards), encoding="utf-8")
    (out / "timings.json").write_text(json.dumps(timings, indent=1) + "\n", encoding="utf-8")
    return timings


def _on_builder_inited(app: Sphinx) -> None:
    source = Path(app.srcdir)
    build_gallery(source / "examples", source / "auto_examples")


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the extension: the notebooks run before the sources are read."""
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True}
