"""Reads of interview data for pages, e-mails and the assignment, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from groups.models import Interview, InterviewSlot, InterviewStatus
from surveys.eligibility import Outcome
from surveys.models import Campaign, Respondent, Response, ResponseStatus

# A slot can be booked, or a booking moved into it, until this long before it starts.
BOOKING_CLOSES_BEFORE = dt.timedelta(hours=2)


def _booked() -> QuerySet[Interview]:
    return Interview.objects.filter(status=InterviewStatus.BOOKED)


def open_slots(campaign: Campaign, *, now: dt.datetime | None = None) -> QuerySet[InterviewSlot]:
    """The campaign's slots nobody has booked that can still be booked, earliest first."""
    now = now or timezone.now()
    return (
        InterviewSlot.objects.filter(campaign=campaign, starts_at__gte=now + BOOKING_CLOSES_BEFORE)
        .exclude(Exists(_booked().filter(slot=OuterRef("pk"))))
        .select_related("interviewer", "campaign")
        .order_by("starts_at", "pk")
    )


def current_interview(response: Response) -> Interview | None:
    """The response's booked interview, with its slot, interviewer and campaign; None if it has none."""
    return (
        _booked().filter(response=response)
        .select_related("slot__interviewer", "slot__campaign", "response__organisation", "response__campaign")
        .first()
    )


def invitable_responses(campaign: Campaign) -> QuerySet[Response]:
    """Submitted responses that said yes to an interview, are not ineligible, and have no interview booked."""
    return (
        Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED, interview_willing=True)
        .exclude(eligibility=Outcome.NOT_ELIGIBLE)
        .exclude(Exists(_booked().filter(response=OuterRef("pk"))))
        .select_related("organisation", "campaign")
    )


def respondents_of(response: Response) -> list[Respondent]:
    """The people who answer for `response` and can still receive e-mail."""
    return list(response.respondents.filter(user__is_active=True).select_related("user").order_by("pk"))
