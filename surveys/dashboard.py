"""A campaign's figures for the secretariat: the dashboard's sections and the report's, from every app.

Sections
    A page is a list of :class:`Section`; a section holds tables of counts (:class:`Table`), each of
    which the page shows as a chart and as the table itself (the chart is the picture, the table is what
    a screen reader reads and what can be copied). A cell may link to the admin's filtered list behind
    its figure.

Providers
    Each app registers, in its AppConfig.ready(), the functions that build its sections from a campaign
    (``register_dashboard_section``, ``register_report_section``), as bigbuyers/privacy.py does for
    personal data. The surveys app owns the pages (they hang from the campaign in the admin) and knows
    nothing of the groups app, which adds interviews, offers, observers and the chosen groups by
    registering: data keeps flowing one way (surveys -> groups -> communities).

Queries
    A provider aggregates in the database (``values()`` + ``annotate(Count(...))``) and makes a fixed
    number of queries whatever the number of responses; the tests count them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.db.models import Count, DateField, Q
from django.db.models.functions import Trunc
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_countries import countries

from bigbuyers import exports
from surveys.eligibility import Outcome
from surveys.models import Campaign, InterestLevel, Response, ResponseStatus, ThematicArea


@dataclass(frozen=True)
class Cell:
    value: int
    url: str | None = None  # the admin list behind the figure


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass
class Table:
    """Counts with a label per row and one column per series; shown as a chart and a table."""

    key: str
    title: str
    label_heading: str
    columns: tuple[str, ...]
    rows: list[Row]
    chart: str | None = "bars"  # "bars": a horizontal bar per row and series; "columns": a time series; None
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.rows


class Link(NamedTuple):
    """A link under a section: an admin list, or an export (shown only to those with the export's permission)."""

    label: str
    url: str
    permission: str = ""


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # lists, exports
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) shown as a definition list
    note: str = ""


@dataclass(frozen=True)
class SectionProvider:
    name: str
    order: int  # where the section goes on the page, smallest first
    build: Callable[[Campaign], Section | None]


_dashboard: dict[str, SectionProvider] = {}
_report: dict[str, SectionProvider] = {}


def register_dashboard_section(provider: SectionProvider) -> None:
    _dashboard[provider.name] = provider


def register_report_section(provider: SectionProvider) -> None:
    _report[provider.name] = provider


def _build(providers: dict[str, SectionProvider], campaign: Campaign) -> list[Section]:
    built = (provider.build(campaign) for provider in sorted(providers.values(), key=lambda p: (p.order, p.name)))
    return [section for section in built if section is not None]


def dashboard_sections(campaign: Campaign) -> list[Section]:
    """Every registered dashboard section of `campaign`, in order."""
    return _build(_dashboard, campaign)


def report_sections(campaign: Campaign) -> list[Section]:
    """Every registered section of `campaign`'s needs-assessment report, in order."""
    return _build(_report, campaign)


