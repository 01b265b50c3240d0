"""Reminder source of the surveys app: the deadline is near and the response is still a draft.

See bigbuyers/reminders.py for the mechanism that asks this source and sends what it yields once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from bigbuyers.reminders import Reminder, exclude_queued
from bigbuyers.time_zones import zone_for_country
from surveys.models import Campaign, Respondent, ResponseStatus


def reminder_step(deadline: dt.datetime, days_before: Sequence[int], now: dt.datetime) -> tuple[int, dt.datetime] | None:
    """Which reminder is due at `now` for `deadline`: (days before, due at), or None.

    The reminder of N days is due from N days before the deadline until the next, closer reminder is
    due (or the deadline passes); so a run that comes late still sends it, and never sends an older
    reminder after a newer one.
    """
    offsets = sorted(set(days_before), reverse=True)
    for index, days in enumerate(offsets):
        due_at = deadline - dt.timedelta(days=days)
        until = deadline - dt.timedelta(days=offsets[index + 1]) if index + 1 < len(offsets) else deadline
        if due_at <= now < until:
            return days, due_at
    return None


def _stamp(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def _reminders(respondents: QuerySet[Respondent], *, campaign: Campaign, deadline: dt.datetime, days: int,
               due_at: dt.datetime, now: dt.datetime) -> Iterator[Reminder]:
    prefix = f"deadline-reminder:campaign={campaign.pk}:deadline={_stamp(deadline)}:days={days}:response="
    survey_url = settings.SITE_URL + reverse("survey_start", args=[campaign.slug])
    respondents = exclude_queued(respondents, prefix, F("response_id"), ":user=", F("user_id"))
    for respondent in respondents.select_related("user", "response__organisation").order_by("pk").iterator(2000):
        organisation = respondent.response.organisation
        yield Reminder(
            key=f"{prefix}{respondent.response_id}:user={respondent.user_id}",
            to=respondent.user.email, template="deadline_reminder", due_at=due_at,
            language=respondent.user.language or settings.LANGUAGE_CODE,  # the person's: no look-up per message
            context={"campaign": campaign, "deadline": deadline, "now": now, "organisation": organisation,
                     "zone": zone_for_country(organisation.country.code or "", campaign.time_zone),
                     "campaign_zone": campaign.time_zone, "survey_url": survey_url},
        )


def deadline_reminders(now: dt.datetime) -> Iterator[Reminder]:
    """Remind the respondents of every draft ``DEADLINE_REMINDER_DAYS`` (e.g. 7 and 1) days before their deadline.

    The deadline is the campaign's, or the response's personal one when that is later. The message says
    how long is left and when the survey closes, in the respondent's zone (their country's) and the
    campaign's. The key holds the deadline, so an extension moves the reminders with it: the old ones are
    no longer due, the new ones are. Not sent: to a draft started after the reminder's moment, or when the
    deadline was extended after that moment (the extension's notice has just told everyone).
    """
    offsets = settings.DEADLINE_REMINDER_DAYS
    if not offsets:
        return
    horizon = now + dt.timedelta(days=max(offsets))
    drafts = Respondent.objects.filter(response__status=ResponseStatus.DRAFT, user__is_active=True)

    campaigns = Campaign.objects.filter(opens_at__lte=now, deadline__gt=now, deadline__lte=horizon).order_by("pk")
    for campaign in campaigns:
        step = reminder_step(campaign.deadline, offsets, now)
        if step is None or campaign.deadline_changes.filter(changed_at__gt=step[1]).exists():
            continue
        days, due_at = step
        respondents = drafts.filter(campaign=campaign, response__created_at__lte=due_at).filter(
            Q(response__personal_deadline__isnull=True) | Q(response__personal_deadline__lte=campaign.deadline)
        )
        yield from _reminders(respondents, campaign=campaign, deadline=campaign.deadline, days=days, due_at=due_at,
                              now=now)

    # Personal deadlines later than the campaign's: one extension or accepted late request each, so few rows.
    personal = list(
        drafts.filter(response__personal_deadline__gt=now, response__personal_deadline__lte=horizon,
                      campaign__opens_at__lte=now)
        .filter(response__personal_deadline__gt=F("campaign__deadline"))
        .values_list("response_id", "response__personal_deadline", "response__created_at", "campaign_id")
        .distinct()
    )
    campaigns_by_id = {c.pk: c for c in Campaign.objects.filter(pk__in={row[3] for row in personal})}
    for response_id, deadline, created_at, campaign_id in personal:
        assert deadline is not None  # filtered on personal_deadline above
        step = reminder_step(deadline, offsets, now)
        if step is None or created_at > step[1]:
            continue
        days, due_at = step
        yield from _reminders(drafts.filter(response_id=response_id), campaign=campaigns_by_id[campaign_id],
                              deadline=deadline, days=days, due_at=due_at, now=now)
