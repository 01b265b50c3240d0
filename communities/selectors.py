"""Reads of communities, shaped for pages, each with a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from bigbuyers.models import User
from communities.models import (
    Activity,
    Classification,
    Community,
    Document,
    Event,
    GuestInvitation,
    JoinRequest,
    JoinStatus,
    Membership,
    Registration,
    RegistrationStatus,
    Reply,
    Role,
    Thread,
    TravelClaim,
)
from communities.permissions import Space


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` as an annotation (no GROUP BY over the outer rows)."""
    return Coalesce(Subquery(queryset.order_by().values(one=Value(1)).annotate(n=Count("*")).values("n")[:1],
                             output_field=IntegerField()), 0)


EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _new(queryset: QuerySet) -> Coalesce:
    """How many rows of `queryset` were created after the outer membership's last visit (all, before any visit)."""
    return _count(queryset.filter(created_at__gt=OuterRef("seen_at")))


def my_memberships(user: User) -> list[Membership]:
    """The user's communities, each with what is new since their last visit (one query)."""
    return list(
        Membership.objects.filter(user=user).select_related("community", "community__area")
        .annotate(seen_at=Coalesce("last_visit_at", Value(EPOCH, output_field=DateTimeField())))
        .annotate(
            # What others added: one's own messages, files and events are not news.
            new_threads=_new(Thread.objects.filter(community=OuterRef("community"), is_hidden=False)
                             .exclude(author=user)),
            new_replies=_new(Reply.objects.filter(thread__community=OuterRef("community"), is_hidden=False,
                                                  thread__is_hidden=False).exclude(author=user)),
            new_documents=_new(Document.objects.filter(community=OuterRef("community")).exclude(uploaded_by=user)),
            new_events=_new(Event.objects.filter(community=OuterRef("community")).exclude(created_by=user)),
        ).order_by("community__name")
    )


def guest_invitations(user: User) -> list[GuestInvitation]:
    """The events the user is invited to as a guest, with the user's registration status (one query)."""
    status = Registration.objects.filter(event=OuterRef("event"), user=user).values("status")[:1]
    return list(GuestInvitation.objects.filter(user=user).select_related("event__community")
                .annotate(registration_status=Subquery(status)).order_by("event__starts_at"))


def directory(user: User) -> list[Community]:
    """Every community, with its member count and whether the user is in it or has a request waiting."""
    return list(
        Community.objects.select_related("area")
        .annotate(
            member_count=_count(Membership.objects.filter(community=OuterRef("pk"))),
            is_mine=Exists(Membership.objects.filter(community=OuterRef("pk"), user=user)),
            request_waiting=Exists(JoinRequest.objects.filter(community=OuterRef("pk"), user=user,
                                                              status=JoinStatus.PENDING)),
        ).order_by("name")
    )


def roadmap_of(community: Community) -> list[Activity]:
    return list(community.activities.all())


def upcoming_events(community: Community, *, limit: int = 3) -> list[Event]:
    return list(community.events.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:limit])


def members_of(community: Community) -> list[Membership]:
    return list(community.memberships.select_related("user", "organisation").order_by("role", "user__email"))


def pending_join_requests(community: Community) -> list[JoinRequest]:
    return list(community.join_requests.filter(status=JoinStatus.PENDING).select_related("user").order_by("created_at"))


def threads_of(space: Space) -> QuerySet[Thread]:
    """The space's threads, pinned first then the most active, with reply counts; hidden ones only for leaders."""
    threads = Thread.objects.filter(community=space.community).select_related("author")
    reply_filter = Q()
    if not space.is_leader:
        threads = threads.filter(is_hidden=False)
        reply_filter = Q(is_hidden=False)
    return (threads.annotate(reply_count=_count(Reply.objects.filter(reply_filter, thread=OuterRef("pk"))))
            .order_by("-is_pinned", "-last_activity_at", "-pk"))


def thread_with_replies(space: Space, pk: int) -> Thread | None:
    """One thread of the space with its replies and their authors (two queries); None when not visible."""
    replies = Reply.objects.select_related("author").order_by("created_at", "pk")
    threads = Thread.objects.filter(community=space.community).select_related("author")
    if not space.is_leader:
        threads = threads.filter(is_hidden=False)
        replies = replies.filter(is_hidden=False)
    return threads.prefetch_related(Prefetch("replies", queryset=replies)).filter(pk=pk).first()


def reply_of(space: Space, pk: int) -> Reply | None:
    """One reply of the space; hidden ones (or those of a hidden thread) only for leaders."""
    replies = Reply.objects.select_related("thread").filter(pk=pk, thread__community=space.community)
    if not space.is_leader:
        replies = replies.filter(is_hidden=False, thread__is_hidden=False)
    return replies.first()


def documents_of(community: Community) -> QuerySet[Document]:
    return community.documents.select_related("uploaded_by").order_by("-created_at", "-pk")


