"""What changes interviews, and what it sends.

Every function is one transaction and queues its e-mails in the outbox (bigbuyers.outbox), so they
leave after the commit, once. Both sides of an interview (the response's respondents and the
interviewer) get a calendar invitation with every change: REQUEST for a new or moved interview,
CANCEL for a cancelled one, with the same UID and a higher SEQUENCE (groups/ics.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone

from bigbuyers.models import OutgoingEmail, User
from bigbuyers.outbox import queue_email
from bigbuyers.time_zones import zone_for_country
from groups import ics
from groups.interview_assignment import Candidate, OpenSlot, assign
from groups.models import Interview, InterviewSlot, InterviewSource, InterviewStatus
from groups.selectors.interviews import (
    BOOKING_CLOSES_BEFORE,
    current_interview,
    invitable_responses,
    open_slots,
    respondents_of,
)
from surveys.models import Campaign, Respondent, Response

BOOKING_SALT = "groups.interview-booking"


class SlotTaken(Exception):
    """Someone else booked the slot first."""


class SlotUnavailable(Exception):
    """The slot cannot be booked: it belongs to another campaign or starts too soon."""


# --- The booking link -------------------------------------------------------------------------------

def booking_token(response: Response) -> str:
    """A signed token that opens `response`'s booking page without signing in (django.core.signing)."""
    return signing.dumps(response.pk, salt=BOOKING_SALT)


def response_for_token(token: str) -> Response | None:
    """The response a booking token names, or None if the token is forged or older than the link's lifetime."""
    try:
        pk = signing.loads(token, salt=BOOKING_SALT, max_age=dt.timedelta(days=settings.INTERVIEW_LINK_MAX_AGE_DAYS))
    except signing.BadSignature:
        return None
    return Response.objects.select_related("campaign", "organisation").filter(pk=pk).first()


def booking_url(response: Response) -> str:
    return settings.SITE_URL + reverse("interview_booking", args=[booking_token(response)])


def default_zone(response: Response) -> str:
    """The zone the respondent most likely lives in: their organisation's country's, else the campaign's."""
    return zone_for_country(response.organisation.country.code or "", response.campaign.time_zone)


# --- Invitations to book ----------------------------------------------------------------------------

@transaction.atomic
def invite_to_book(campaign: Campaign) -> int:
    """E-mail each willing respondent of `campaign` who has no interview yet a link to book one.

    A person is invited once per campaign and response, however often this runs (the outbox key), so
    the secretariat can run it again after opening more slots or after more responses came in.
    Returns how many invitations were queued now.
    """
    prefix = f"interview-invitation:campaign={campaign.pk}:"
    # Known keys are skipped before rendering, so that a second run costs a query, not a render per person.
    sent = set(OutgoingEmail.objects.filter(key__startswith=prefix).values_list("key", flat=True))
    queued = 0
    responses = invitable_responses(campaign).prefetch_related(
        Prefetch("respondents", queryset=Respondent.objects.filter(user__is_active=True).select_related("user"))
    )
    for response in responses.iterator(chunk_size=500):
        for respondent in response.respondents.all():
            key = f"{prefix}response={response.pk}:user={respondent.user_id}"
            if key in sent:
                continue
            email = queue_email(key=key, to=respondent.user.email, template="interview_invitation",
                                context={"campaign": campaign, "response": response, "url": booking_url(response)})
            queued += email is not None
    return queued


# --- Booking, moving, cancelling --------------------------------------------------------------------

