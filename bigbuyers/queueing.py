"""Queue a Celery task without ever failing the request that asks for it.

Every task the portal queues from a request stands for work already recorded in PostgreSQL by the same
transaction (an outbox row, a queued matching run, a claimed bulk e-mail), and a periodic task finds that
work again if its message never reached Redis (`bigbuyers.drain_outbox`, `bigbuyers.requeue_bulk_emails`,
`groups.requeue_stranded_work`). So when Redis does not answer, the request simply goes on: the work waits
for Redis to come back, it is not lost. A circuit keeps a hung Redis from costing its timeout on every
request meanwhile.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from celery import Task
from kombu.exceptions import OperationalError

from bigbuyers.circuit import Circuit

log = logging.getLogger(__name__)

INTERACTIVE = "interactive"  # the queue of e-mails a person waits for (settings.CELERY_TASK_QUEUES)
broker = Circuit("Celery broker (Redis)", pause=10.0)


def enqueue(task: Task, *, queue: str | None = None, **kwargs: Any) -> bool:
    """Send `task` with keyword arguments `kwargs` (to `queue`, else its default); False if Redis is away.

    Call it after the commit of the transaction that recorded the work (``transaction.on_commit``).
    """
    if task.app.conf.task_always_eager:  # development and tests: run now, and let its errors show
        task.apply_async(kwargs=kwargs, queue=queue)
        return True
    if broker.is_open:
        log.info("Broker unavailable; %s(%s) waits for the periodic pick-up", task.name, kwargs)
        return False
    try:
        task.apply_async(kwargs=kwargs, queue=queue)
    except (OperationalError, redis.RedisError, OSError) as error:  # the work stays recorded in the database
        broker.failed(error)
        log.warning("Broker unavailable; %s(%s) waits for the periodic pick-up", task.name, kwargs)
        return False
    broker.succeeded()
    return True
