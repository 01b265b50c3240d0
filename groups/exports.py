"""Exports of the groups app: group members (offers and commitments), observers, interviews.

Registered with bigbuyers.exports in GroupsConfig.ready(); each needs ``bigbuyers.export_groups``.
Rows are read in chunks with their related rows (respondents' e-mails) fetched per chunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigbuyers.exports import BadExportFilters, ExportKind, ExportTable
from groups.models import (
    GroupOffer,
    Interview,
    InterviewMode,
    InterviewOutcome,
    InterviewSource,
    InterviewStatus,
    ObserverSource,
    ObserverSubscription,
    OfferRole,
    OfferStatus,
)
from surveys.models import Campaign, Respondent

CHUNK = 2000
PERMISSION = "bigbuyers.export_groups"


def _campaign(filters: Mapping[str, str]) -> Campaign:
    campaign_id = filters.get("campaign", "")
    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id.isdigit() else None
    if campaign is None:
        raise BadExportFilters(_("Choose a campaign."))
    return campaign


def _local(moment: Any, campaign: Campaign) -> str:
    return timezone.localtime(moment, campaign.zone).isoformat(timespec="minutes") if moment else ""


def _emails(response_ids: list[int]) -> dict[int, str]:
    emails: dict[int, list[str]] = defaultdict(list)
    for response_id, email in Respondent.objects.filter(response_id__in=response_ids).order_by(
            "response_id", "-is_owner", "user__email").values_list("response_id", "user__email"):
        emails[response_id].append(email)
    return {response_id: ", ".join(listed) for response_id, listed in emails.items()}


def _chunks(queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    rows = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def member_rows(campaign: Campaign, queryset: QuerySet[GroupOffer]) -> Iterator[list[Any]]:
    statuses, roles = dict(OfferStatus.choices), dict(OfferRole.choices)
    for chunk in _chunks(queryset.select_related("group__area", "response__organisation", "responded_by")
                         .order_by("group__area__position", "group_id", "pk")):
        emails = _emails([offer.response_id for offer in chunk])
        for offer in chunk:
            response, organisation = offer.response, offer.response.organisation
            yield [offer.group.area.name, organisation.name, organisation.country.code, statuses.get(offer.status, ""),
                   roles.get(offer.role, ""), response.contact_name, response.contact_role, response.contact_phone,
                   emails.get(offer.response_id, ""), _local(offer.created_at, campaign),
                   _local(offer.expires_at, campaign), _local(offer.responded_at, campaign),
                   offer.responded_by.email if offer.responded_by else ""]


def members_table(filters: Mapping[str, str]) -> ExportTable:
    """``?campaign=<id>[&status=pending|accepted|declined]``: the bodies offered a place in each group."""
    campaign = _campaign(filters)
    offers = GroupOffer.objects.filter(group__campaign=campaign)
    chosen: dict[str, Any] = {"campaign": campaign.pk}
    if status := filters.get("status", ""):
        if status not in OfferStatus.values:
            raise BadExportFilters(_("Unknown status."))
        offers, chosen["status"] = offers.filter(status=status), status
    return ExportTable(
        title=_("Group members of %(campaign)s") % {"campaign": campaign.name},
        filename=f"group-members-{campaign.slug}-{timezone.localdate().isoformat()}",
        header=[_("Working group"), _("Organisation"), _("Country"), _("Offer"), _("Role"), _("Contact person"),
                _("Job title"), _("Telephone"), _("Respondents' e-mail addresses"), _("Offered at"), _("Answer by"),
                _("Answered at"), _("Answered by")],
        rows=member_rows(campaign, offers), filters=chosen,
    )


def observers_table(filters: Mapping[str, str]) -> ExportTable:
    """Every Observer Group subscription with its state (``?active=1``: only those who receive news)."""
    subscriptions = ObserverSubscription.objects.order_by("pk")
    chosen: dict[str, Any] = {}
    if filters.get("active") == "1":
        subscriptions = subscriptions.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        chosen["active"] = True
    sources = dict(ObserverSource.choices)

    def rows() -> Iterator[list[Any]]:
        for s in subscriptions.iterator(chunk_size=CHUNK):
            state = _("Unsubscribed") if s.unsubscribed_at else _("Receives news") if s.confirmed_at else \
                _("Not confirmed yet")
            yield [s.email, s.name, s.organisation_name, sources.get(s.source, s.source), state,
                   s.created_at, s.confirmed_at, s.unsubscribed_at]

    return ExportTable(
        title=_("Observer Group"), filename=f"observers-{timezone.localdate().isoformat()}",
        header=[_("E-mail address"), _("Name"), _("Organisation"), _("Came from"), _("State"), _("Signed up at"),
                _("Confirmed at"), _("Unsubscribed at")],
        rows=rows(), filters=chosen,
    )


def active_observers_table(queryset: QuerySet[ObserverSubscription], *, filters: dict[str, Any]) -> ExportTable:
    """The people of `queryset` who receive news (confirmed, subscribed), each with their unsubscribe link: the
    Observer Group's list as the secretariat's mailing tool takes it (the admin's export action)."""
    from groups.services.formation import observer_unsubscribe_url

    rows = queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).order_by("pk")

    def lines() -> Iterator[list[str]]:
        for subscription in rows.iterator(chunk_size=CHUNK):
            yield [subscription.email, subscription.name, subscription.organisation_name,
                   observer_unsubscribe_url(subscription)]

    return ExportTable(title=_("Observer Group: people who receive news"), filename="observer-group",
                       header=["email", "name", "organisation", "unsubscribe_url"], rows=lines(), filters=filters)


