"""glassnet: neural-network classification on tabular data that you can see into."""

from glassnet.nn import MLPClassifier, TrainingDivergedError

__all__ = ["MLPClassifier", "TrainingDivergedError"]
__version__ = "0.1.0"
