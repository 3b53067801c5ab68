"""A limit on failed token checks per client address: guessing tokens is made slow.

Tokens are 24 random bytes, far beyond guessing; the limit is a second line all the
same, and it keeps a script that hammers the server with wrong tokens from costing it
more than a few requests a minute.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

# Beyond this many addresses, those with nothing recent are forgotten (memory stays small).
_MAX_ADDRESSES = 10_000


class FailedAuthLimiter:
    """Count failed token checks per address; block an address that fails too often.

    Parameters
    ----------
    failures : int
        This many failed checks from one address within `window` seconds block it.
    window : float
        Seconds over which failures are counted.
    block : float
        Seconds an address stays blocked: every token check from it is refused, the
        right token's too (else a guess that worked would show by not being refused).
    clock : callable, optional
        The time in seconds (``time.monotonic`` by default).
    """

    def __init__(
        self,
        failures: int = 20,
        window: float = 60.0,
        block: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures = failures
        self.window = window
        self.block = block
        self._clock = clock
        self._lock = threading.Lock()
        self._failed: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def blocked_for(self, address: str) -> float:
        """Seconds the address stays blocked (0 when it is not)."""
        with self._lock:
            until = self._blocked_until.get(address)
            if until is None:
                return 0.0
            left = until - self._clock()
            if left <= 0:
                del self._blocked_until[address]
                return 0.0
            return left

    def failed(self, address: str) -> None:
        """Record a failed token check from the address (blocking it past the limit)."""
        with self._lock:
            at = self._clock()
            if len(self._failed) > _MAX_ADDRESSES:
                self._forget_before(at - self.window)
            recent = self._failed.setdefault(address, deque())
            recent.append(at)
            while recent and recent[0] <= at - self.window:
                recent.popleft()
            if len(recent) >= self.failures:
                self._blocked_until[address] = at + self.block
                recent.clear()

    def _forget_before(self, since: float) -> None:
        for address in [a for a, times in self._failed.items() if not times or times[-1] < since]:
            del self._failed[address]
        now = self._clock()
        for address in [a for a, until in self._blocked_until.items() if until <= now]:
            del self._blocked_until[address]
