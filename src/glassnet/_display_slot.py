"""Where the notebook displays plug into the engine and the metrics, which import none.

A fitted model, its record, a confusion matrix and the curves show as HTML in a
notebook (``_repr_html_``), but the HTML is built in :mod:`glassnet._display`, an outer
package: the arrows point inward, so those classes know only this slot. The display
package installs its builders here when it is imported; a slot still empty when a
notebook first asks loads that package by name, as ``glassnet.nn._hooks`` does for the
diagnosis.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

_builders: dict[str, Callable[..., Any]] = {}


def install(**builders: Callable[..., Any]) -> None:
    """Install display builders by name (``confusion_html=...``)."""
    _builders.update(builders)


def build(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call the installed builder `name` (loading the display package on first use)."""
    if name not in _builders:
        importlib.import_module("glassnet._display")  # installs its builders
    return _builders[name](*args, **kwargs)
