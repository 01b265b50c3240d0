"""Django's Redis cache, made to carry on when Redis is down: a failure is a cache miss, not an error page.

Why wrap the backend rather than catch errors where the cache is used: the cache is used by Django itself
(the ``cached_db`` sessions read it on every request), by the rate limits and by the admin, and any future
use would have to remember to catch. Wrapped once, every use degrades the same way, and a circuit
(bigbuyers/circuit.py) keeps a Redis that hangs from costing its timeout on every call.

While Redis does not answer:

- reads are misses (``get`` gives the default, ``has_key`` False), so sessions come from PostgreSQL
  (``cached_db`` falls back to the database on a miss and writes through to it);
- writes are skipped; the keys written (or deleted) meanwhile are remembered, and deleted as soon as Redis
  answers again, since what Redis holds for them is older than what the database has (a session changed
  or ended during the outage must not come back from the cache). Remembered per process, up to
  ``OWED_LIMIT`` keys;
- ``incr`` raises :class:`CacheUnavailable`: a counter has no honest "miss", so its caller decides (the
  rate limits count in the process instead: bigbuyers/ratelimit.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias, TypeVar

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from bigbuyers.circuit import Circuit

log = logging.getLogger(__name__)

OWED_LIMIT = 10_000
PAUSE = 5.0  # seconds without trying Redis after it failed to answer (per process)
OUTAGE = (redis.ConnectionError, redis.TimeoutError, OSError)
T = TypeVar("T")


# What RedisCacheClient's methods take (django-stubs); RedisCache passes str keys and int or None timeouts.
Key: TypeAlias = str | bytes | memoryview
Timeout: TypeAlias = int | dt.timedelta | None


class CacheUnavailable(Exception):
    """Redis did not answer an operation that has no sensible "miss" (a counter)."""


class _Outage:
    """Per-process state of one Redis location: its circuit and the keys to delete once it is back."""

    def __init__(self, location: str) -> None:
        self.circuit = Circuit(f"Redis cache at {location.rsplit('@', 1)[-1]}", pause=PAUSE)
        self.owed: set[Key] = set()
        self.lock = threading.Lock()

    def owe(self, keys: Iterable[Key]) -> None:
        with self.lock:
            for key in keys:
                if len(self.owed) >= OWED_LIMIT:
                    log.error("More than %s cache keys changed while Redis was away; the others may be stale "
                              "in Redis until they expire", OWED_LIMIT)
                    return
                self.owed.add(key)

    def take_owed(self) -> list[Key]:
        with self.lock:
            owed, self.owed = list(self.owed), set()
        return owed


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage(location))


class ResilientRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose operations survive Redis being down (see the module's docstring)."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._outage = _outage_for(",".join(servers))

    def _guard(self, operation: Callable[[], T], fallback: T, *, written: Iterable[Key] = ()) -> T:
        outage = self._outage
        if outage.circuit.is_open:
            outage.owe(written)
            return fallback
        try:
            if outage.circuit.has_failed:  # Redis may be back: first forget what it holds stale
                self._pay(outage)
            result = operation()
        except OUTAGE as error:
            outage.circuit.failed(error)
            outage.owe(written)
            return fallback
        outage.circuit.succeeded()
        return result

    def _pay(self, outage: _Outage) -> None:
        owed = outage.take_owed()
        try:
            if owed:
                super().delete_many(owed)
        except OUTAGE:
            outage.owe(owed)
            raise
        if owed:
            log.warning("Deleted %s cache keys written while Redis was away", len(owed))

    def add(self, key: Key, value: Any, timeout: Timeout) -> bool:
        return self._guard(lambda: super(ResilientRedisCacheClient, self).add(key, value, timeout), False)

    def get(self, key: Key, default: Any) -> Any:
        return self._guard(lambda: super(ResilientRedisCacheClient, self).get(key, default), default)

    def set(self, key: Key, value: Any, timeout: Timeout) -> None:
        self._guard(lambda: super(ResilientRedisCacheClient, self).set(key, value, timeout), None, written=[key])

    def touch(self, key: Key, timeout: Timeout) -> bool:  # None: Django's client persists the key
        return self._guard(
            lambda: super(ResilientRedisCacheClient, self).touch(key, timeout),  # type: ignore[arg-type]  # stubs lack None
            False)

    def delete(self, key: Key) -> bool:
        return self._guard(lambda: super(ResilientRedisCacheClient, self).delete(key), False, written=[key])

    def get_many(self, keys: Iterable[Key]) -> dict[Key, Any]:
        return self._guard(lambda: super(ResilientRedisCacheClient, self).get_many(keys), {})

    def has_key(self, key: Key) -> bool:
        return self._guard(lambda: super(ResilientRedisCacheClient, self).has_key(key), False)

    def incr(self, key: Key, delta: int) -> int:
        result: int | None = self._guard(lambda: super(ResilientRedisCacheClient, self).incr(key, delta), None)
        if result is None:
            raise CacheUnavailable(f"Redis did not answer INCR {key!s}")
        return result

    def set_many(self, data: Mapping[Key, Any], timeout: Timeout) -> None:  # None: Django's client sets no expiry
        self._guard(
            lambda: super(ResilientRedisCacheClient, self).set_many(data, timeout),  # type: ignore[arg-type]  # stubs lack None
            None, written=list(data))

    def delete_many(self, keys: Iterable[Key]) -> None:
        keys = list(keys)
        self._guard(lambda: super(ResilientRedisCacheClient, self).delete_many(keys), None, written=keys)

    def clear(self) -> bool:
        return self._guard(lambda: super(ResilientRedisCacheClient, self).clear(), False)


class ResilientRedisCache(RedisCache):
    """The ``CACHES`` backend: Django's RedisCache with :class:`ResilientRedisCacheClient`."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
