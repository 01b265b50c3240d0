"""A task for tests that need one in flight: loaded into a test's worker process (`--include`), never
into the portal's."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.hold", acks_late=True)
def hold(*, started: str, release: str) -> bool:
    """Say it started (create the file `started`), then wait until the file `release` exists (a minute at most)."""
    Path(started).touch()
    deadline = time.monotonic() + 60
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return True
