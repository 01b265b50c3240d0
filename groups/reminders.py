"""Reminder sources of the groups app (see bigbuyers/reminders.py for the mechanism).

Group offers not answered will get their source here too, once offers exist: a function
``offer_reminders(now)`` yielding a Reminder per unanswered offer, named in settings.REMINDER_SOURCES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import F, Prefetch

from bigbuyers.reminders import Reminder
from groups.models import Interview, InterviewStatus
from groups.services.interviews import interview_email_context
from surveys.models import Respondent


def interview_reminders(now: dt.datetime) -> Iterator[Reminder]:
    """A reminder to both sides of each booked interview, ``INTERVIEW_REMINDER_HOURS`` before it starts.

    Due from that moment until the interview starts. An interview booked or moved less than that long
    before it starts gets none (its invitation has just been sent). The key holds the start time, so a
    moved interview is reminded of its new time; a cancelled one is not reminded at all.
    """
    lead = dt.timedelta(hours=settings.INTERVIEW_REMINDER_HOURS)
    interviews = (
        Interview.objects.filter(status=InterviewStatus.BOOKED, slot__starts_at__gt=now,
                                 slot__starts_at__lte=now + lead, scheduled_at__lte=F("slot__starts_at") - lead)
        .select_related("slot__interviewer", "slot__campaign", "response__organisation", "response__campaign")
        .prefetch_related(Prefetch("response__respondents",
                                   queryset=Respondent.objects.filter(user__is_active=True).select_related("user")))
        .order_by("slot__starts_at", "pk")
    )
    for interview in interviews:
        start = interview.slot.starts_at
        prefix = f"interview-reminder:interview={interview.pk}:start={start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
        people = [(r.user, False) for r in interview.response.respondents.all()]
        people.append((interview.slot.interviewer, True))
        for user, is_interviewer in people:
            yield Reminder(
                key=f"{prefix}:user={user.pk}", to=user.email, template="interview_reminder", due_at=start - lead,
                context=interview_email_context(interview, for_interviewer=is_interviewer),
            )
