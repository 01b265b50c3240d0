"""Work of the groups app whose task never reached Redis (or whose worker died), found again and queued.

Run every few minutes by ``groups.requeue_stranded_work`` (beat). Queuing twice is harmless: the solve
claims its run by a conditional update, and the offers' e-mails have unique outbox keys.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from groups.models import MatchingRun, RunStatus
from groups.services import formation
from surveys.models import Respondent

log = logging.getLogger(__name__)

# How long a queued run or a published run's e-mails may wait for their task before being queued again.
PICKUP_DELAY = dt.timedelta(minutes=2)


def requeue_stranded_runs(*, now: dt.datetime | None = None) -> int:
    """Queue again the runs queued for longer than PICKUP_DELAY that no worker started, and restart those
    whose worker died (queued or running for longer than their time limit plus ``formation.STALE_RUN``).
    Returns how many runs were queued."""
    now = now or timezone.now()
    queued = 0
    waiting = MatchingRun.objects.filter(
        Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING), queued_at__lt=now - PICKUP_DELAY)
    for run in waiting.order_by("queued_at"):
        if formation.queue_run(run, now=now):  # stale: restarted (its task is queued after the commit)
            log.warning("Matching run %s was stale (its worker died?); it was queued again", run.pk)
            queued += 1
        elif run.status == RunStatus.QUEUED:
            formation.enqueue_solve(run.pk)  # its message may never have reached Redis
            queued += 1
    return queued


def requeue_offer_emails(*, now: dt.datetime | None = None) -> int:
    """Queue the e-mails of published runs (offers still open) none of whose e-mails reached the outbox:
    their task was never queued. Returns how many runs were queued."""
    now = now or timezone.now()
    published = MatchingRun.objects.filter(
        published_at__lt=now - PICKUP_DELAY, published_at__gt=now - dt.timedelta(days=settings.OFFER_ANSWER_DAYS))
    queued = 0
    for run_id in published.values_list("pk", flat=True):
        # The first placed body's first respondent gets the first e-mail (formation.send_offer_emails).
        first = (Respondent.objects.filter(response__group_offers__group__run_id=run_id, user__is_active=True)
                 .order_by("response_id", "pk").values_list("response_id", "user_id").first())
        if first is None:
            continue
        key = f"group-offer:run={run_id}:response={first[0]}:user={first[1]}"
        if not OutgoingEmail.objects.filter(key=key).exists():
            formation.enqueue_offer_emails(run_id)
            queued += 1
    return queued