def changelist_url(model: str, **params: Any) -> str | None:
    """The admin list of `model` ("app_model") filtered by `params`, or None if that list does not exist."""
    try:
        url = reverse(f"admin:{model}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


def export_url(kind: str, fmt: str, **params: Any) -> str:
    """The download of a registered export (bigbuyers/exports.py) with its filters."""
    return reverse("admin:bigbuyers_exportrecord_download", args=[kind, fmt]) + "?" + urlencode(params)


def export_link(label: str, kind: str, fmt: str, **params: Any) -> Link:
    """A link to download a registered export, which only staff with the export's permission are shown."""
    registered = exports.get_kind(kind)
    return Link(label, export_url(kind, fmt, **params), registered.permission if registered else "")


def for_user(sections: list[Section], user: Any) -> list[Section]:
    """`sections` with only the links `user` may follow: an export without its permission would answer 403."""
    for section in sections:
        section.links = [link for link in section.links if not link.permission or user.has_perm(link.permission)]
    return sections


# --- The surveys app's sections --------------------------------------------------------------------------


def _responses_url(campaign: Campaign, **params: Any) -> str | None:
    return changelist_url("surveys_response", campaign__id__exact=campaign.pk, **params)


def _periods(campaign: Campaign) -> str:
    """Days for a campaign of up to two months, weeks for a longer one (a chart stays readable)."""
    return "day" if campaign.deadline - campaign.opens_at <= dt.timedelta(days=62) else "week"


def _period_bounds(start: dt.date, kind: str, campaign: Campaign) -> tuple[str, str]:
    end = start + dt.timedelta(days=1 if kind == "day" else 7)
    zone = campaign.zone
    return (dt.datetime.combine(start, dt.time(), zone).isoformat(), dt.datetime.combine(end, dt.time(), zone).isoformat())


def _over_time(campaign: Campaign) -> Table:
    """Responses started and first submitted per day (or week), in the campaign's time zone: two queries."""
    kind, zone = _periods(campaign), campaign.zone
    responses = Response.objects.filter(campaign=campaign).order_by()

    def per_period(field_name: str, **filters: Any) -> dict[dt.date, int]:
        period = Trunc(field_name, kind, output_field=DateField(), tzinfo=zone)
        return dict(responses.filter(**filters).annotate(period=period).values("period")
                    .annotate(n=Count("pk")).values_list("period", "n"))

    started = per_period("created_at")
    submitted = per_period("submitted_at", status=ResponseStatus.SUBMITTED, submitted_at__isnull=False)
    rows = []
    if started or submitted:
        first, last = min([*started, *submitted]), max([*started, *submitted])
        step = dt.timedelta(days=1 if kind == "day" else 7)
        day = first
        while day <= last:
            since, until = _period_bounds(day, kind, campaign)
            rows.append(Row(day.isoformat() if kind == "day" else _("week of %(day)s") % {"day": day.isoformat()}, (
                Cell(started.get(day, 0), _responses_url(campaign, created_at__gte=since, created_at__lt=until)),
                Cell(submitted.get(day, 0), _responses_url(campaign, status__exact=ResponseStatus.SUBMITTED,
                                                           submitted_at__gte=since, submitted_at__lt=until)),
            )))
            day += step
    return Table("over_time", _("Responses started and submitted over time"),
                 _("Day") if kind == "day" else _("Week"), (_("Started"), _("First submitted")), rows, chart="columns",
                 note=_("Days in the campaign's time zone (%(zone)s); a response counts on the day it was first "
                        "submitted.") % {"zone": campaign.time_zone})


def _by_country(campaign: Campaign) -> Table:
    counts = (Response.objects.filter(campaign=campaign).order_by().values("organisation__country")
              .annotate(started=Count("pk"), submitted=Count("pk", filter=Q(status=ResponseStatus.SUBMITTED)))
              .order_by("-started", "organisation__country"))
    rows = [Row(f"{countries.name(c['organisation__country']) or c['organisation__country']} ({c['organisation__country']})", (
        Cell(c["started"], _responses_url(campaign, country=c["organisation__country"])),
        Cell(c["submitted"], _responses_url(campaign, country=c["organisation__country"],
                                            status__exact=ResponseStatus.SUBMITTED)),
    )) for c in counts]
    return Table("by_country", _("Responses by country"), _("Country"),
                 (_("Started"), pgettext("responses, counted", "Submitted")), rows)


def responses_section(campaign: Campaign) -> Section:
    """Responses started, drafts, submitted, over time and by country (four queries)."""
    totals = Response.objects.filter(campaign=campaign).aggregate(
        started=Count("pk"), drafts=Count("pk", filter=Q(status=ResponseStatus.DRAFT)),
        submitted=Count("pk", filter=Q(status=ResponseStatus.SUBMITTED)),
        other_area=Count("pk", filter=Q(status=ResponseStatus.SUBMITTED) & ~Q(other_area_interest="")),
    )
    overview = Table("responses", _("Responses"), _("Responses"), (_("Number"),), [
        Row(_("Started"), (Cell(totals["started"], _responses_url(campaign)),)),
        Row(_("Drafts"), (Cell(totals["drafts"], _responses_url(campaign, status__exact=ResponseStatus.DRAFT)),)),
        Row(pgettext("responses, counted", "Submitted"), (Cell(totals["submitted"],
                                  _responses_url(campaign, status__exact=ResponseStatus.SUBMITTED)),)),
    ])
    submitted = {"campaign": campaign.pk, "status": ResponseStatus.SUBMITTED}
    return Section("responses", _("Responses"), [overview, _over_time(campaign), _by_country(campaign)], links=[
        export_link(_("Export the submitted responses (XLSX)"), "responses", "xlsx", **submitted),
        export_link(_("Export the submitted responses (CSV)"), "responses", "csv", **submitted),
        export_link(_("Export every response, drafts included (XLSX)"), "responses", "xlsx", campaign=campaign.pk),
    ], facts=[(_("Submitted responses that describe another area of interest"), str(totals["other_area"]))])


def eligibility_section(campaign: Campaign) -> Section:
    """Responses per eligibility outcome, the review queue and the secretariat's decisions (one query)."""
    counts = Response.objects.filter(campaign=campaign).aggregate(
        **{outcome.value: Count("pk", filter=Q(eligibility=outcome.value)) for outcome in Outcome},
        not_assessed=Count("pk", filter=Q(eligibility="")), decided=Count("pk", filter=Q(eligibility_decided=True)),
    )
    queue = changelist_url("surveys_eligibilityreview", campaign__id__exact=campaign.pk)
    rows = [Row(str(outcome.label), (Cell(counts[outcome.value], queue if outcome == Outcome.NEEDS_REVIEW else
                                          _responses_url(campaign, eligibility__exact=outcome.value)),))
            for outcome in Outcome]
    rows.append(Row(_("Not assessed yet (no organisation given)"),
                    (Cell(counts["not_assessed"], _responses_url(campaign, eligibility__exact="")),)))
    return Section("eligibility", _("Eligibility"), [
        Table("eligibility", _("Eligibility outcomes"), _("Outcome"), (_("Responses"),), rows),
    ], links=[Link(_("Open the review queue (%(count)d waiting)") % {"count": counts[Outcome.NEEDS_REVIEW.value]}, queue,
                   "surveys.view_eligibilityreview")]
        if queue else [], facts=[(_("Outcomes decided by the secretariat"), str(counts["decided"]))])


def interest_section(campaign: Campaign) -> Section:
    """Interest per area among submitted responses: interested, high priority, total (one query)."""
    submitted = Q(interests__response__status=ResponseStatus.SUBMITTED)
    areas = ThematicArea.objects.filter(campaign=campaign).annotate(
        interested=Count("interests", filter=submitted & Q(interests__level=InterestLevel.INTERESTED)),
        high=Count("interests", filter=submitted & Q(interests__level=InterestLevel.HIGH_PRIORITY)),
    ).order_by("position", "pk")
    base = {"status__exact": ResponseStatus.SUBMITTED}
    rows = [Row(area.name, (
        Cell(area.high, _responses_url(campaign, area=f"{area.pk}:{InterestLevel.HIGH_PRIORITY}", **base)),
        Cell(area.interested, _responses_url(campaign, area=f"{area.pk}:{InterestLevel.INTERESTED}", **base)),
        Cell(area.high + area.interested, _responses_url(campaign, area=str(area.pk), **base)),
    )) for area in areas]
    return Section("interest", _("Interest per area"), [
        Table("interest", _("Interest per area (submitted responses)"), _("Area"),
              (_("High priority"), _("Interested"), _("Total")), rows),
    ])


def generated_at(campaign: Campaign) -> str:
    """When the figures were counted, in the campaign's zone and written the reader's way (not ISO in French)."""
    moment = timezone.localtime(timezone.now(), campaign.zone)
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} ({campaign.time_zone})"


SURVEY_DASHBOARD = [
    SectionProvider("responses", 10, responses_section),
    SectionProvider("eligibility", 20, eligibility_section),
    SectionProvider("interest", 30, interest_section),
]
