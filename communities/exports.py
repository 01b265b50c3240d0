"""Exports of the communities app: members, and travel claims for finance.

Registered with bigbuyers.exports in CommunitiesConfig.ready(); each needs
``bigbuyers.export_communities``. The travel claims' admin action (communities/admin.py) exports its
selection through the same download, so it is recorded and its formulas neutralised like the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigbuyers.exports import BadExportFilters, ExportKind, ExportTable, safe_cell
from communities.models import ClaimStatus, Community, Membership, Notify, Role, TravelClaim

CHUNK = 2000
PERMISSION = "bigbuyers.export_communities"

# Finance reads these names: they stay as they were when the export lived in the admin.
CLAIM_HEADER = ["claim", "status", "submitted_at", "decided_at", "member", "organisation", "country", "community",
                "event", "event_date", "travel_eur", "accommodation_eur", "subsistence_eur", "other_eur", "total_eur",
                "reason"]


def claim_data(queryset: QuerySet[TravelClaim]) -> Iterator[list[Any]]:
    """One row per claim, in CLAIM_HEADER's order (amounts as numbers)."""
    for claim in queryset.select_related("event__community", "membership__user", "membership__organisation").order_by(
            "pk").iterator(chunk_size=CHUNK):
        organisation = claim.membership.organisation
        yield [
            claim.pk, claim.status, claim.created_at.isoformat(), claim.decided_at.isoformat() if claim.decided_at else "",
            claim.membership.user.email, organisation.name if organisation else "",
            organisation.country.code if organisation else "", claim.event.community.name, claim.event.title,
            timezone.localtime(claim.event.starts_at, claim.event.zone).date().isoformat(),
            claim.travel, claim.accommodation, claim.subsistence, claim.other, claim.total, claim.status_reason,
        ]


def claim_rows(queryset: QuerySet[TravelClaim]) -> Iterator[list[str]]:
    """The header, then each claim as text cells, formulas neutralised (as the CSV holds them)."""
    yield CLAIM_HEADER
    for row in claim_data(queryset):
        yield [str(safe_cell(value)) for value in row]


def claims_table(queryset: QuerySet[TravelClaim], *, title: str, filters: Mapping[str, Any]) -> ExportTable:
    return ExportTable(title=title, filename=f"travel-claims-{timezone.localdate().isoformat()}", header=CLAIM_HEADER,
                       rows=claim_data(queryset), filters=dict(filters))


def travel_claims_table(filters: Mapping[str, str]) -> ExportTable:
    """``?status=<status>[&community=<id>]``: the travel claims, e.g. the approved ones for payment."""
    claims = TravelClaim.objects.all()
    chosen: dict[str, Any] = {}
    if status := filters.get("status", ""):
        if status not in ClaimStatus.values:
            raise BadExportFilters(_("Unknown status."))
        claims, chosen["status"] = claims.filter(status=status), status
    if community := filters.get("community", ""):
        if not community.isdigit():
            raise BadExportFilters(_("Unknown community."))
        claims, chosen["community"] = claims.filter(event__community_id=community), int(community)
    return claims_table(claims, title=_("Travel claims"), filters=chosen)


def member_data(queryset: QuerySet[Membership]) -> Iterator[list[Any]]:
    roles, notify = dict(Role.choices), dict(Notify.choices)
    for m in queryset.select_related("community", "user", "organisation").order_by("community__name", "pk").iterator(
            chunk_size=CHUNK):
        organisation = m.organisation
        yield [m.community.name, m.user.email, m.user.full_name, roles.get(m.role, m.role),
               organisation.name if organisation else "", organisation.country.code if organisation else "",
               notify.get(m.notify, m.notify), m.joined_at, m.last_visit_at]


MEMBER_HEADER = [gettext_lazy("Community"), gettext_lazy("E-mail address"), gettext_lazy("Name"), gettext_lazy("Role"),
                 gettext_lazy("Organisation"), gettext_lazy("Country"), gettext_lazy("E-mails about discussions"),
                 gettext_lazy("Joined at"), gettext_lazy("Last visit")]


def members_table(queryset: QuerySet[Membership], *, title: str, filters: Mapping[str, Any]) -> ExportTable:
    return ExportTable(title=title, filename=f"community-members-{timezone.localdate().isoformat()}",
                       header=[str(name) for name in MEMBER_HEADER], rows=member_data(queryset), filters=dict(filters))


def community_members_table(filters: Mapping[str, str]) -> ExportTable:
    """``?community=<id>`` (or every community): the members with their role and organisation."""
    members = Membership.objects.all()
    chosen: dict[str, Any] = {}
    title = _("Members of every community")
    if community_id := filters.get("community", ""):
        community = Community.objects.filter(pk=community_id).first() if community_id.isdigit() else None
        if community is None:
            raise BadExportFilters(_("Unknown community."))
        members, chosen["community"] = members.filter(community=community), community.pk
        title = _("Members of %(community)s") % {"community": community.name}
    return members_table(members, title=title, filters=chosen)


MEMBERS = ExportKind("community_members", gettext_lazy("Community members"), PERMISSION, community_members_table)
TRAVEL_CLAIMS = ExportKind("travel_claims", gettext_lazy("Travel claims"), PERMISSION, travel_claims_table)
EXPORTS = [MEMBERS, TRAVEL_CLAIMS]
