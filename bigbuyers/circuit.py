"""A circuit breaker: after a helper service fails, stop asking it for a few seconds.

A Redis that refuses connections fails in a millisecond, but one that hangs or sits behind a broken network
costs its whole timeout on every call, several times per request. After a failure the circuit is *open*:
callers skip the service (and do without it) until `pause` seconds have passed; the next call then tries
again, and closes the circuit if it works. One circuit per process and service (module-level instances),
shared by the threads of the process.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)


class Circuit:
    """Whether to call a service now, given how its last calls went in this process."""

    def __init__(self, name: str, *, pause: float = 5.0) -> None:
        self.name = name
        self.pause = pause
        self._open_until: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """True while the service failed less than `pause` seconds ago (calls should skip it)."""
        open_until = self._open_until
        return open_until is not None and time.monotonic() < open_until

    @property
    def has_failed(self) -> bool:
        """True from a failure until the next call that works (also once the pause is over)."""
        return self._open_until is not None

    def failed(self, error: BaseException) -> None:
        """Record a failure: skip the service for `pause` seconds. Logged once per outage."""
        with self._lock:
            first = self._open_until is None
            self._open_until = time.monotonic() + self.pause
        if first:
            log.warning("%s does not answer (%s: %s); going on without it, trying again every %.0f s",
                        self.name, type(error).__name__, error, self.pause)

    def succeeded(self) -> bool:
        """Record a call that worked; True if it ends an outage."""
        if self._open_until is None:
            return False
        with self._lock:
            recovered, self._open_until = self._open_until is not None, None
        if recovered:
            log.warning("%s answers again", self.name)
        return recovered
