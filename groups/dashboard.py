"""The groups app's sections of a campaign's dashboard and report (registered in GroupsConfig.ready()).

Dashboard: interviews (willing, booked, held...), offers per working group (waiting, accepted,
declined) and the Observer Group. Report: the chosen groups of the published matching run, with how
many bodies and countries committed, and no names. Each builder makes a fixed number of aggregate
queries; see surveys/dashboard.py for the sections' shape.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from groups.models import (
    GroupOffer,
    Interview,
    InterviewOutcome,
    InterviewStatus,
    ObserverSource,
    ObserverSubscription,
    OfferStatus,
    WorkingGroup,
)
from surveys.dashboard import Cell, Row, Section, SectionProvider, Table, changelist_url, export_link
from surveys.models import Campaign, Response, ResponseStatus
from surveys.translation import translated


def interviews_section(campaign: Campaign) -> Section:
    """Respondents willing to be interviewed, interviews booked, held, missed, declined, cancelled (two queries)."""
    willing = Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED, interview_willing=True).count()
    counts = Interview.objects.filter(slot__campaign=campaign).aggregate(
        booked=Count("pk", filter=Q(status=InterviewStatus.BOOKED)),
        held=Count("pk", filter=Q(status=InterviewStatus.BOOKED, outcome=InterviewOutcome.HELD)),
        no_show=Count("pk", filter=Q(status=InterviewStatus.BOOKED, outcome=InterviewOutcome.NO_SHOW)),
        declined=Count("pk", filter=Q(status=InterviewStatus.BOOKED, outcome=InterviewOutcome.DECLINED)),
        cancelled=Count("pk", filter=Q(status=InterviewStatus.CANCELLED)),
    )

    def interviews(**params: str) -> str | None:
        return changelist_url("groups_interview", slot__campaign__id__exact=campaign.pk, **params)

    booked = {"status__exact": InterviewStatus.BOOKED}
    rows = [
        Row(_("Willing to be interviewed (submitted responses)"), (Cell(willing, changelist_url(
            "surveys_response", campaign__id__exact=campaign.pk, status__exact=ResponseStatus.SUBMITTED,
            interview_willing__exact=1)),)),
        Row(_("Booked"), (Cell(counts["booked"], interviews(**booked)),)),
        Row(_("Held"), (Cell(counts["held"], interviews(**booked, outcome__exact=InterviewOutcome.HELD)),)),
        Row(_("The respondent did not come"), (Cell(counts["no_show"], interviews(
            **booked, outcome__exact=InterviewOutcome.NO_SHOW)),)),
        Row(_("The respondent declined"), (Cell(counts["declined"], interviews(
            **booked, outcome__exact=InterviewOutcome.DECLINED)),)),
        Row(pgettext("an interview", "Cancelled"),
            (Cell(counts["cancelled"], interviews(status__exact=InterviewStatus.CANCELLED)),)),
    ]
    return Section("interviews", _("Interviews"), [Table("interviews", _("Follow-up interviews"), _("Interviews"),
                                                         (_("Number"),), rows)], links=[
        export_link(_("Export the interviews (XLSX)"), "interviews", "xlsx", campaign=campaign.pk),
        export_link(_("Export the interviews (CSV)"), "interviews", "csv", campaign=campaign.pk),
    ])


def offers_section(campaign: Campaign) -> Section:
    """Per working group: offers waiting for an answer, accepted, declined (one query)."""
    groups = (GroupOffer.objects.filter(group__campaign=campaign).order_by()
              .values("group_id", "group__area__position", area_name=translated("group__area__name"))
              .annotate(pending=Count("pk", filter=Q(status=OfferStatus.PENDING)),
                        accepted=Count("pk", filter=Q(status=OfferStatus.ACCEPTED)),
                        declined=Count("pk", filter=Q(status=OfferStatus.DECLINED)))
              .order_by("group__area__position", "group_id"))

    def offers(group_id: int, status: str) -> str | None:
        return changelist_url("groups_groupoffer", group__id__exact=group_id, status__exact=status)

    rows = [Row(g["area_name"], (
        Cell(g["accepted"], offers(g["group_id"], OfferStatus.ACCEPTED)),
        Cell(g["declined"], offers(g["group_id"], OfferStatus.DECLINED)),
        Cell(g["pending"], offers(g["group_id"], OfferStatus.PENDING)),
    )) for g in groups]
    return Section("offers", _("Offers and commitments"), [
        Table("offers", _("Offers per working group"), _("Working group"), (_("Accepted"), _("Declined"), _("Waiting")),
              rows, note="" if rows else _("No offers yet: they go out when a matching run is published.")),
    ], links=[
        export_link(_("Export the group members (XLSX)"), "group_members", "xlsx", campaign=campaign.pk),
        export_link(_("Export the group members (CSV)"), "group_members", "csv", campaign=campaign.pk),
    ])


def observers_section(campaign: Campaign) -> Section:
    """The Observer Group, where people came from and whether they receive news (one query; not per campaign)."""
    counts = (ObserverSubscription.objects.order_by().values("source").annotate(
        active=Count("pk", filter=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
        left=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    ))
    by_source = {c["source"]: c for c in counts}
    labels = dict(ObserverSource.choices)

    def observers(source: str, state: str) -> str | None:
        return changelist_url("groups_observersubscription", source__exact=source, active=state)

    rows = [Row(str(labels[source]), (
        Cell(by_source.get(source, {}).get("active", 0), observers(source, "yes")),
        Cell(by_source.get(source, {}).get("unconfirmed", 0), observers(source, "unconfirmed")),
        Cell(by_source.get(source, {}).get("left", 0), observers(source, "left")),
    )) for source in ObserverSource.values]
    return Section("observers", _("Observer Group"), [
        Table("observers", _("Observers by where they came from"), _("Came from"),
              (_("Receive news"), _("Not confirmed yet"), _("Unsubscribed")), rows),
    ], links=[export_link(_("Export the observers (CSV)"), "observers", "csv")],
        note=_("The Observer Group is one for every campaign: these figures are not limited to this one."))


def chosen_groups_section(campaign: Campaign) -> Section:
    """For the report: the groups of the published matching run, bodies committed and countries (one query)."""
    accepted = Q(offers__status=OfferStatus.ACCEPTED)
    groups = (WorkingGroup.objects.filter(campaign=campaign, run__published_at__isnull=False)
              .annotate(committed=Count("offers", filter=accepted),
                        offered=Count("offers"),
                        countries=Count("offers__response__organisation__country", filter=accepted, distinct=True))
              .select_related("area").order_by("area__position", "pk"))
    rows = [Row(g.area.name, (Cell(g.offered), Cell(g.committed), Cell(g.countries))) for g in groups]
    return Section("chosen_groups", _("The groups chosen"), [
        Table("report_groups", _("Working groups"), _("Area"), (_("Bodies offered a place"), _("Bodies committed"),
                                                                 _("Countries of the committed bodies")), rows),
    ], note="" if rows else _("The groups are not chosen yet: they will be once the secretariat publishes the "
                              "matching of the responses."))


DASHBOARD = [
    SectionProvider("interviews", 40, interviews_section),
    SectionProvider("offers", 50, offers_section),
    SectionProvider("observers", 60, observers_section),
]
REPORT = [SectionProvider("chosen_groups", 50, chosen_groups_section)]
