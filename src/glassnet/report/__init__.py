"""Self-contained HTML reports: the page builder and the report of a training run.

The package is also callable: ``glassnet.report(model, X_test, y_test, path)`` writes
the report of a model trained in Python (:func:`glassnet.report.from_python.report`).
"""

import sys
import types
from typing import Any

from glassnet.report.html import Page, write_html
from glassnet.report.training import REPORT_SECTIONS, training_report

__all__ = ["REPORT_SECTIONS", "Page", "training_report", "write_html"]


class _CallablePackage(types.ModuleType):
    # Importing glassnet.report.anything sets the attribute glassnet.report to this
    # package, so a function of that name beside it would be replaced at the first
    # report made; calling the package is what keeps glassnet.report(...) working.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from glassnet.report.from_python import report

        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
