"""Rich displays: how glassnet's objects show in a notebook, and ``model.summary()``.

HTML building lives here, outside the math: each class's ``_repr_html_`` asks
:mod:`glassnet._display_slot`, which loads this package when a notebook first asks
and where it installs its builders, so the engine and the metrics import none of it.
Every fragment is self-contained (its own style sheet, no scripts, nothing fetched)
and escapes all text, since labels and names come from the user's data.
"""

from glassnet import _display_slot
from glassnet._display._experiments import smallest_network_html, sweep_html
from glassnet._display._metrics import confusion_html, pr_html, roc_html, threshold_html
from glassnet._display._model import (
    history_html,
    model_html,
    model_mimebundle,
    model_repr_html,
)
from glassnet._display._summary import LayerRow, ModelSummary, summarize

__all__ = [
    "LayerRow",
    "ModelSummary",
    "confusion_html",
    "history_html",
    "model_html",
    "model_mimebundle",
    "model_repr_html",
    "pr_html",
    "roc_html",
    "smallest_network_html",
    "summarize",
    "sweep_html",
    "threshold_html",
]

_display_slot.install(
    confusion_html=confusion_html,
    history_html=history_html,
    model_mimebundle=model_mimebundle,
    model_repr_html=model_repr_html,
    pr_html=pr_html,
    roc_html=roc_html,
    summarize=summarize,
    threshold_html=threshold_html,
)
