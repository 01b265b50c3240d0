"""Reminder sources of the groups app (see bigbuyers/reminders.py for the mechanism).

``interview_reminders``: before each booked interview. ``offer_reminders``: group offers not answered.
Both are named in settings.REMINDER_SOURCES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import F, Prefetch

from bigbuyers.reminders import Reminder, exclude_queued
from groups.models import GroupOffer, GroupStatus, Interview, InterviewStatus, MatchingRun, OfferStatus
from groups.services.formation import offer_url
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
                language=user.language or settings.LANGUAGE_CODE,
                context=interview_email_context(interview, for_interviewer=is_interviewer),
            )


def offer_reminders(now: dt.datetime) -> Iterator[Reminder]:
    """One reminder to each respondent of a body with offers unanswered ``OFFER_REMINDER_DAYS`` after publishing.

    Due from that moment while an offer of the body is still pending and open (its group not established,
    its answer date not passed). One per published run, body and person, whatever the number of offers: the
    key has no date, since the offers' date cannot move. A body that answered every offer gets none.
    """
    lead = dt.timedelta(days=settings.OFFER_REMINDER_DAYS)
    pending = GroupOffer.objects.filter(status=OfferStatus.PENDING, group__status=GroupStatus.PROPOSED,
                                        created_at__lte=now - lead, expires_at__gt=now)
    runs = MatchingRun.objects.filter(published_at__isnull=False, working_groups__offers__in=pending).distinct()
    for run in runs.select_related("campaign").order_by("pk"):
        run_pending = pending.filter(group__run=run)
        prefix = f"offer-reminder:run={run.pk}:response="
        respondents = exclude_queued(
            Respondent.objects.filter(user__is_active=True, response__in=run_pending.values("response_id")),
            prefix, F("response_id"), ":user=", F("user_id"),
        )
        respondents = respondents.select_related("user", "response__organisation").prefetch_related(
            Prefetch("response__group_offers", to_attr="pending_offers",
                     queryset=run_pending.select_related("group__area").order_by("group__area__position", "pk")))
        for respondent in respondents.order_by("pk").iterator(chunk_size=500):
            offers = respondent.response.pending_offers
            if not offers:
                continue
            yield Reminder(
                key=f"{prefix}{respondent.response_id}:user={respondent.user_id}", to=respondent.user.email,
                language=respondent.user.language or settings.LANGUAGE_CODE,
                template="group_offer_reminder", due_at=min(o.created_at for o in offers) + lead,
                context={"campaign": run.campaign, "organisation": respondent.response.organisation,
                         "offers": offers, "url": offer_url(respondent.response, respondent.user),
                         "expires_at": min(o.expires_at for o in offers), "zone": run.campaign.time_zone},
            )
