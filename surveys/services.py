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
from django.utils.translation import gettext_lazy as _
from sesame.utils import get_query_string

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from surveys import eligibility
from surveys.country_groups import COUNTRY_GROUPS
from surveys.deadlines import deadline_for, is_open_for
from surveys.eligibility import Outcome
from surveys.models import (
    AccessRequest,
    AreaChallenge,
    AreaInterest,
    Campaign,
    DeadlineChange,
    EligibilityChange,
    EligibilityDecision,
    LateRequest,
    Organisation,
    PlannedPurchase,
    PolicyChange,
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


_DECIDED_REASONS = {
    Outcome.ELIGIBLE: _("The secretariat has checked your organisation: it can take part in this campaign."),
    Outcome.NOT_ELIGIBLE: _(
        "The secretariat has checked your organisation: it cannot join the groups of this campaign. "
        "Write to the secretariat if you would like to know more."
    ),
}


def eligibility_of(response: Response) -> eligibility.Assessment:
    """What the respondent is told: the secretariat's decision when there is one, otherwise the rules' assessment.

    The secretariat's written reason is kept for the record and is not shown to the respondent.
    """
    if not response.eligibility_decided:
        return assess_response(response)
    outcome = Outcome(response.eligibility)
    return eligibility.Assessment(
        outcome=outcome,
        reasons=(_DECIDED_REASONS[outcome],),
        travel_reimbursed=outcome == Outcome.ELIGIBLE
        and eligibility.travel_reimbursement(response.organisation.country.code, policy_of(response.campaign)),
        observer_offer=outcome == Outcome.NOT_ELIGIBLE,
    )


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
            language=translation.get_language(),
        )
    return True


@transaction.atomic
def decide_eligibility(response: Response, *, outcome: str, reason: str, by: User) -> EligibilityDecision:
    """Record the secretariat's decision on a response's eligibility and apply it; sends nothing.

    A decision is eligible or not eligible, with a written reason; it is kept with who took it, when, and
    the outcome it replaced (rows are never edited: together they are the response's history).

    The rule: a staff decision stands over the automatic assessment. Once a response is decided
    (``Response.eligibility_decided``), the re-evaluations (saving the organisation step, submitting,
    a change of the campaign's policy) leave its outcome alone; only another decision changes it, and
    that one is kept too. Raises ValueError for another outcome or a blank reason.
    """
    outcome = Outcome(outcome)
    if outcome not in (Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE):
        raise ValueError("A decision is eligible or not eligible.")
    reason = reason.strip()
    if not reason:
        raise ValueError("A decision needs a written reason.")
    locked = Response.objects.select_for_update().only("pk", "eligibility").get(pk=response.pk)
    decision = EligibilityDecision.objects.create(
        response=locked, previous_outcome=locked.eligibility, outcome=outcome, reason=reason, decided_by=by
    )
    Response.objects.filter(pk=response.pk).update(eligibility=outcome, eligibility_decided=True)
    response.eligibility, response.eligibility_decided = outcome, True
    return decision


def _in_display_order(keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    return [key for key in COUNTRY_GROUPS if key in keys]


@transaction.atomic
def change_policy(
    campaign: Campaign, *, eligible_groups: Iterable[str], reimbursed_groups: Iterable[str], by: User
) -> PolicyChange | None:
    """Set the campaign's country policy, keep the change in its history, and re-evaluate its responses.

    The responses whose outcome changes are recorded on the returned PolicyChange (see
    ``reassess_campaign``). Returns None, changing nothing, when the policy is the same. Sends nothing.
    Raises ValueError for an unknown country group.
    """
    policy = eligibility.EligibilityPolicy(eligible_groups=frozenset(eligible_groups),
                                           reimbursed_groups=frozenset(reimbursed_groups))
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    previous = policy_of(locked)
    if policy == previous:
        return None
    eligible, reimbursed = _in_display_order(policy.eligible_groups), _in_display_order(policy.reimbursed_groups)
    change = PolicyChange.objects.create(
        campaign=locked, changed_by=by,
        previous_eligible_groups=_in_display_order(previous.eligible_groups), eligible_groups=eligible,
        previous_reimbursed_groups=_in_display_order(previous.reimbursed_groups), reimbursed_groups=reimbursed,
    )
    Campaign.objects.filter(pk=campaign.pk).update(eligible_country_groups=eligible, reimbursed_country_groups=reimbursed)
    campaign.eligible_country_groups, campaign.reimbursed_country_groups = eligible, reimbursed
    reassess_campaign(campaign, policy_change=change)
    return change


@transaction.atomic
def reassess_campaign(campaign: Campaign, *, policy_change: PolicyChange) -> list[EligibilityChange]:
    """Re-evaluate the campaign's responses under its stored policy; keep and return those whose outcome changed.

    Each changed response gets its new outcome and an EligibilityChange row of ``policy_change``. Responses
    the secretariat decided are left alone (its decision stands, see ``decide_eligibility``). A fixed number
    of queries whatever the number of responses: one read, one update per outcome, the inserts in batches.
    """
    policy = policy_of(Campaign.objects.get(pk=campaign.pk))
    rows = (
        Response.objects.filter(campaign_id=campaign.pk, eligibility_decided=False)
        .select_for_update(of=("self",))
        .values_list("pk", "eligibility", "organisation__country", "organisation__body_type",
                     "organisation__general_interest", "organisation__legal_personality",
                     "organisation__publicly_controlled")
    )
    outcomes: dict[tuple[str, ...], Outcome] = {}  # bodies repeat: assess each kind of body once
    changed: dict[Outcome, list[int]] = {}
    changes: list[EligibilityChange] = []
    for pk, previous, *facts in rows:
        key = tuple(facts)
        if key not in outcomes:
            country, body_type, general_interest, legal_personality, publicly_controlled = facts
            outcomes[key] = eligibility.assess(
                eligibility.Applicant(country=country or "", body_type=body_type,
                                      general_interest=general_interest or None,
                                      legal_personality=legal_personality or None,
                                      publicly_controlled=publicly_controlled or None),
                policy,
            ).outcome
        outcome = outcomes[key]
        if outcome != previous:
            changed.setdefault(outcome, []).append(pk)
            changes.append(EligibilityChange(policy_change=policy_change, response_id=pk,
                                             previous_outcome=previous, outcome=outcome))
    for outcome, pks in changed.items():
        Response.objects.filter(pk__in=pks).update(eligibility=outcome)
    return EligibilityChange.objects.bulk_create(changes, batch_size=2000)


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
