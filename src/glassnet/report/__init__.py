"""Self-contained HTML reports: the page builder and the report of a training run."""

from glassnet.report.html import Page, write_html
from glassnet.report.training import REPORT_SECTIONS, training_report

__all__ = ["REPORT_SECTIONS", "Page", "training_report", "write_html"]
