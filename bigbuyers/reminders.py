"""Reminders: one mechanism for every kind (survey deadlines, interviews, group offers, events).

Sources
    A *reminder source* is a function ``source(now) -> Iterable[Reminder]`` that computes, from the
    current state of its own app's data, the reminders due at `now`. Sources are listed by dotted path
    in ``settings.REMINDER_SOURCES``; a new kind of reminder (offers not answered, events) is a new
    source in its own app plus one line there. This module knows none of their models, so data still
    flows one way (surveys -> groups -> communities).

The periodic task
    ``bigbuyers.send_due_reminders`` (beat, bigbuyers/celery.py) calls :func:`send_due_reminders`: for
    each source it keeps the reminders whose ``due_at`` has come, drops those whose key the outbox
    holds already (one query per batch), and queues the others with ``queue_email``, one transaction
    each. The outbox sends them after the commit, and the periodic drain sends what the broker missed.

Computed, not pre-scheduled
    Nothing is stored ahead of time, so a change of the fact a reminder depends on moves the reminder
    by itself. Put that fact in the key (``...:deadline=20260612T150000Z:...``, the interview's start):
    after an extension or a reschedule the new key is a new reminder, and the old one is simply never
    computed again. Each source also decides when a reminder is no longer worth sending (after the
    deadline, after the interview), so a late run sends what is still useful and nothing else.

Exactly once
    The key is the outbox's unique key. Two beat processes, a task delivered twice, a worker killed
    half-way through: the second attempt finds the key and queues nothing, and the outbox's conditional
    claim sends each row once (a claim left by a dead worker is retried after ``outbox.STALE_CLAIM``).
    A message the mail server refused is retried with back-off and shows its error in the admin.
    Runs do not overlap either (a PostgreSQL advisory lock): a second delivery of the task while the
    first is going returns at once instead of rendering every reminder again to find its key taken.

Nothing lost
    A run that did not happen (broker down, beat stopped) is made up by the next one, because what is
    due is computed from the data; a row queued while the broker was away waits in the outbox.

Writing a source
    - Yield only candidates of a bounded window (e.g. interviews starting within a day), so that a run
      stays cheap; :func:`exclude_queued` drops, in SQL, rows whose reminder is in the outbox already.
    - Key: ``<kind>:<ids>:<the fact it depends on>:user=<id>``, at most 200 characters.
    - The context is rendered only for a reminder that is new, so it may hold model instances.
    - A one-off message at a fixed moment that can never move may use ``queue_email(not_before=...)``
      directly; anything that can move (an event's date) belongs in a source.

Retention: the outbox row is the record that a reminder went out. Keep outbox rows for longer than
the longest reminder window (erasing a person's rows is fine: their account is closed, and sources
skip inactive users).
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.module_loading import import_string

from bigbuyers.models import OutgoingEmail
from bigbuyers.outbox import queue_email

log = logging.getLogger(__name__)

BATCH = 200


@dataclass(frozen=True)
class Reminder:
    """One message a source wants sent once, at or after `due_at`."""

    key: str
    to: str
    template: str
    context: Mapping[str, Any]
    due_at: dt.datetime
    language: str | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)


ReminderSource = Callable[[dt.datetime], Iterable[Reminder]]


def reminder_sources() -> list[tuple[str, ReminderSource]]:
    """The sources named in ``settings.REMINDER_SOURCES``, with their dotted paths."""
    return [(path, import_string(path)) for path in settings.REMINDER_SOURCES]


def _batches(items: Iterable[Reminder], size: int) -> Iterator[list[Reminder]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def _alone(name: str) -> Iterator[bool]:
    """Whether this run is the only one of `name` now (a PostgreSQL advisory lock, held until the end).

    Not needed for correctness (the keys are), but a second run at the same moment would render every
    reminder again only to find its key taken. The lock goes with the connection if the worker dies.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue every reminder that is due and not queued yet; returns how many were queued.

    Safe to run at any time and any number of times, in parallel too: a reminder's key is queued once.
    A run that starts while another is going returns at once (the other queues everything due).
    A source that fails is logged and skipped; the others still run (and it is asked again next time).
    """
    with _alone("bigbuyers.send_due_reminders") as alone:
        if not alone:
            log.info("Reminders are being queued by another run; this one stops")
            return 0
        return _send_due_reminders(now or timezone.now())


def _send_due_reminders(now: dt.datetime) -> int:
    queued = 0
    for path, source in reminder_sources():
        try:
            for batch in _batches(source(now), BATCH):
                due = [reminder for reminder in batch if reminder.due_at <= now]
                known = set(
                    OutgoingEmail.objects.filter(key__in=[r.key for r in due]).values_list("key", flat=True)
                )
                for reminder in due:
                    if reminder.key not in known and _queue(reminder):
                        known.add(reminder.key)
                        queued += 1
        except Exception:  # one broken source must not stop the others' reminders
            log.exception("Reminder source %s failed", path)
    return queued


def _queue(reminder: Reminder) -> bool:
    with transaction.atomic():
        email = queue_email(
            key=reminder.key, to=reminder.to, template=reminder.template, context=reminder.context,
            language=reminder.language, attachments=reminder.attachments or None,
        )
    return email is not None


def exclude_queued(queryset: QuerySet[Any], *parts: str | models.Expression | models.F) -> QuerySet[Any]:
    """`queryset` without the rows whose reminder key (the concatenation of `parts`) is in the outbox.

    Strings are literal pieces, expressions (``F("user_id")``) are the row's values:
    ``exclude_queued(respondents, "deadline-reminder:response=", F("response_id"), ":user=", F("user_id"))``.
    """
    pieces = [Value(part) if isinstance(part, str) else Cast(part, models.TextField()) for part in parts]
    return queryset.annotate(_reminder_key=Concat(*pieces, output_field=models.TextField())).exclude(
        Exists(OutgoingEmail.objects.filter(key=OuterRef("_reminder_key")))
    )
