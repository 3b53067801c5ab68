"""The engine: a multilayer perceptron in NumPy, with its parts by name."""

from glassnet.nn._activations import ACTIVATIONS, Activation, get_activation
from glassnet.nn._history import TrainingHistory
from glassnet.nn._init import INITIALIZERS, get_initializer
from glassnet.nn._mlp import MLPClassifier, TrainingDivergedError
from glassnet.nn._recorder import SaturationThresholds

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "Activation",
    "MLPClassifier",
    "SaturationThresholds",
    "TrainingDivergedError",
    "TrainingHistory",
    "get_activation",
    "get_initializer",
]
