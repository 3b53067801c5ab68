"""Where an outer package plugs into the engine, so that the engine imports none of them.

The estimator reads its own training record in two places: ``diagnose()``, and the
health warning at the end of ``fit``. The rules that read a record live in
:mod:`glassnet.diagnostics`, an outer package (it draws plots, formats text and HTML);
it installs them here when it is imported. The arrows point inward: diagnostics
knows the engine, the engine knows only this slot. ``glassnet`` imports its parts on
first use (so that the command line starts at once), so a slot still empty when it is
first needed loads the package that fills it, by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Diagnose = Callable[[Any], Any]  # model -> health report
HealthWarning = Callable[[Any], Warning | None]  # model -> the end-of-fit warning or None

_diagnose: Diagnose | None = None
_health_warning: HealthWarning | None = None


def install(diagnose: Diagnose, health_warning: HealthWarning) -> None:
    """Install the record's reader.

    Parameters
    ----------
    diagnose : callable
        ``diagnose(model)`` returns the model's health report.
    health_warning : callable
        ``health_warning(model)`` returns the warning to raise at the end of ``fit``
        (a severe finding), or None.
    """
    global _diagnose, _health_warning
    _diagnose, _health_warning = diagnose, health_warning


def diagnose(model: Any) -> Any:
    """Return ``model``'s health report, from the installed reader.

    Raises
    ------
    RuntimeError
        If no reader is installed (``glassnet.diagnostics`` was never imported).
    """
    _load()
    if _diagnose is None:
        raise RuntimeError(
            "No diagnostics are installed: import glassnet.diagnostics (importing "
            "glassnet does) before calling diagnose()."
        )
    return _diagnose(model)


def health_warning(model: Any) -> Warning | None:
    """Return the warning a fit of ``model`` ends with, or None (or no reader installed)."""
    _load()
    return None if _health_warning is None else _health_warning(model)


def _load() -> None:
    # The reader installs itself on import; a missing one is not an error here.
    if _diagnose is None:
        importlib.import_module("glassnet.diagnostics")
