"""Periodic work of the communities: the daily digest of what is new (scheduled in bigbuyers/celery.py).

Event reminders are a source of the one reminder mechanism (communities/reminders.py).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from communities.models import Community, Membership, Notify
from communities.services.discussions import send_digest


@shared_task(name="communities.send_daily_digests")
def send_daily_digests(*, day: str | None = None) -> int:
    """E-mail yesterday's news (or `day`'s, ISO date) to members who chose a digest; returns how many were queued.

    Idempotent: each member's digest of a day has its own outbox key, so a second run sends nothing.
    """
    when = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    community_ids = Membership.objects.filter(notify=Notify.DAILY).values("community_id").distinct()
    return sum(send_digest(community, day=when) for community in Community.objects.filter(pk__in=community_ids))
