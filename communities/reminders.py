"""Reminder sources of the communities (see bigbuyers/reminders.py for the one mechanism).

``event_reminders``: the day before each event, to everyone holding a place (not the waiting list).
Named in settings.REMINDER_SOURCES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings

from bigbuyers.reminders import Reminder
from communities.models import Registration, RegistrationStatus
from communities.services.events import event_url


def event_reminders(now: dt.datetime) -> Iterator[Reminder]:
    """A reminder ``EVENT_REMINDER_HOURS`` before an event to each person with a place.

    Due from that moment until the event starts. The key holds the start time, so a moved event is
    reminded of its new time, and a cancelled place or a person still waiting gets nothing. Someone
    promoted from the waiting list within the window is reminded too (the promotion e-mail came first).
    """
    lead = dt.timedelta(hours=settings.EVENT_REMINDER_HOURS)
    registrations = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED, user__is_active=True,
        event__starts_at__gt=now, event__starts_at__lte=now + lead,
    )
    # The window is one day of events, so the mechanism's per-batch check of known keys is cheap enough.
    for registration in registrations.select_related("user", "event__community").order_by("event__starts_at", "pk"):
        event = registration.event
        yield Reminder(
            key=f"event-reminder:registration={registration.pk}:starts={int(event.starts_at.timestamp())}",
            to=registration.user.email, template="community_event_reminder", due_at=event.starts_at - lead,
            language=registration.user.language or settings.LANGUAGE_CODE,
            context={"event": event, "community": event.community, "url": event_url(event)},
        )