def book_interview(
    response: Response, *, slot: InterviewSlot, zone: str | None = None,
    source: str = InterviewSource.RESPONDENT, now: dt.datetime | None = None,
) -> Interview:
    """Book `slot` for `response`, or move the response's booked interview there; both sides get an invitation.

    Booking the slot the response already holds changes nothing (a double click). Raises SlotTaken when
    another response holds the slot (the database's unique constraint decides between two people who
    press at the same moment) and SlotUnavailable for a slot of another campaign or one starting too soon.
    `zone` is the respondent's time zone for their e-mails (default: their country's).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One change at a time per response: a double click or a staff action at the same moment waits.
        Response.objects.select_for_update().filter(pk=response.pk).values_list("pk").get()
        slot = InterviewSlot.objects.select_related("campaign", "interviewer").get(pk=slot.pk)
        if slot.campaign_id != response.campaign_id or slot.starts_at < now + BOOKING_CLOSES_BEFORE:
            raise SlotUnavailable()
        current = current_interview(response)
        if current is not None:
            if current.slot_id == slot.pk:
                return current
            return _move(current, slot, zone=zone, now=now, interactive=source == InterviewSource.RESPONDENT)
        try:
            with transaction.atomic():
                Interview.objects.create(
                    response=response, slot=slot, source=source, time_zone=zone or default_zone(response),
                    scheduled_at=now,
                )
        except IntegrityError:
            raise SlotTaken() from None
        interview = current_interview(response)
        assert interview is not None
        # The respondent waits for this one at the screen; automatic assignment sends a batch.
        _send_calendar(interview, method=ics.REQUEST, to_interviewer=slot.interviewer, now=now,
                       interactive=source == InterviewSource.RESPONDENT)
        return interview


def reschedule_interview(interview: Interview, *, slot: InterviewSlot, now: dt.datetime | None = None) -> Interview:
    """Move a booked interview to `slot` (the secretariat's action); see book_interview for what is sent and raised."""
    return book_interview(interview.response, slot=slot, zone=interview.time_zone, source=interview.source, now=now)


def _move(interview: Interview, slot: InterviewSlot, *, zone: str | None, now: dt.datetime,
          interactive: bool) -> Interview:
    previous_interviewer = interview.slot.interviewer
    try:
        with transaction.atomic():
            Interview.objects.filter(pk=interview.pk, status=InterviewStatus.BOOKED).update(
                slot=slot, sequence=F("sequence") + 1, scheduled_at=now, time_zone=zone or interview.time_zone,
            )
    except IntegrityError:
        raise SlotTaken() from None
    moved = current_interview(interview.response)
    assert moved is not None  # locked above: nothing else changed it
    if previous_interviewer.pk != slot.interviewer_id:
        # The first interviewer's calendar must drop the event; the new one gets it.
        _send_calendar(moved, method=ics.CANCEL, to_interviewer=previous_interviewer, to_respondents=False,
                       now=now)
    _send_calendar(moved, method=ics.REQUEST, to_interviewer=slot.interviewer, moved=True, now=now,
                   interactive=interactive)
    return moved


@transaction.atomic
def cancel_interview(interview: Interview, *, now: dt.datetime | None = None) -> bool:
    """Cancel a booked interview and free its slot; both sides get a cancellation (METHOD:CANCEL).

    Returns False, sending nothing, when it was cancelled already.
    """
    now = now or timezone.now()
    cancelled = Interview.objects.filter(pk=interview.pk, status=InterviewStatus.BOOKED).update(
        status=InterviewStatus.CANCELLED, cancelled_at=now, sequence=F("sequence") + 1,
    )
    if not cancelled:
        return False
    interview = Interview.objects.select_related("slot__interviewer", "slot__campaign", "response__organisation",
                                                 "response__campaign").get(pk=interview.pk)
    _send_calendar(interview, method=ics.CANCEL, to_interviewer=interview.slot.interviewer, now=now, interactive=True)
    return True


def _send_calendar(
    interview: Interview, *, method: str, to_interviewer: User | None, to_respondents: bool = True,
    moved: bool = False, now: dt.datetime, interactive: bool = False,
) -> None:
    """Queue the calendar message of the interview's current SEQUENCE to its people (one key per person)."""
    respondents = [r.user for r in respondents_of(interview.response)]
    interviewer = interview.slot.interviewer
    attendees = [(u.email, u.full_name) for u in [*respondents, interviewer]]
    attachment = ics.attachment(ics.interview_calendar(interview, method=method, attendees=attendees, now=now),
                                method=method)
    template = "interview_booked" if method == ics.REQUEST else "interview_cancelled"
    recipients: list[tuple[User, bool]] = [(u, False) for u in respondents] if to_respondents else []
    if to_interviewer is not None:
        recipients.append((to_interviewer, True))
    for user, is_interviewer in recipients:
        queue_email(
            key=f"interview:{interview.pk}:seq={interview.sequence}:{method.lower()}:user={user.pk}",
            to=user.email, template=template, attachments=[attachment], interactive=interactive,
            context=interview_email_context(interview, for_interviewer=is_interviewer, moved=moved),
        )


def interview_email_context(interview: Interview, *, for_interviewer: bool, moved: bool = False) -> dict[str, Any]:
    """What the interview e-mails show: the time in the reader's zone and the campaign's, how, and a link."""
    campaign = interview.slot.campaign
    zone = campaign.time_zone if for_interviewer else interview.time_zone
    if for_interviewer:
        url = settings.SITE_URL + reverse("admin:groups_interview_change", args=[interview.pk])
    else:
        url = booking_url(interview.response)
    return {
        "interview": interview, "slot": interview.slot, "campaign": campaign,
        "organisation": interview.response.organisation, "response": interview.response,
        "for_interviewer": for_interviewer, "moved": moved, "zone": zone, "campaign_zone": campaign.time_zone,
        "url": url,
    }


# --- Automatic assignment ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AssignmentReport:
    candidates: int  # willing respondents without an interview who stated their availability
    open_slots: int
    assigned: list[Interview]


def assign_interviews(campaign: Campaign, *, now: dt.datetime | None = None) -> AssignmentReport:
    """Book open slots for willing respondents without an interview, as many as their availability allows.

    The assignment is a maximum bipartite matching (groups/interview_assignment.py) of the respondents'
    stated half-days (in their country's zone) and preferred mode against the open slots. Each booking
    is its own transaction and sends its invitations; a slot a respondent booked meanwhile is skipped.
    """
    now = now or timezone.now()
    responses = {r.pk: r for r in invitable_responses(campaign).exclude(interview_availability=[])}
    slots = {s.pk: s for s in open_slots(campaign, now=now)}
    candidates = [
        Candidate(id=r.pk, availability=frozenset(r.interview_availability), zone=default_zone(r), mode=r.interview_mode)
        for r in responses.values()
    ]
    plain_slots = [OpenSlot(id=s.pk, starts_at=s.starts_at, interviewer_id=s.interviewer_id, mode=s.mode)
                   for s in slots.values()]
    assigned = []
    for response_id, slot_id in sorted(assign(candidates, plain_slots).items()):
        try:
            assigned.append(book_interview(responses[response_id], slot=slots[slot_id],
                                           source=InterviewSource.ASSIGNMENT, now=now))
        except (SlotTaken, SlotUnavailable):
            continue
    return AssignmentReport(candidates=len(candidates), open_slots=len(slots), assigned=assigned)


# --- Opening slots ----------------------------------------------------------------------------------

def series_starts(
    *, first_day: dt.date, last_day: dt.date, weekdays: Iterable[int], day_start: dt.time, day_end: dt.time,
    duration: int, pause: int, zone: str,
) -> list[dt.datetime]:
    """The start times of a series of slots: on `weekdays` (0 = Monday) from `first_day` to `last_day`,
    back to back from `day_start` with `pause` minutes between, each ending by `day_end`, wall-clock times
    of `zone` (so a series across a daylight-saving change keeps its local hours)."""
    tz = ZoneInfo(zone)
    days = set(weekdays)
    starts: list[dt.datetime] = []
    day = first_day
    while day <= last_day:
        if day.weekday() in days:
            start = dt.datetime.combine(day, day_start)
            end_of_day = dt.datetime.combine(day, day_end)
            while start + dt.timedelta(minutes=duration) <= end_of_day:
                starts.append(start.replace(tzinfo=tz))
                start += dt.timedelta(minutes=duration + pause)
        day += dt.timedelta(days=1)
    return starts


@transaction.atomic
def create_slot_series(
    campaign: Campaign, *, interviewer: User, starts: Iterable[dt.datetime], duration: int, mode: str,
    video_link: str = "",
) -> tuple[list[InterviewSlot], int]:
    """Open a slot at each of `starts`, skipping those that overlap one of the interviewer's existing slots.

    Returns the slots created and how many were skipped. Sends nothing.
    """
    starts = sorted(starts)
    if not starts:
        return [], 0
    length = dt.timedelta(minutes=duration)
    existing = [
        (s.starts_at, s.ends_at)
        for s in InterviewSlot.objects.filter(
            interviewer=interviewer, starts_at__lt=starts[-1] + length, starts_at__gt=starts[0] - dt.timedelta(hours=4)
        )
    ]
    created: list[InterviewSlot] = []
    skipped = 0
    for start in starts:
        end = start + length
        if any(other_start < end and start < other_end for other_start, other_end in existing):
            skipped += 1
            continue
        created.append(InterviewSlot(campaign=campaign, interviewer=interviewer, starts_at=start, duration=duration,
                                     mode=mode, video_link=video_link))
        existing.append((start, end))
    return InterviewSlot.objects.bulk_create(created), skipped
