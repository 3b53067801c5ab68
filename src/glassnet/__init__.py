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
    "load": "glassnet.workflow.from_python",
    "save": "glassnet.workflow.from_python",
}
# Subpackages used as names: glassnet.callbacks.EarlyStopping after `import glassnet`,
# and glassnet.report(...), a callable package (see glassnet/report/__init__.py).
_LAZY_PACKAGES = ("callbacks", "report")
__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "TrainingDivergedError",
    "TrainingHealthWarning",
    "callbacks",
    "diagnose",
    "load",
    "report",
    "save",
]

if TYPE_CHECKING:
    from glassnet import callbacks, report
    from glassnet.diagnostics import TrainingHealthWarning, diagnose
    from glassnet.nn import MLPClassifier, MLPRegressor, TrainingDivergedError
    from glassnet.workflow.from_python import load, save


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # looked up once
        return value
    if name in _LAZY_PACKAGES:
        return importlib.import_module(f"glassnet.{name}")  # importing sets the attribute
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
