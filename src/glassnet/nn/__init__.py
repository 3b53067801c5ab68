"""The engine: multilayer perceptrons in NumPy, with their parts by name."""

from glassnet.nn._activations import ACTIVATIONS, Activation, get_activation
from glassnet.nn._history import TrainingHistory
from glassnet.nn._init import INITIALIZERS, get_initializer
from glassnet.nn._mlp import MLPClassifier, TrainingDivergedError
from glassnet.nn._recorder import SaturationThresholds
from glassnet.nn._regressor import MLPRegressor

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "Activation",
    "MLPClassifier",
    "MLPRegressor",
    "SaturationThresholds",
    "TrainingDivergedError",
    "TrainingHistory",
    "get_activation",
    "get_initializer",
]