def interview_rows(campaign: Campaign, queryset: QuerySet[Interview]) -> Iterator[list[Any]]:
    statuses, sources = dict(InterviewStatus.choices), dict(InterviewSource.choices)
    outcomes, modes = dict(InterviewOutcome.choices), dict(InterviewMode.choices)
    for chunk in _chunks(queryset.select_related("slot__interviewer", "response__organisation")
                         .order_by("slot__starts_at", "pk")):
        emails = _emails([interview.response_id for interview in chunk])
        for interview in chunk:
            slot, response = interview.slot, interview.response
            yield [_local(slot.starts_at, campaign), slot.duration, modes.get(slot.mode, slot.mode), slot.interviewer.email,
                   response.organisation.name, response.organisation.country.code, response.contact_name,
                   response.contact_phone, emails.get(interview.response_id, ""), interview.time_zone,
                   statuses.get(interview.status, ""), sources.get(interview.source, ""),
                   _local(interview.cancelled_at, campaign), outcomes.get(interview.outcome, ""), interview.notes]


def interviews_table(filters: Mapping[str, str]) -> ExportTable:
    """``?campaign=<id>``: the campaign's interviews, cancelled ones included, with the interviewers' notes."""
    campaign = _campaign(filters)
    return ExportTable(
        title=_("Interviews of %(campaign)s") % {"campaign": campaign.name},
        filename=f"interviews-{campaign.slug}-{timezone.localdate().isoformat()}",
        header=[_("Starts at (%(zone)s)") % {"zone": campaign.time_zone}, _("Minutes"), _("Held by"), _("Interviewer"),
                _("Organisation"), _("Country"), _("Contact person"), _("Telephone"),
                _("Respondents' e-mail addresses"), _("Respondent's time zone"), _("Status"), _("Booked how"),
                _("Cancelled at"), _("Outcome"), _("Interviewer's notes")],
        rows=interview_rows(campaign, Interview.objects.filter(slot__campaign=campaign)), filters={"campaign": campaign.pk},
    )


OBSERVERS = ExportKind("observers", gettext_lazy("Observer Group"), PERMISSION, observers_table)
EXPORTS = [
    ExportKind("group_members", gettext_lazy("Group members"), PERMISSION, members_table),
    OBSERVERS,
    ExportKind("interviews", gettext_lazy("Interviews"), PERMISSION, interviews_table),
]
