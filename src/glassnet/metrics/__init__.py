"""Evaluation that explains itself: confusion matrices, reports, thresholds, plots.

Built on ``sklearn.metrics`` for the numbers; what this package adds is names for
the cells, plain-language explanations, threshold tables and operating points.
Plotting lives in Display classes under ``_plot`` and imports matplotlib only there.
"""

from glassnet.metrics._confusion import ConfusionMatrix
from glassnet.metrics._curves import (
    PrecisionRecallCurve,
    RocCurve,
    average_precision,
    precision_recall_curve,
    roc_auc,
    roc_curve,
)
from glassnet.metrics._plot.confusion_matrix import ConfusionMatrixDisplay
from glassnet.metrics._plot.curves import (
    PrecisionRecallDisplay,
    RocCurveDisplay,
    ThresholdMetricsDisplay,
)
from glassnet.metrics._regression import regression_scores
from glassnet.metrics._report import classification_report
from glassnet.metrics._thresholds import ThresholdChoice, choose_threshold, threshold_table

__all__ = [
    "ConfusionMatrix",
    "ConfusionMatrixDisplay",
    "PrecisionRecallCurve",
    "PrecisionRecallDisplay",
    "RocCurve",
    "RocCurveDisplay",
    "ThresholdChoice",
    "ThresholdMetricsDisplay",
    "average_precision",
    "choose_threshold",
    "classification_report",
    "precision_recall_curve",
    "regression_scores",
    "roc_auc",
    "roc_curve",
    "threshold_table",
]