def public_documents() -> QuerySet[Document]:
    """Documents shared with every signed-in user of the platform, the newest first."""
    return (Document.objects.filter(classification=Classification.PUBLIC)
            .select_related("community", "uploaded_by").order_by("-created_at", "-pk"))


def _with_counts(events: QuerySet[Event], user: User) -> QuerySet[Event]:
    return events.annotate(
        registered_count=_count(Registration.objects.filter(event=OuterRef("pk"), status=RegistrationStatus.REGISTERED)),
        waiting_count=_count(Registration.objects.filter(event=OuterRef("pk"), status=RegistrationStatus.WAITING)),
        my_status=Subquery(Registration.objects.filter(event=OuterRef("pk"), user=user).values("status")[:1]),
    )


def events_of(space: Space) -> list[Event]:
    """The space's events, soonest first, with counts of places taken and waiting and the viewer's status."""
    return list(_with_counts(space.community.events.all(), space.user).order_by("starts_at", "pk"))


def event_detail(space: Space, event: Event) -> Event:
    return _with_counts(Event.objects.filter(pk=event.pk), space.user).select_related("community").get()


def registrations_of(event: Event) -> list[Registration]:
    return list(event.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related("user")
                .order_by(F("status").desc(), "since", "pk"))


def guests_of(event: Event) -> list[GuestInvitation]:
    status = Registration.objects.filter(event=OuterRef("event"), user=OuterRef("user")).values("status")[:1]
    return list(event.invitations.select_related("user").annotate(registration_status=Subquery(status)))


def claims_of(membership: Membership | None) -> list[TravelClaim]:
    if membership is None:
        return []
    return list(TravelClaim.objects.filter(membership=membership).select_related("event").order_by("-created_at"))


# --- The public page of the communities -------------------------------------------------------------------

PUBLIC_ITEMS = 5  # public documents and events shown per community


@dataclass
class PublicCommunity:
    """What anyone may know of a community: nothing a member marked confidential, no person's name or address."""

    community: Community
    leader_organisations: list[str] = field(default_factory=list)
    members_by_country: list[tuple[str, int]] = field(default_factory=list)  # (country name, members), most first
    documents: list[Document] = field(default_factory=list)  # public ones, the newest first
    events: list[Event] = field(default_factory=list)  # public ones still to come, the soonest first
    survey: str = ""  # its campaign's survey: "open" (answer it), "closed" (a late expression of interest), or none
    is_mine: bool = False
    request_waiting: bool = False

    @property
    def members(self) -> int:
        return sum(n for _country, n in self.members_by_country)


def _survey_state(community: Community, now: dt.datetime) -> str:
    campaign = community.campaign
    if campaign is None or not campaign.is_published or campaign.opens_at > now:
        return ""
    return "open" if campaign.is_open(now) else "closed"


def public_communities(user: User | AnonymousUser) -> list[PublicCommunity]:
    """Every community as the public page shows it, with the viewer's standing when signed in (five queries,
    seven for a signed-in viewer, whatever the number of communities, members, documents and events)."""
    now = timezone.now()
    profiles = {c.pk: PublicCommunity(c, survey=_survey_state(c, now))
                for c in Community.objects.select_related("area", "campaign").order_by("name")}
    leaders = (Membership.objects.filter(community__in=profiles, role=Role.LEADER, organisation__isnull=False)
               .values_list("community_id", "organisation__name").distinct().order_by("community_id", "organisation__name"))
    for community_id, name in leaders:
        profiles[community_id].leader_organisations.append(name)
    names = dict(countries)
    counts = (Membership.objects.filter(community__in=profiles).values_list("community_id", "organisation__country")
              .annotate(n=Count("pk")).order_by("community_id", "-n", "organisation__country"))
    for community_id, code, n in counts:
        profiles[community_id].members_by_country.append((str(names.get(code, "")) or _("Country not given"), n))
    documents = (Document.objects.filter(community__in=profiles, classification=Classification.PUBLIC)
                 .annotate(rank=Window(RowNumber(), partition_by=[F("community_id")],
                                       order_by=[F("created_at").desc(), F("pk").desc()]))
                 .filter(rank__lte=PUBLIC_ITEMS).only("pk", "community_id", "title", "content_type", "size", "created_at")
                 .order_by("community_id", "rank"))
    for document in documents:
        profiles[document.community_id].documents.append(document)
    events = (Event.objects.filter(community__in=profiles, is_public=True, ends_at__gte=now)
              .annotate(rank=Window(RowNumber(), partition_by=[F("community_id")], order_by=[F("starts_at"), F("pk")]))
              .filter(rank__lte=PUBLIC_ITEMS).defer("online_link").order_by("community_id", "rank"))
    for event in events:
        profiles[event.community_id].events.append(event)
    if user.is_authenticated:
        for community_id in Membership.objects.filter(user=user, community__in=profiles).values_list("community_id", flat=True):
            profiles[community_id].is_mine = True
        pending = JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING)
        for community_id in pending.values_list("community_id", flat=True):
            if community_id in profiles:
                profiles[community_id].request_waiting = True
    return list(profiles.values())
