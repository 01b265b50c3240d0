"""Eligibility: the rules' assessment of a response (surveys/eligibility.py applied to its organisation),
the secretariat's decisions, and a campaign's country policy with the re-evaluation it brings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bigbuyers.models import User
from surveys import eligibility
from surveys.country_groups import COUNTRY_GROUPS
from surveys.eligibility import Outcome
from surveys.models import Campaign, EligibilityChange, EligibilityDecision, PolicyChange, Response


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


POLICY_FIELDS = ("eligible_country_groups", "reimbursed_country_groups")


@transaction.atomic
def save_campaign(campaign: Campaign, *, by: User) -> PolicyChange | None:
    """Save `campaign` as edited in the admin, its country policy apart: a new campaign is saved as it is, an
    existing one keeps its stored policy and a different one goes through change_policy (kept in the history,
    the responses re-evaluated). Returns that PolicyChange, or None when the policy did not change. Sends
    nothing."""
    if campaign._state.adding:
        campaign.save()
        return None
    wanted = {name: getattr(campaign, name) for name in POLICY_FIELDS}
    stored = Campaign.objects.filter(pk=campaign.pk).values(*POLICY_FIELDS).get()
    for name in POLICY_FIELDS:
        setattr(campaign, name, stored[name])
    campaign.save()
    return change_policy(campaign, eligible_groups=wanted["eligible_country_groups"],
                         reimbursed_groups=wanted["reimbursed_country_groups"], by=by)


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
