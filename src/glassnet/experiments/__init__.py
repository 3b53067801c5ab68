"""Experiments: searches that answer the course's design questions with many fits.

``smallest_network(X, y)`` finds how many layers and how many units per layer a
problem needs, trained over several seeds so that the answer is not one lucky run.
"""

from glassnet.experiments._result import SmallestNetwork
from glassnet.experiments._search import smallest_network
from glassnet.experiments._sweep import SweepResult, sweep

__all__ = ["SmallestNetwork", "SweepResult", "smallest_network", "sweep"]
