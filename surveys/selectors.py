"""Reads of survey data, shaped for pages and e-mails, with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django_countries import countries

from surveys.country_groups import coverage, membership
from surveys.cpv.selectors import label_of
from surveys.models import (
    AreaChallenge,
    AreaInterest,
    Campaign,
    PlannedPurchase,
    PolicyChange,
    Response,
    ResponseStatus,
    ThematicArea,
)
from surveys.questionnaire.models import Answer
from surveys.questionnaire.structure import Questionnaire, questionnaire_of
from surveys.sections import Section, sections_of

__all__ = ["Section", "answers_of", "with_answers"]


def published_campaigns() -> QuerySet[Campaign]:
    """Campaigns shown to the public, the newest first."""
    return Campaign.objects.filter(is_published=True, opens_at__lte=timezone.now()).order_by("-deadline")


def home_campaigns() -> tuple[list[Campaign], list[Campaign]]:
    """The published campaigns still open (soonest deadline first) and the closed ones (the latest first), each
    closed one with the number of bodies that submitted answers (one query)."""
    now = timezone.now()
    campaigns = published_campaigns().annotate(
        bodies=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED)))
    listed: list[Campaign] = list(campaigns)
    open_ = sorted((c for c in listed if c.deadline > now), key=lambda c: c.deadline)
    closed = [c for c in listed if c.deadline <= now]
    return open_, closed


@dataclass
class CountryCoverage:
    """The countries whose bodies may answer a campaign, for its page, in the viewer's language."""

    groups: list[str]  # "EU-27", "EEA"…
    countries: list[str]  # their countries' names, sorted as the language sorts them
    left_out: list[str]  # a sentence for each country of the other groups that the campaign does not cover


def country_coverage(campaign: Campaign) -> CountryCoverage:
    """Which country groups and countries `campaign` covers, and which European ones it leaves out (no query)."""
    covered = coverage(campaign.eligible_country_groups or [])
    names = [(code, str(name)) for code, name in countries]  # sorted in the active language
    return CountryCoverage(
        groups=[str(group.label) for group in covered.groups],
        countries=[name for code, name in names if code in covered.codes],
        left_out=[str(membership(code, name)) for code, name in names if code in covered.left_out],
    )


def areas_of(campaign: Campaign) -> list[ThematicArea]:
    return list(campaign.areas.all())


def interested_areas(response: Response, areas: list[ThematicArea]) -> list[ThematicArea]:
    """The campaign's areas in which the response expressed an interest, in the campaign's order."""
    chosen = set(AreaInterest.objects.filter(response=response).values_list("area_id", flat=True))
    return [a for a in areas if a.pk in chosen]


def _answers_read() -> tuple[Prefetch, ...]:
    """What answers_of reads of a response besides its organisation and campaign (new Prefetch objects each time:
    Django may change them as it reads)."""
    return (
        Prefetch("interests", queryset=AreaInterest.objects.select_related("area").order_by("area__position")),
        Prefetch("purchases", queryset=PlannedPurchase.objects.select_related("area").annotate(cpv_label=label_of())),
        Prefetch("challenges", queryset=AreaChallenge.objects.select_related("area").order_by("area__position")),
        Prefetch("custom_answers", queryset=Answer.objects.prefetch_related("choices")),
    )


def with_answers(responses: QuerySet[Response]) -> QuerySet[Response]:
    """`responses` with everything answers_of reads (six queries for any number of responses)."""
    return responses.select_related("organisation", "campaign").prefetch_related(*_answers_read())


def answers_of(response: Response, *, fetched: bool = False, loaded: bool = False,
               questionnaire: Questionnaire | None = None) -> list[Section]:
    """Every answer of `response`, readable, page by page in the order of its campaign's questionnaire.

    Reads the response again with with_answers, unless `fetched` says it comes from there, or `loaded` says it
    was read with its organisation and campaign (the survey's pages: its answers are then read onto it, five
    queries). Reads the questionnaire unless given (several responses of several campaigns share
    questionnaires_of's three queries).
    """
    if loaded:
        prefetch_related_objects([response], *_answers_read())
    elif not fetched:
        response = with_answers(Response.objects.all()).get(pk=response.pk)
    questionnaire = questionnaire or questionnaire_of(response.campaign_id)
    return sections_of(response, questionnaire)


def policy_change_counts(change: PolicyChange) -> tuple[int, int]:
    """How many responses `change` gave another outcome, and how many of its campaign's responses keep the
    secretariat's decision whatever the policy (two queries)."""
    kept = Response.objects.filter(campaign_id=change.campaign_id, eligibility_decided=True).count()
    return change.eligibility_changes.count(), kept
