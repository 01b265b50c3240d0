"""Queue a Celery task without ever failing the request that asks for it.

Every task the portal queues from a request stands for work already recorded in PostgreSQL by the same
transaction (an outbox row, a queued matching run, a claimed bulk e-mail), and a periodic task finds that
work again if its message never reached Redis (`bigbuyers.drain_outbox`, `bigbuyers.requeue_bulk_emails`,
`groups.requeue_stranded_work`). So when Redis does not answer, the request simply goes on: the work waits
for Redis to come back, it is not lost.

A request waits at most ``DEADLINE`` for Redis to take the task (publishing to a Redis that hangs would
otherwise take Celery's and kombu's retries times the socket timeout: over ten seconds). A task sent
later than that is harmless: every task is idempotent. After a failure, a circuit skips Redis for a few
seconds, so that a hung Redis costs one deadline per process, not one per request.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import redis
from celery import Task
from kombu.exceptions import OperationalError

from bigbuyers.circuit import Circuit

log = logging.getLogger(__name__)

INTERACTIVE = "interactive"  # the queue of e-mails a person waits for (settings.CELERY_TASK_QUEUES)
DEADLINE = 1.0  # seconds a request waits for Redis to take a task
broker = Circuit("Celery broker (Redis)", pause=10.0)
_publisher = ThreadPoolExecutor(max_workers=4, thread_name_prefix="enqueue")


def _new_publisher() -> None:  # a forked process (a prefork worker) has none of its parent's threads
    global _publisher  # noqa: PLW0603 - the child replaces the executor it inherited, for every caller
    _publisher = ThreadPoolExecutor(max_workers=4, thread_name_prefix="enqueue")


os.register_at_fork(after_in_child=_new_publisher)


def enqueue(task: Task, *, queue: str | None = None, **kwargs: Any) -> bool:
    """Send `task` with keyword arguments `kwargs` (to `queue`, else its default); False if Redis is away.

    Call it after the commit of the transaction that recorded the work (``transaction.on_commit``).
    """
    options: dict[str, Any] = {"queue": queue} if queue else {}  # no queue: the task's own (its route, else `celery`)
    if task.app.conf.task_always_eager:  # development and tests: run now, and let its errors show
        task.apply_async(kwargs=kwargs, **options)
        return True
    if broker.is_open:
        log.info("Broker unavailable; %s(%s) waits for the periodic pick-up", task.name, kwargs)
        return False
    sending = _publisher.submit(task.apply_async, kwargs=kwargs, **options)
    try:
        sending.result(timeout=DEADLINE)
    except (FutureTimeout, OperationalError, redis.RedisError, OSError) as error:  # the work stays recorded
        broker.failed(error if not isinstance(error, FutureTimeout) else TimeoutError(f"no answer in {DEADLINE} s"))
        log.warning("Broker unavailable; %s(%s) waits for the periodic pick-up", task.name, kwargs)
        return False
    broker.succeeded()
    return True
