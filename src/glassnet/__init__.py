"""glassnet: neural-network classification on tabular data that you can see into."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The one place the version is written: pyproject.toml reads it from here (setuptools'
# dynamic version).
__version__ = "0.1.0"

# Names imported on first use (PEP 562), not with the package: the command line
# imports glassnet.cli, and `glassnet --help` should not wait for scikit-learn.
_LAZY = {
    "MLPClassifier": "glassnet.nn",
    "MLPRegressor": "glassnet.nn",
    "TrainingDivergedError": "glassnet.nn",
    "TrainingHealthWarning": "glassnet.diagnostics",
    "diagnose": "glassnet.diagnostics",
}
__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "TrainingDivergedError",
    "TrainingHealthWarning",
    "diagnose",
]

if TYPE_CHECKING:
    from glassnet.diagnostics import TrainingHealthWarning, diagnose
    from glassnet.nn import MLPClassifier, MLPRegressor, TrainingDivergedError


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
