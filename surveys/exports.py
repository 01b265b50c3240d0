"""The export of survey responses: one row per response, every answer, one column per area.

Rows are read 2,000 at a time (``.iterator(chunk_size=...)``, as tuples) and the related rows of each
chunk (interests, challenges, planned purchases and the labels of their CPV codes, respondents, late
requests, the answers to the campaign's own questions and their ticked choices) in one query each, so that
50,000 responses leave in constant memory and a fixed number of queries per chunk. Registered with
bigbuyers.exports in SurveysConfig.ready(); the download view checks ``surveys.export_responses``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from bigbuyers.exports import BadExportFilters, ExportKind, ExportTable
from surveys.cpv.selectors import code_and_label, labels_for
from surveys.eligibility import Answer, BodyType, Outcome
from surveys.forms import AVAILABILITY_CHOICES
from surveys.models import (
    AreaChallenge,
    AreaInterest,
    Campaign,
    InterestLevel,
    LateRequest,
    PlannedPurchase,
    PurchasingVolume,
    Respondent,
    Response,
    ResponseStatus,
    Size,
    ThematicArea,
)
from surveys.questionnaire.export_columns import Column, answers_of_chunk, custom_columns

CHUNK = 2000


def _labels(choices: Any) -> dict[Any, str]:
    return {value: str(label) for value, label in choices}


def response_header(areas: Sequence[ThematicArea], *, several_campaigns: bool = False) -> list[str]:
    """The column names: the response, its organisation, contact, one column per area's interest and
    challenges, the other answers, interview and consent."""

    def area_name(area: ThematicArea) -> str:
        return f"{area.name} ({area.campaign.slug})" if several_campaigns else area.name

    return [
        _("Response"), _("Campaign"), _("Status"), _("Started at"), _("Last changed at"), _("First submitted at"),
        _("Personal deadline"), _("Eligibility"), _("Eligibility decided by the secretariat"),
        _("Organisation"), _("Country"), _("Country name"), _("Type of body"),
        _("General interest, not industrial or commercial"), _("Legal personality"), _("Publicly controlled"),
        _("Number of staff"), _("Yearly purchasing volume"), _("Website"),
        _("Contact person"), _("Job title"), _("Telephone"), _("Respondents' e-mail addresses"),
        *[_("Interest: %(area)s") % {"area": area_name(a)} for a in areas],
        _("Another area of interest"),
        _("Planned purchases"), _("Number of planned purchases"),
        *[_("Challenges: %(area)s") % {"area": area_name(a)} for a in areas],
        _("Other challenges and unmet needs"), _("Recommendations"),
        _("Willing to be interviewed"), _("Interview by"), _("Availability"), _("Availability notes"),
        _("Privacy notice version agreed"), _("Consent given at"), _("Wants news about the initiative"),
        _("Late expression of interest"), _("Late expression of interest: decision"),
    ]


RESPONSE_COLUMNS = (
    "pk", "campaign_id", "status", "created_at", "updated_at", "submitted_at", "personal_deadline", "eligibility",
    "eligibility_decided", "organisation__name", "organisation__country", "organisation__body_type",
    "organisation__general_interest", "organisation__legal_personality", "organisation__publicly_controlled",
    "organisation__size", "organisation__purchasing_volume", "organisation__website", "contact_name", "contact_role",
    "contact_phone", "steps_done", "other_area_interest", "general_challenges", "recommendations", "interview_willing",
    "interview_mode", "interview_availability", "interview_notes", "consent_version", "consent_at", "keep_informed",
)


def _related(model: type[Any], base: QuerySet[Response], chunk: list[Any], *fields: str,
             order: tuple[str, ...] = ()) -> QuerySet[Any, tuple[Any, ...]]:
    """`model`'s rows (as tuples of `fields`) for the responses of `chunk`: one query.

    The chunk's responses are consecutive in primary-key order, so a range on ``response_id`` (an index
    scan) joined to the export's own filter selects them, without sending 2,000 ids as parameters.
    """
    return (model.objects.filter(response_id__gte=chunk[0].pk, response_id__lte=chunk[-1].pk,
                                 response__in=base.order_by().values("pk"))
            .order_by(*order).values_list(*fields))


def response_rows(queryset: QuerySet[Response], areas: Sequence[ThematicArea],
                  custom: Sequence[Column] = ()) -> Iterator[list[Any]]:
    """One list of cells per response of `queryset`, in the order of :func:`response_header`, then the
    `custom` questions' columns.

    Reads plain tuples (values_list), not model instances, and translates every label once: 50,000 rows
    make both count.
    """
    statuses, outcomes = _labels(ResponseStatus.choices), _labels(Outcome.choices)
    body_types, answers = _labels(BodyType.choices), _labels(Answer.choices)
    sizes, volumes = _labels(Size.choices), _labels(PurchasingVolume.choices)
    levels, availability = _labels(InterestLevel.choices), _labels(AVAILABILITY_CHOICES)
    modes = {"video": _("Video call"), "phone": _("Telephone")}
    late_statuses = _labels(LateRequest._meta.get_field("status").choices)
    yes_no = {True: _("Yes"), False: _("No"), None: ""}
    campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in=queryset.order_by().values("campaign_id"))}
    zones = {pk: c.zone for pk, c in campaigns.items()}
    country_names: dict[str, str] = {}
    area_ids = [a.pk for a in areas]
    area_names = {a.pk: a.name for a in areas}

    def local(moment: Any, campaign_id: int) -> str:
        return moment.astimezone(zones[campaign_id]).isoformat(timespec="minutes") if moment else ""

    responses = queryset.order_by("pk").values_list(*RESPONSE_COLUMNS, named=True).iterator(chunk_size=CHUNK)
    while chunk := list(islice(responses, CHUNK)):
        interests: dict[int, dict[int, int]] = defaultdict(dict)
        for response_id, area_id, level in _related(AreaInterest, queryset, chunk, "response_id", "area_id", "level"):
            interests[response_id][area_id] = level
        challenges: dict[int, dict[int, str]] = defaultdict(dict)
        for response_id, area_id, text in _related(AreaChallenge, queryset, chunk, "response_id", "area_id", "text"):
            challenges[response_id][area_id] = text
        purchases: dict[int, list[str]] = defaultdict(list)
        planned = list(_related(PlannedPurchase, queryset, chunk, "response_id", "description", "area_id", "cpv_code",
                                "expected_timing", order=("response_id", "position", "pk")))
        cpv_labels = labels_for(row[3] for row in planned)  # one query per chunk
        for response_id, description, area_id, cpv, timing in planned:
            details = [area_names.get(area_id, ""), cpv and f"CPV {code_and_label(cpv, cpv_labels.get(cpv))}", timing]
            purchases[response_id].append(" | ".join([description, *filter(None, details)]))
        emails: dict[int, list[str]] = defaultdict(list)
        for response_id, email in _related(Respondent, queryset, chunk, "response_id", "user__email",
                                           order=("response_id", "-is_owner", "user__email")):
            emails[response_id].append(email)
        late = {response_id: (motivation, status) for response_id, motivation, status in
                _related(LateRequest, queryset, chunk, "response_id", "motivation", "status")}
        custom_answers = answers_of_chunk(queryset, chunk[0].pk, chunk[-1].pk) if custom else {}
        for r in chunk:
            # Levels only mean "not interested" once the respondent went through the interests step.
            none = levels[InterestLevel.NONE] if "interests" in r.steps_done else ""
            code = r.organisation__country
            if code not in country_names:
                country_names[code] = str(countries.name(code) or code)
            chosen, texts, listed = interests.get(r.pk, {}), challenges.get(r.pk, {}), purchases.get(r.pk, [])
            motivation, late_status = late.get(r.pk, ("", ""))
            yield [
                r.pk, campaigns[r.campaign_id].slug, statuses.get(r.status, r.status), local(r.created_at, r.campaign_id),
                local(r.updated_at, r.campaign_id), local(r.submitted_at, r.campaign_id),
                local(r.personal_deadline, r.campaign_id), outcomes.get(r.eligibility, r.eligibility),
                yes_no[r.eligibility_decided], r.organisation__name, code, country_names[code],
                body_types.get(r.organisation__body_type, r.organisation__body_type),
                answers.get(r.organisation__general_interest, ""), answers.get(r.organisation__legal_personality, ""),
                answers.get(r.organisation__publicly_controlled, ""), sizes.get(r.organisation__size, ""),
                volumes.get(r.organisation__purchasing_volume, ""), r.organisation__website,
                r.contact_name, r.contact_role, r.contact_phone, ", ".join(emails.get(r.pk, [])),
                *[levels[chosen[a]] if a in chosen else none for a in area_ids],
                r.other_area_interest, "\n".join(listed), len(listed),
                *[texts.get(a, "") for a in area_ids],
                r.general_challenges, r.recommendations,
                yes_no[r.interview_willing], modes.get(r.interview_mode, r.interview_mode),
                ", ".join(availability.get(slot, slot) for slot in r.interview_availability), r.interview_notes,
                r.consent_version, local(r.consent_at, r.campaign_id), yes_no[r.keep_informed],
                motivation, late_statuses.get(late_status, late_status),
                *[column.cell(custom_answers.get(r.pk, {})) for column in custom],
            ]


def responses_table(queryset: QuerySet[Response], *, title: str, filename: str,
                    filters: Mapping[str, Any]) -> ExportTable:
    """The export of `queryset`; its columns are the areas of the campaigns it covers."""
    areas = list(ThematicArea.objects.filter(campaign__in=queryset.order_by().values("campaign_id"))
                 .select_related("campaign").order_by("campaign__opens_at", "campaign_id", "position", "pk"))
    campaign_ids = list(Campaign.objects.filter(pk__in=queryset.order_by().values("campaign_id"))
                        .order_by("opens_at", "pk").values_list("pk", flat=True))
    several = len(campaign_ids) > 1
    custom = custom_columns(campaign_ids, areas, several_campaigns=several)
    return ExportTable(title=title, filename=filename,
                       header=[*response_header(areas, several_campaigns=several), *(c.header for c in custom)],
                       rows=response_rows(queryset, areas, custom), filters=dict(filters))


def campaign_responses_table(filters: Mapping[str, str]) -> ExportTable:
    """``?campaign=<id>[&status=draft|submitted][&eligibility=<outcome>]``: a campaign's responses."""
    campaign_id = filters.get("campaign", "")
    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id.isdigit() else None
    if campaign is None:
        raise BadExportFilters(_("Choose a campaign."))
    queryset = Response.objects.filter(campaign=campaign)
    chosen: dict[str, Any] = {"campaign": campaign.pk}
    status = filters.get("status", "")
    if status:
        if status not in ResponseStatus.values:
            raise BadExportFilters(_("Unknown status."))
        queryset, chosen["status"] = queryset.filter(status=status), status
    outcome = filters.get("eligibility", "")
    if outcome:
        if outcome not in Outcome.values:
            raise BadExportFilters(_("Unknown eligibility outcome."))
        queryset, chosen["eligibility"] = queryset.filter(eligibility=outcome), outcome
    described = ", ".join(str(v) for k, v in chosen.items() if k != "campaign")
    title = _("Responses to %(campaign)s") % {"campaign": campaign.name} + (f" ({described})" if described else "")
    filename = "-".join(["responses", campaign.slug, *[str(v) for k, v in chosen.items() if k != "campaign"],
                         timezone.localdate().isoformat()])
    return responses_table(queryset, title=title, filename=filename, filters=chosen)


EXPORT = ExportKind(name="responses", title=gettext_lazy("Survey responses"), permission="surveys.export_responses",
                    table=campaign_responses_table)
