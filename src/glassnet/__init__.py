"""glassnet: neural-network classification on tabular data that you can see into."""

# The one place the version is written: pyproject.toml reads it from here (setuptools'
# dynamic version), and it is set before the imports below, which may ask for it.
__version__ = "0.1.0"

from glassnet.diagnostics import TrainingHealthWarning, diagnose
from glassnet.nn import MLPClassifier, TrainingDivergedError

__all__ = ["MLPClassifier", "TrainingDivergedError", "TrainingHealthWarning", "diagnose"]
