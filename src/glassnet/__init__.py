"""glassnet: neural-network classification on tabular data that you can see into."""

from glassnet.diagnostics import TrainingHealthWarning, diagnose
from glassnet.nn import MLPClassifier, TrainingDivergedError

__all__ = ["MLPClassifier", "TrainingDivergedError", "TrainingHealthWarning", "diagnose"]
__version__ = "0.1.0"
