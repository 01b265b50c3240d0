"""What changes survey data, and what it sends.

Every function here is a whole change: it runs in one transaction, bumps the response's revision
when answers change, and queues its e-mails in the outbox so that they leave after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from sesame.utils import get_query_string

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from surveys import eligibility
from surveys.deadlines import deadline_for, is_open_for
from surveys.models import (
    AccessRequest,
    AreaChallenge,
    AreaInterest,
    Campaign,
    DeadlineChange,
    LateRequest,
    Organisation,
    PlannedPurchase,
    RequestStatus,
    Respondent,
    Response,
    ResponseStatus,
)


class SurveyClosed(Exception):
    """The deadline that applies to this response has passed: nothing is saved."""


class OrganisationAlreadyAnswering(Exception):
    """Another person of the same organisation has started this campaign's response already."""

    def __init__(self, response: Response) -> None:
        super().__init__(str(response))
        self.response = response


def signin_url(user: User, next_path: str) -> str:
    """An absolute, single-use sign-in link that lands on `next_path`."""
    return f"{settings.SITE_URL}{reverse('signin_link')}{get_query_string(user)}&{urlencode({'next': next_path})}"


def request_signin_link(*, email: str, next_path: str) -> None:
    """Send a single-use sign-in link to `email`, creating the person's account on first use.

    The caller shows the same answer whatever happens here, so the page does not tell whether an
    address is known.
    """
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(email)
        if not user.is_active:
            return
        queue_email(
            # One link per request: a new request is a new message, never a duplicate of the last one.
            key=f"signin:user={user.pk}:{timezone.now().timestamp()}",
            to=user.email,
            template="signin_link",
            context={"url": signin_url(user, next_path), "hours": settings.SESAME_MAX_AGE // 3600},
            language=translation.get_language(),
        )


def response_for(user: User, campaign: Campaign) -> Response | None:
    """The response `user` works on in `campaign`, if any."""
    if not user.is_authenticated:
        return None
    return (
        Response.objects.select_related("organisation", "campaign")
        .filter(campaign=campaign, respondents__user=user)
        .first()
    )


def _ensure_open(response: Response | None, campaign: Campaign) -> None:
    if not is_open_for(campaign, response):
        raise SurveyClosed()


def _touch(response: Response, step: str) -> None:
    """Record that answers changed: a new revision, and the step marked as done."""
    steps = response.steps_done if step in response.steps_done else [*response.steps_done, step]
    Response.objects.filter(pk=response.pk).update(revision=F("revision") + 1, steps_done=steps, updated_at=timezone.now())
    response.refresh_from_db(fields=["revision", "steps_done", "updated_at"])


def assess_response(response: Response) -> eligibility.Assessment:
    """Eligibility of the response's organisation under its campaign's policy (pure rules)."""
    organisation = response.organisation
    return eligibility.assess(
        eligibility.Applicant(
            country=organisation.country.code or "",
            body_type=organisation.body_type,
            general_interest=organisation.general_interest or None,
            legal_personality=organisation.legal_personality or None,
            publicly_controlled=organisation.publicly_controlled or None,
        ),
        policy_of(response.campaign),
    )


def policy_of(campaign: Campaign) -> eligibility.EligibilityPolicy:
    return eligibility.EligibilityPolicy(
        eligible_groups=frozenset(campaign.eligible_country_groups),
        reimbursed_groups=frozenset(campaign.reimbursed_country_groups),
    )


@transaction.atomic
def save_organisation(*, user: User, campaign: Campaign, response: Response | None, data: Mapping[str, Any]) -> Response:
    """Create or update the organisation step, starting the response on first save.

    Raises OrganisationAlreadyAnswering when a colleague's response exists for the same organisation
    (same name, case-insensitive, and country), and SurveyClosed after the deadline.
    """
    _ensure_open(response, campaign)
    fields = {k: data.get(k) or "" for k in ("body_type", "general_interest", "legal_personality",
                                               "publicly_controlled", "size", "purchasing_volume", "website")}
    if response is None:
        organisation = Organisation.objects.filter(name__iexact=data["name"], country=data["country"]).first()
        if organisation is None:
            organisation = Organisation.objects.create(name=data["name"], country=data["country"], **fields)
        else:
            existing = Response.objects.filter(campaign=campaign, organisation=organisation).first()
            if existing is not None:
                raise OrganisationAlreadyAnswering(existing)
            Organisation.objects.filter(pk=organisation.pk).update(**fields)
        try:
            with transaction.atomic():
                response = Response.objects.create(campaign=campaign, organisation=organisation)
                Respondent.objects.create(response=response, user=user, campaign=campaign, is_owner=True)
        except IntegrityError:
            # A colleague started the same organisation's response at the same moment.
            raise OrganisationAlreadyAnswering(
                Response.objects.get(campaign=campaign, organisation=organisation)
            ) from None
    else:
        organisation = response.organisation
        clash = (
            Organisation.objects.filter(name__iexact=data["name"], country=data["country"])
            .exclude(pk=organisation.pk).first()
        )
        if clash is not None and Response.objects.filter(campaign=campaign, organisation=clash).exists():
            raise OrganisationAlreadyAnswering(Response.objects.get(campaign=campaign, organisation=clash))
        if clash is None:
            Organisation.objects.filter(pk=organisation.pk).update(name=data["name"], country=data["country"], **fields)
        else:
            # The respondent renamed the organisation into one known already (with no response here).
            Response.objects.filter(pk=response.pk).update(organisation=clash)
            Organisation.objects.filter(pk=clash.pk).update(**fields)
    response = Response.objects.select_related("organisation", "campaign").get(pk=response.pk)
    response.eligibility = assess_response(response).outcome
    Response.objects.filter(pk=response.pk).update(eligibility=response.eligibility)
    _touch(response, "organisation")
    return response


@transaction.atomic
def save_answers(response: Response, *, step: str, values: Mapping[str, Any]) -> None:
    """Save the plain fields of a step (contact, recommendations, interview, consent) on the response."""
    _ensure_open(response, response.campaign)
    Response.objects.filter(pk=response.pk).update(**values)
    _touch(response, step)


@transaction.atomic
def save_interests(response: Response, *, levels: Mapping[int, int], other: str) -> None:
    """Replace the response's interest levels (area id -> level > 0) and its free-text suggestion."""
    _ensure_open(response, response.campaign)
    AreaInterest.objects.filter(response=response).exclude(area_id__in=levels).delete()
    for area_id, level in levels.items():
        AreaInterest.objects.update_or_create(response=response, area_id=area_id, defaults={"level": level})
    # Challenges written for an area no longer chosen are kept: a respondent may switch back.
    Response.objects.filter(pk=response.pk).update(other_area_interest=other)
    _touch(response, "interests")


@transaction.atomic
def save_purchases(response: Response, *, rows: Iterable[Mapping[str, Any]]) -> None:
    """Replace the planned purchases with `rows` (description, area, cpv_code, expected_timing)."""
    _ensure_open(response, response.campaign)
    PlannedPurchase.objects.filter(response=response).delete()
    PlannedPurchase.objects.bulk_create(
        PlannedPurchase(
            response=response, position=position, description=row["description"], area=row.get("area"),
            cpv_code=row.get("cpv_code", ""), expected_timing=row.get("expected_timing", ""),
        )
        for position, row in enumerate(rows)
    )
    _touch(response, "purchases")


@transaction.atomic
def save_challenges(response: Response, *, texts: Mapping[int, str], general: str) -> None:
    """Save the challenges per area (empty text removes it) and the general challenges."""
    _ensure_open(response, response.campaign)
    for area_id, text in texts.items():
        if text:
            AreaChallenge.objects.update_or_create(response=response, area_id=area_id, defaults={"text": text})
        else:
            AreaChallenge.objects.filter(response=response, area_id=area_id).delete()
    Response.objects.filter(pk=response.pk).update(general_challenges=general)
    _touch(response, "challenges")


def save_consent(response: Response, *, keep_informed: bool) -> None:
    """Record consent to the current privacy notice version."""
    save_answers(
        response, step="consent",
        values={"consent_version": settings.PRIVACY_NOTICE_VERSION, "consent_at": timezone.now(),
                "keep_informed": keep_informed},
    )


@transaction.atomic
def submit_response(response: Response, *, revision: int) -> bool:
    """Submit the answers as they were at `revision` and send the confirmation with a copy.

    Returns False when that revision was submitted already (a double click, a replayed form): then
    nothing changes and nothing is sent. Raises SurveyClosed after the deadline.
    """
    campaign = response.campaign
    _ensure_open(response, campaign)
    now = timezone.now()
    first_time = response.submitted_at is None
    changed = (
        Response.objects.filter(pk=response.pk, revision=revision)
        .exclude(status=ResponseStatus.SUBMITTED, submitted_revision=revision)
        .update(status=ResponseStatus.SUBMITTED, submitted_revision=revision,
                submitted_at=now if first_time else F("submitted_at"), updated_at=now)
    )
    if not changed:
        return False
    response = Response.objects.select_related("organisation", "campaign").get(pk=response.pk)
    response.eligibility = assess_response(response).outcome
    Response.objects.filter(pk=response.pk).update(eligibility=response.eligibility)
    from surveys.selectors import answers_of  # the copy of the answers, as the review page shows them

    answers = answers_of(response)
    for respondent in response.respondents.select_related("user"):
        queue_email(
            key=f"confirmation:response={response.pk}:revision={revision}:user={respondent.user_id}",
            to=respondent.user.email,
            template="response_submitted",
            context={"response": response, "answers": answers, "first_time": first_time,
                     "deadline": deadline_for(campaign, response), "zone": campaign.time_zone,
                     "survey_url": settings.SITE_URL + reverse("survey_review", args=[campaign.slug])},
            language=translation.get_language(),
        )
    return True


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
def request_access(response: Response, *, user: User, message: str) -> AccessRequest:
    """Ask the people working on `response` to let `user` work on it too; they get an e-mail."""
    access_request, created = AccessRequest.objects.get_or_create(
        response=response, requester=user, status=RequestStatus.PENDING, defaults={"message": message}
    )
    if created:
        url = settings.SITE_URL + reverse("survey_colleagues", args=[response.campaign.slug])
        for respondent in response.respondents.select_related("user"):
            queue_email(
                key=f"access-request:{access_request.pk}:user={respondent.user_id}",
                to=respondent.user.email,
                template="access_requested",
                context={"access_request": access_request, "response": response, "url": url},
            )
    return access_request


@transaction.atomic
def decide_access_request(access_request: AccessRequest, *, accept: bool) -> None:
    """Accept (the requester becomes a respondent) or decline a colleague's request; tell them."""
    updated = AccessRequest.objects.filter(pk=access_request.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED, decided_at=timezone.now()
    )
    if not updated:
        return
    response = access_request.response
    if accept:
        # A person answers for one organisation per campaign: an earlier, empty start of their own goes.
        Respondent.objects.filter(user=access_request.requester, campaign=response.campaign).delete()
        Respondent.objects.create(response=response, user=access_request.requester, campaign=response.campaign)
    queue_email(
        key=f"access-decided:{access_request.pk}",
        to=access_request.requester.email,
        template="access_decided",
        context={"accepted": accept, "response": response,
                 "url": settings.SITE_URL + reverse("survey_start", args=[response.campaign.slug])},
    )


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
