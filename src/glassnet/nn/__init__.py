"""The engine: a multilayer perceptron in NumPy, with its parts by name."""

from glassnet.nn._activations import ACTIVATIONS, Activation, get_activation
from glassnet.nn._init import INITIALIZERS, get_initializer
from glassnet.nn._mlp import MLPClassifier, TrainingDivergedError

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "Activation",
    "MLPClassifier",
    "TrainingDivergedError",
    "get_activation",
    "get_initializer",
]
