"""E-mails the secretariat writes to many people at once (respondents, members), sent exactly once.

The admin action of each app (surveys: responses, communities: memberships) turns the selected rows
into people and calls :func:`prepare_bulk_email`, which fixes the recipients; the preview shows how many
and the message as they will read it; :func:`send_bulk_email` claims the message (a conditional update
of ``sent_at``) and, after the commit, a task queues one outbox message per recipient under the key
``bulk:<id>:<user id>``. A double submit finds the claim taken; a task delivered twice finds the keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from bigbuyers.models import BulkEmail, BulkEmailRecipient, OutgoingEmail, User
from bigbuyers.outbox import queue_email, render_email
from bigbuyers.queueing import enqueue

TEMPLATE = "bulk"
BATCH = 1000
# How long a claimed message may wait for its task before the periodic pick-up queues it again.
PICKUP_DELAY = dt.timedelta(minutes=2)


def bulk_key(bulk_email_id: int, user_id: int) -> str:
    return f"bulk:{bulk_email_id}:{user_id}"


def message_context(bulk_email: BulkEmail) -> dict[str, Any]:
    return {"subject": bulk_email.subject, "body": bulk_email.body}


def render_preview(bulk_email: BulkEmail) -> tuple[str, str, str]:
    """The subject, text and HTML every recipient gets (the message is the same for all)."""
    return render_email(TEMPLATE, message_context(bulk_email))


@transaction.atomic
def prepare_bulk_email(*, subject: str, body: str, people: QuerySet[User], source: str, audience: str,
                       filters: Mapping[str, Any], by: User) -> BulkEmail:
    """Record a message and its recipients: the active people of `people`, each once. Sends nothing."""
    bulk_email = BulkEmail.objects.create(subject=subject, body=body, source=source, audience=audience[:300],
                                          filters=dict(filters), created_by=by)
    user_ids = people.filter(is_active=True).order_by().values_list("pk", flat=True).distinct().iterator(chunk_size=BATCH)
    count = 0
    while batch := list(islice(user_ids, BATCH)):
        BulkEmailRecipient.objects.bulk_create(BulkEmailRecipient(bulk_email=bulk_email, user_id=pk) for pk in batch)
        count += len(batch)
    BulkEmail.objects.filter(pk=bulk_email.pk).update(recipient_count=count)
    bulk_email.recipient_count = count
    return bulk_email


def send_bulk_email(bulk_email: BulkEmail, *, by: User) -> bool:
    """Claim `bulk_email` for sending and queue its messages after the commit; False if it was sent already."""
    with transaction.atomic():
        claimed = BulkEmail.objects.filter(pk=bulk_email.pk, sent_at=None).update(sent_at=timezone.now(), sent_by=by)
        if claimed:
            transaction.on_commit(lambda: _enqueue(bulk_email.pk))
    bulk_email.refresh_from_db(fields=["sent_at", "sent_by"])
    return bool(claimed)


def _enqueue(bulk_email_id: int) -> None:
    from bigbuyers.tasks import queue_bulk_email

    # Broker away: the claimed message waits, and requeue_stranded (bigbuyers.requeue_bulk_emails) queues it.
    enqueue(queue_bulk_email, bulk_email_id=bulk_email_id)


def requeue_stranded(*, now: dt.datetime | None = None) -> int:
    """Queue again the bulk e-mails sent (claimed) more than PICKUP_DELAY ago whose messages never reached
    the outbox (their task was never queued: Redis was away); returns how many.

    Looks at the last week's e-mails only, and checks one outbox key each (the first recipient's, queued
    first): a task that died half-way is redelivered by Celery itself (acks_late).
    """
    now = now or timezone.now()
    stranded = 0
    recent = BulkEmail.objects.filter(sent_at__lt=now - PICKUP_DELAY, sent_at__gt=now - dt.timedelta(days=7),
                                      recipient_count__gt=0)
    for bulk_email_id in recent.values_list("pk", flat=True):
        first = (BulkEmailRecipient.objects.filter(bulk_email_id=bulk_email_id, user__is_active=True)
                 .order_by("pk").values_list("user_id", flat=True).first())
        if first is not None and not OutgoingEmail.objects.filter(key=bulk_key(bulk_email_id, first)).exists():
            stranded += 1
            _enqueue(bulk_email_id)
    return stranded


def queue_messages(bulk_email_id: int) -> int:
    """Put one message per recipient not yet queued in the outbox; returns how many were queued.

    Idempotent: run it again (a redelivered task, a worker that died half-way) and only the missing
    messages are queued.
    """
    bulk_email = BulkEmail.objects.filter(pk=bulk_email_id, sent_at__isnull=False).first()
    if bulk_email is None:
        return 0
    context = message_context(bulk_email)
    queued = 0
    recipients = (BulkEmailRecipient.objects.filter(bulk_email=bulk_email, user__is_active=True)
                  .order_by("pk").values_list("user_id", "user__email", "user__language").iterator(chunk_size=BATCH))
    while batch := list(islice(recipients, BATCH)):
        keys = {user_id: bulk_key(bulk_email.pk, user_id) for user_id, _email, _language in batch}
        known = set(OutgoingEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        with transaction.atomic():
            for user_id, email, language in batch:
                if keys[user_id] not in known and queue_email(key=keys[user_id], to=email, template=TEMPLATE,
                                                               context=context,
                                                               language=language or settings.LANGUAGE_CODE):
                    queued += 1
    return queued
