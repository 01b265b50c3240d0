"""What /healthz checks: the database and Redis, and on request the worker's and beat's heartbeats.

Cheap and bounded: each check runs in its own thread on its own short-lived connection, and the answer
is given after ``DEADLINE`` seconds whatever happens; a check still waiting then counts as down (a
hung PostgreSQL or Redis holds no request for longer). The answer names the parts and says "ok" or
"down", nothing more (no error text, host name or version) since /healthz is public.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.db import connections

from bigbuyers import heartbeats

log = logging.getLogger(__name__)

DEADLINE = 1.5  # seconds: the answer comes within this, plus a few milliseconds
# The threads of checks that outlive the deadline end by their own timeouts (connect 2 s, statement 1 s).
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="healthz")


def database_ok() -> bool:
    """SELECT 1 on a new connection to the default database (what a new request would have to open)."""
    connection = connections.create_connection("default")
    if connection.vendor == "postgresql":
        connection.settings_dict = {**connection.settings_dict, "OPTIONS": {
            **connection.settings_dict.get("OPTIONS", {}), "connect_timeout": 2,
            "options": "-c statement_timeout=1000"}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    finally:
        connection.close()


def redis_ok() -> bool:
    return bool(heartbeats.redis_client().ping())


def check(*, deep: bool = False) -> tuple[bool, dict[str, Any]]:
    """(healthy, report): the database and Redis, and with `deep` the worker's and beat's heartbeats."""
    started = time.monotonic()
    futures: dict[str, tuple[Callable[[], Any], Any]] = {"database": (database_ok, False), "redis": (redis_ok, False)}
    if deep:
        futures["heartbeats"] = (heartbeats.last_seen, None)
    submitted = {name: (_pool.submit(fn), default) for name, (fn, default) in futures.items()}
    results: dict[str, Any] = {}
    for name, (future, default) in submitted.items():
        remaining = max(0.0, DEADLINE - (time.monotonic() - started))
        try:
            results[name] = future.result(timeout=remaining)
        except FutureTimeout:
            results[name] = default
        except Exception as error:  # noqa: BLE001 - any failure means "down"; the reason goes to the log only
            log.warning("Health check of %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = default
    report: dict[str, Any] = {"database": "ok" if results["database"] else "down",
                              "redis": "ok" if results["redis"] else "down"}
    healthy = bool(results["database"] and results["redis"])
    if deep:
        seen = results["heartbeats"] or {"worker": {"status": "unknown"}, "beat": {"status": "unknown"}}
        report.update(seen)
        healthy = healthy and all(seen[part]["status"] == "ok" for part in ("worker", "beat"))
    return healthy, {"status": "ok" if healthy else "unavailable", **report}
