"""Diagnostics: what a training record says about a network's health.

``diagnose(model)`` turns ``model.history_`` into findings (vanishing or exploding
gradients, saturated or dead units, ...), each with its evidence, an explanation and
what to try (:class:`Advice`, said in Python's words or the command line's:
``report.text(dialect='cli')``); :mod:`glassnet.diagnostics.plots` draws the record.
"""

from glassnet.diagnostics._advice import CLI_OPTIONS, Advice
from glassnet.diagnostics._findings import Finding, HealthReport, TrainingHealthWarning
from glassnet.diagnostics._rules import diagnose
from glassnet.nn import _hooks

# The estimator asks for its diagnosis and its end-of-fit warning through this hook:
# the engine does not import diagnostics.
_hooks.install(diagnose, lambda model: diagnose(model).warning())

__all__ = ["CLI_OPTIONS", "Advice", "Finding", "HealthReport", "TrainingHealthWarning", "diagnose"]
