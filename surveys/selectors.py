"""Reads of survey data, shaped for pages and e-mails, with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries

from surveys.country_groups import coverage, membership
from surveys.cpv.selectors import code_and_label, label_of
from surveys.forms import AVAILABILITY_CHOICES
from surveys.models import (
    AreaChallenge,
    AreaInterest,
    Campaign,
    InterestLevel,
    PlannedPurchase,
    Response,
    ResponseStatus,
    ThematicArea,
)


def published_campaigns() -> QuerySet[Campaign]:
    """Campaigns shown to the public, the newest first."""
    return Campaign.objects.filter(is_published=True, opens_at__lte=timezone.now()).order_by("-deadline")


def home_campaigns() -> tuple[list[Campaign], list[Campaign]]:
    """The published campaigns still open (soonest deadline first) and the closed ones (the latest first), each
    closed one with the number of bodies that submitted answers (one query)."""
    now = timezone.now()
    campaigns = published_campaigns().annotate(
        bodies=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED)))
    listed = list(campaigns)
    open_ = sorted((c for c in listed if c.deadline > now), key=lambda c: c.deadline)
    closed = [c for c in listed if c.deadline <= now]
    return open_, closed


def published_campaign(slug: str, *, with_areas: bool = True) -> Campaign:
    """One published campaign, with its areas prefetched unless told not to; raises Campaign.DoesNotExist."""
    campaigns = published_campaigns()
    return (campaigns.prefetch_related("areas") if with_areas else campaigns).get(slug=slug)


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


@dataclass
class Section:
    """A titled group of question/answer pairs, as the review page and the e-mailed copy show them."""

    step: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


def with_answers(responses: QuerySet[Response]) -> QuerySet[Response]:
    """`responses` with everything answers_of reads (four queries for any number of responses)."""
    return responses.select_related("organisation", "campaign").prefetch_related(
        Prefetch("interests", queryset=AreaInterest.objects.select_related("area").order_by("area__position")),
        Prefetch("purchases", queryset=PlannedPurchase.objects.select_related("area").annotate(cpv_label=label_of())),
        Prefetch("challenges", queryset=AreaChallenge.objects.select_related("area").order_by("area__position")),
    )


def answers_of(response: Response, *, fetched: bool = False) -> list[Section]:
    """Every answer of `response`, readable, in the order of the survey (five queries; none when `fetched`
    says the response comes from with_answers)."""
    if not fetched:
        response = with_answers(Response.objects).get(pk=response.pk)
    org = response.organisation
    none = _("Not answered")
    organisation = Section("organisation", _("Your organisation"), [
        (_("Name"), org.name),
        (_("Country"), str(org.country.name)),
        (_("Type of body"), org.get_body_type_display()),
    ])
    for field_name in ("general_interest", "legal_personality", "publicly_controlled"):
        if getattr(org, field_name):
            organisation.rows.append((capfirst(org._meta.get_field(field_name).verbose_name),
                                      getattr(org, f"get_{field_name}_display")()))
    organisation.rows += [
        (_("Number of staff"), org.get_size_display() or none),
        (_("Yearly purchasing volume"), org.get_purchasing_volume_display() or none),
        (_("Website"), org.website or none),
    ]
    contact = Section("contact", _("Contact person"), [
        (_("Name"), response.contact_name or none),
        (_("Job title"), response.contact_role or none),
        (_("Telephone"), response.contact_phone or none),
    ])
    interests = Section("interests", _("Areas of interest"), [
        (i.area.name, i.get_level_display()) for i in response.interests.all()
    ] or [(_("Areas"), _("None chosen"))])
    if response.other_area_interest:
        interests.rows.append((_("Another area"), response.other_area_interest))
    purchases = Section("purchases", _("Planned purchases"), [
        (p.description, " · ".join(filter(None, [p.area.name if p.area else "", code_and_label(p.cpv_code, p.cpv_label),
                                                 p.expected_timing])) or "—")
        for p in response.purchases.all()
    ] or [(_("Planned purchases"), _("None listed"))])
    challenges = Section("challenges", _("Challenges and unmet needs"), [
        (c.area.name, c.text) for c in response.challenges.all()
    ])
    challenges.rows.append((_("Other challenges"), response.general_challenges or none))
    recommendations = Section("recommendations", _("Recommendations"), [
        (_("Recommendations"), response.recommendations or none)
    ])
    labels = dict(AVAILABILITY_CHOICES)
    willing = {True: _("Yes"), False: _("No"), None: none}[response.interview_willing]
    interview = Section("interview", _("Follow-up interview"), [(_("Willing to be interviewed"), willing)])
    if response.interview_willing:
        interview.rows += [
            (_("Preferred way"), {"video": _("Video call"), "phone": _("Telephone")}.get(response.interview_mode, none)),
            (_("Available"), ", ".join(str(labels.get(slot, slot)) for slot in response.interview_availability) or none),
            (_("Notes"), response.interview_notes or none),
        ]
    consent = Section("consent", _("Consent"), [
        (_("Privacy notice"), _("Agreed (version %(version)s)") % {"version": response.consent_version}
         if response.consent_version else none),
        (_("News about the initiative"), _("Yes") if response.keep_informed else _("No")),
    ])
    return [organisation, contact, interests, purchases, challenges, recommendations, interview, consent]


def interest_level_label(level: int) -> str:
    return str(InterestLevel(level).label)
