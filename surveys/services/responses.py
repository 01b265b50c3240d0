"""Answering a campaign: the organisation step, the plain steps, interests, purchases, challenges,
consent, and the submission with its confirmation.

Every function here is a whole change: it runs in one transaction, bumps the response's revision
when answers change, and queues its e-mails in the outbox so that they leave after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from surveys.deadlines import deadline_for, is_open_for
from surveys.models import (
    AreaChallenge,
    AreaInterest,
    Campaign,
    Organisation,
    PlannedPurchase,
    Respondent,
    Response,
    ResponseStatus,
)
from surveys.services.eligibility import assess_response


class SurveyClosed(Exception):
    """The deadline that applies to this response has passed: nothing is saved."""


class OrganisationAlreadyAnswering(Exception):
    """Another person of the same organisation has started this campaign's response already."""

    def __init__(self, response: Response) -> None:
        super().__init__(str(response))
        self.response = response


def response_for(user: User | AnonymousUser, campaign: Campaign) -> Response | None:
    """The response `user` works on in `campaign`, if any (None for anonymous people)."""
    if not user.is_authenticated:
        return None
    # Through the person's one Respondent row for the campaign (a unique index), not a join that scans
    # the campaign's responses.
    respondent = (
        Respondent.objects.select_related("response__organisation")
        .filter(user=user, campaign=campaign)
        .first()
    )
    if respondent is None:
        return None
    response = respondent.response
    response.campaign = campaign
    return response


def _ensure_open(response: Response | None, campaign: Campaign) -> None:
    if not is_open_for(campaign, response):
        raise SurveyClosed()


def _touch(response: Response, step: str, **values: Any) -> None:
    """Record that answers changed: a new revision, and the step marked as done (in the same UPDATE as the
    response's own `values` changed by the step, if any)."""
    steps = response.steps_done if step in response.steps_done else [*response.steps_done, step]
    Response.objects.filter(pk=response.pk).update(**values, revision=F("revision") + 1, steps_done=steps,
                                                   updated_at=timezone.now())
    response.refresh_from_db(fields=["revision", "steps_done", "updated_at"])


def _store_assessment(response: Response) -> None:
    """Keep the rules' outcome on the response, unless the secretariat has decided (its decision stands)."""
    if response.eligibility_decided:
        return
    outcome = assess_response(response).outcome
    # Conditional, so that a decision taken meanwhile in another transaction is not overwritten.
    if Response.objects.filter(pk=response.pk, eligibility_decided=False).update(eligibility=outcome):
        response.eligibility = outcome


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
    _store_assessment(response)
    _touch(response, "organisation")
    return response


@transaction.atomic
def save_answers(response: Response, *, step: str, values: Mapping[str, Any]) -> None:
    """Save the plain fields of a step (contact, recommendations, interview, consent) on the response."""
    _ensure_open(response, response.campaign)
    _touch(response, step, **values)


@transaction.atomic
def save_interests(response: Response, *, levels: Mapping[int, int], other: str) -> None:
    """Replace the response's interest levels (area id -> level > 0) and its free-text suggestion."""
    _ensure_open(response, response.campaign)
    AreaInterest.objects.filter(response=response).exclude(area_id__in=levels).delete()
    for area_id, level in levels.items():
        AreaInterest.objects.update_or_create(response=response, area_id=area_id, defaults={"level": level})
    # Challenges written for an area no longer chosen are kept: a respondent may switch back.
    _touch(response, "interests", other_area_interest=other)


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
    _touch(response, "challenges", general_challenges=general)


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
    _store_assessment(response)
    from surveys.questionnaire.services import forget_hidden_answers
    from surveys.selectors import answers_of  # the copy of the answers, as the review page shows them

    forget_hidden_answers(response)  # the questionnaire may have changed since the last page was saved

    answers = answers_of(response)
    for respondent in response.respondents.select_related("user"):
        queue_email(
            key=f"confirmation:response={response.pk}:revision={revision}:user={respondent.user_id}",
            to=respondent.user.email,
            template="response_submitted",
            context={"response": response, "answers": answers, "first_time": first_time,
                     "deadline": deadline_for(campaign, response), "zone": campaign.time_zone,
                     "survey_url": settings.SITE_URL + reverse("survey_review", args=[campaign.slug])},
            language=translation.get_language(), interactive=True,
        )
    return True
