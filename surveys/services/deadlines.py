"""Deadlines: extending a campaign's deadline, a respondent's personal deadline, and late expressions of
interest (sent after the deadline, decided by the secretariat)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from surveys.models import Campaign, DeadlineChange, LateRequest, RequestStatus, Respondent, Response, ResponseStatus


@transaction.atomic
def extend_deadline(campaign: Campaign, *, new_deadline: dt.datetime, by: User, reason: str) -> DeadlineChange:
    """Move the campaign's deadline later, keep the change in its history, and tell every draft."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if new_deadline <= campaign.deadline:
        raise ValueError("An extension must move the deadline later.")
    change = DeadlineChange.objects.create(
        campaign=campaign, previous_deadline=campaign.deadline, new_deadline=new_deadline, reason=reason, changed_by=by
    )
    Campaign.objects.filter(pk=campaign.pk).update(deadline=new_deadline)
    campaign.deadline = new_deadline
    drafts = Respondent.objects.filter(response__campaign=campaign, response__status=ResponseStatus.DRAFT).select_related("user")
    for respondent in drafts:
        queue_email(
            key=f"deadline-extended:change={change.pk}:user={respondent.user_id}",
            to=respondent.user.email,
            template="deadline_extended",
            context={"campaign": campaign, "deadline": new_deadline, "zone": campaign.time_zone,
                     "survey_url": settings.SITE_URL + reverse("survey_start", args=[campaign.slug])},
        )
    return change


def extend_personal_deadline(response: Response, *, until: dt.datetime) -> None:
    """Give one respondent until `until` (only ever later than the campaign's deadline)."""
    Response.objects.filter(pk=response.pk).update(personal_deadline=until)


@transaction.atomic
def give_more_time(responses: QuerySet[Response], *, now: dt.datetime | None = None) -> int:
    """Give the respondents of `responses` LATE_ADMISSION_DAYS more days, as an accepted late request does:
    each personal deadline moves that long past the latest of the campaign's deadline, the response's own
    personal deadline and now. Returns how many responses got it; sends nothing."""
    now = now or timezone.now()
    more = dt.timedelta(days=settings.LATE_ADMISSION_DAYS)
    count = 0
    for response in responses.select_related("campaign"):
        deadline = response.campaign.deadline
        extend_personal_deadline(response, until=max(deadline, response.personal_deadline or deadline, now) + more)
        count += 1
    return count


@transaction.atomic
def send_late_request(response: Response, *, motivation: str) -> LateRequest:
    """Record a late expression of interest (after the deadline) for the secretariat to decide."""
    late, _created = LateRequest.objects.update_or_create(
        response=response, defaults={"motivation": motivation, "status": RequestStatus.PENDING}
    )
    queue_email(
        key=f"late-request:{late.pk}:{timezone.now().timestamp()}",
        to=settings.SECRETARIAT_EMAIL,
        template="late_request_received",
        context={"late": late, "response": response},
    )
    return late


@transaction.atomic
def decide_late_request(late: LateRequest, *, accept: bool, by: User, note: str = "") -> None:
    """Accept (the respondent gets a personal deadline) or decline a late expression of interest."""
    updated = LateRequest.objects.filter(pk=late.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED,
        decided_by=by, decided_at=timezone.now(), decision_note=note,
    )
    if not updated:
        return
    response = late.response
    until = None
    if accept:
        until = timezone.now() + dt.timedelta(days=settings.LATE_ADMISSION_DAYS)
        extend_personal_deadline(response, until=until)
    for respondent in response.respondents.select_related("user"):
        queue_email(
            key=f"late-decided:{late.pk}:user={respondent.user_id}",
            to=respondent.user.email,
            template="late_request_decided",
            context={"accepted": accept, "response": response, "until": until, "note": note,
                     "zone": response.campaign.time_zone,
                     "url": settings.SITE_URL + reverse("survey_start", args=[response.campaign.slug])},
        )
