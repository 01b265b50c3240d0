"""Heartbeats of the Celery worker and of beat, so that monitoring can tell they are alive.

A worker writes its heartbeat every ``INTERVAL`` seconds while it is connected to the broker and
consuming (a consumer bootstep, so a worker that lost Redis stops beating); beat writes its own as its
scheduler ticks. Both go to Redis (one sorted set of workers by host name, one key for beat), cheap to
write and to read; ``/healthz?deep=1`` reports how long ago each was seen. After a restart of Redis
without persistence they are missing until the next beat, ``INTERVAL`` seconds at most.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from celery import bootsteps
from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)

INTERVAL = 30  # seconds between heartbeats
STALE_AFTER = 180  # seconds without a heartbeat before a worker or beat counts as down
WORKERS_KEY = "bigbuyers:heartbeat:workers"
BEAT_KEY = "bigbuyers:heartbeat:beat"

_clients: dict[str, redis.Redis] = {}


def redis_client() -> redis.Redis:
    """A client of the portal's Redis that gives up after a second (health checks and heartbeats)."""
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return _clients[url]


def record_worker(hostname: str, *, now: float | None = None) -> None:
    """Note that the worker `hostname` is alive and consuming now (forgetting workers long gone)."""
    now = time.time() if now is None else now
    pipeline = redis_client().pipeline()
    pipeline.zadd(WORKERS_KEY, {hostname: now})
    pipeline.zremrangebyscore(WORKERS_KEY, "-inf", now - 24 * 3600)
    pipeline.execute()


def record_beat(*, now: float | None = None) -> None:
    """Note that beat is alive now."""
    redis_client().set(BEAT_KEY, time.time() if now is None else now, ex=24 * 3600)


def last_seen(*, now: float | None = None) -> dict[str, dict[str, Any]]:
    """How long ago (seconds) the latest worker and beat were seen, and how many workers were recently.

    Raises redis.RedisError when Redis does not answer.
    """
    now = time.time() if now is None else now
    pipeline = redis_client().pipeline()
    pipeline.zrevrange(WORKERS_KEY, 0, 0, withscores=True)
    pipeline.zcount(WORKERS_KEY, now - STALE_AFTER, "+inf")
    pipeline.get(BEAT_KEY)
    latest_worker, recent_workers, beat = pipeline.execute()

    def state(seen: float | None) -> dict[str, Any]:
        if seen is None:
            return {"status": "down", "seen_seconds_ago": None}
        ago = max(0, round(now - seen))
        return {"status": "ok" if ago <= STALE_AFTER else "down", "seen_seconds_ago": ago}

    return {
        "worker": {**state(latest_worker[0][1] if latest_worker else None), "count": recent_workers},
        "beat": state(float(beat) if beat is not None else None),
    }


class HeartbeatStep(bootsteps.StartStopStep):
    """A worker's consumer bootstep: a heartbeat now and every INTERVAL seconds while connected."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_entry: Any = None

    def start(self, consumer: Any) -> None:
        self.beat(consumer.hostname)
        self.timer_entry = consumer.timer.call_repeatedly(INTERVAL, self.beat, (consumer.hostname,), priority=10)

    def stop(self, consumer: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop

    @staticmethod
    def beat(hostname: str) -> None:
        try:
            record_worker(hostname)
        except redis.RedisError as error:  # the consumer notices the broker is gone by itself
            log.warning("Worker heartbeat not written: %s", error)


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's usual scheduler, writing beat's heartbeat at most every INTERVAL seconds as it ticks
    (settings.CELERY_BEAT_MAX_LOOP_INTERVAL makes it tick that often)."""

    _last_beat = 0.0

    def tick(self, *args: Any, **kwargs: Any) -> float:
        now = time.monotonic()
        if now - self._last_beat >= INTERVAL:
            try:
                record_beat()
                self._last_beat = now
            except redis.RedisError as error:
                log.warning("Beat heartbeat not written: %s", error)
        return super().tick(*args, **kwargs)
