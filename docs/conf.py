"""Sphinx configuration of glassnet's documentation (``make docs``).

The site is built from the repository alone: the user guide from its Markdown pages
in ``guide/`` (the README links to them), the examples from the notebooks in ``examples/``,
run once per build (``_ext/notebook_gallery.py``), and the API reference from the
numpydoc docstrings (``api.rst``). Nothing is fetched while building or reading it.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import glassnet  # noqa: E402

project = "glassnet"
author = "the glassnet developers"
copyright = "the glassnet developers"
release = version = glassnet.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "sphinx_design",
    "notebook_gallery",
    "sklearn_links",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "_ext", "_templates", "examples", "auto_examples/downloads"]

# The API reference: one page per public name (api.rst lists them), the docstrings
# read by numpydoc; a class's page documents its own members and those of glassnet's
# base classes (MLPClassifier's fit_epochs and transform are _BaseMLP's), and links
# what it inherits from scikit-learn to scikit-learn's pages (sklearn_links).
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"  # the numpydoc "Parameters" sections say the types
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False

# Markdown pages (MyST); the notebooks arrive executed, so MyST-NB only renders them.
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 4
nb_execution_mode = "off"
nb_merge_streams = True

html_theme = "pydata_sphinx_theme"
html_title = f"glassnet {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False
# The notebooks get the page's whole width: their code and tables are wide.
html_sidebars = {"index": [], "guide/getting_started": [], "auto_examples/*": []}
html_static_path = ["_static"]
html_css_files = ["glassnet.css"]


def _describe_value(app, what, name, obj, options, lines) -> None:  # noqa: ANN001
    # A registry's value is too long to print (every entry's repr): its type and its
    # names say what it holds.
    if what != "data":
        return
    if isinstance(obj, dict):
        keys = ", ".join(f"``{key}``" for key in obj)
        lines += ["", f"A ``dict`` of {len(obj)} entries, by name: {keys}."]
    elif isinstance(obj, (tuple, list, frozenset, set)):
        items = ", ".join(f"``{item}``" for item in obj)
        lines += ["", f"A ``{type(obj).__name__}`` of {len(obj)}: {items}."]


def setup(app) -> None:  # noqa: ANN001
    """Describe module-level values by their type and names."""
    app.connect("autodoc-process-docstring", _describe_value)
