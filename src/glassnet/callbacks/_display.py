"""Where a callback shows things: a notebook's output cell when there is one.

IPython is never imported here: a notebook has imported it already, and anywhere
else its absence means a terminal, a script or a log file.
"""

from __future__ import annotations

import sys
from typing import Any


def notebook_display() -> Any:
    """Return ``IPython.display`` inside a notebook's kernel, else None."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    # A notebook's shell runs in a kernel; the terminal's IPython has none.
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    import IPython.display

    return IPython.display
