"""Links from the API reference to scikit-learn's documentation for inherited methods.

glassnet's estimator inherits ``get_params``, ``set_params``, ``score`` and friends
from scikit-learn; their reference lives on scikit-learn's site. Rather than copy
those docstrings (whose cross-references point into scikit-learn's own pages), each
glassnet class's page ends with a list of what it inherits from scikit-learn, each
linked to scikit-learn's page. The links are plain URLs: the build fetches nothing.
"""

from __future__ import annotations

import inspect
from typing import Any

import sklearn
from sphinx.application import Sphinx

VERSION = ".".join(sklearn.__version__.split(".")[:2])
BASE_URL = f"https://scikit-learn.org/{VERSION}/modules/generated"
# set_fit_request and its kind are made for each estimator class by scikit-learn.
ROUTING_URL = f"https://scikit-learn.org/{VERSION}/metadata_routing.html"


def made_by_sklearn(value: Any) -> bool:
    """Whether scikit-learn wrote this attribute's code (and its docstring)."""
    return (getattr(value, "__module__", None) or "").startswith("sklearn.")


def public_path(cls: type) -> str | None:
    """Return the documented name of a scikit-learn class, or None for a private one."""
    if cls.__name__.startswith("_"):
        return None
    # Classes are documented under their public package: sklearn.base.BaseEstimator.
    module = ".".join(p for p in cls.__module__.split(".") if not p.startswith("_"))
    return f"{module}.{cls.__name__}"


def inherited_from_sklearn(cls: type) -> list[tuple[str, str]]:
    """Return (method, URL) for each public method ``cls`` takes from scikit-learn."""
    found = []
    for name, _ in inspect.getmembers(cls, callable):
        if name.startswith("_"):
            continue
        owner = next(k for k in cls.__mro__ if name in vars(k))
        if not owner.__module__.startswith("sklearn."):
            if made_by_sklearn(getattr(cls, name)):
                found.append((name, ROUTING_URL))
            continue
        # A private mixin's method is documented on the public classes that use it.
        documented = next(
            (
                path
                for k in cls.__mro__
                if k.__module__.startswith("sklearn.") and hasattr(k, name)
                for path in [public_path(k)]
                if path
            ),
            None,
        )
        if documented is not None:
            found.append((name, f"{BASE_URL}/{documented}.html#{documented}.{name}"))
    return found


def _append_links(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what != "class" or not isinstance(obj, type):
        return
    links = inherited_from_sklearn(obj)
    if not links:
        return
    lines += [
        "",
        ".. rubric:: Inherited from scikit-learn",
        "",
        ", ".join(f"`{method} <{url}>`__" for method, url in links),
        "",
    ]


def _skip_sklearn_members(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    # Their docstrings cite scikit-learn's own pages; the links above replace them.
    return True if made_by_sklearn(obj) else None


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the extension: runs after numpydoc has formatted each docstring."""
    app.connect("autodoc-process-docstring", _append_links, priority=600)
    app.connect("autodoc-skip-member", _skip_sklearn_members)
    return {"parallel_read_safe": True}
