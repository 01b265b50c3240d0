"""What changes communities, and what it sends.

Each function is one whole change in one transaction; its e-mails go through the outbox
(`queue_email`) under keys that name them, so that nothing is sent twice however often a
function or a task runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from communities.models import (
    CLAIM_TRANSITIONS,
    RESERVED_SLUGS,
    Activity,
    ClaimStatus,
    Classification,
    Community,
    Document,
    Event,
    GuestInvitation,
    JoinRequest,
    JoinStatus,
    Membership,
    Notify,
    Receipt,
    Registration,
    RegistrationStatus,
    Reply,
    Role,
    Thread,
    TravelClaim,
)
from communities.uploads import check_upload
from groups.models import OfferRole, WorkingGroup
from groups.services.formation import establish_group
from surveys import eligibility
from surveys.models import Campaign, Organisation, ThematicArea
from surveys.services.eligibility import policy_of
from surveys.services.signin import signin_url


class NotAllowed(Exception):
    """The change is refused by a rule of the community (the message says which, for people)."""


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(f"communities:{name}", args=args)


# ---------------------------------------------------------------------------------------------- communities

def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "community"
    slug, number = base, 1
    while slug in RESERVED_SLUGS or Community.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def create_community(
    *,
    name: str,
    description: str = "",
    is_open: bool = False,
    entry_requirements: str = "",
    area: ThematicArea | None = None,
    campaign: Campaign | None = None,
    source_group_id: int | None = None,
    members: Iterable[tuple[User, str, Organisation | None]] = (),
) -> Community:
    """Create a community with its first members `(user, role, organisation)`; sends nothing.

    The groups app calls it when a working group is established (`source_group_id` = its id); called
    again for the same group it returns the existing community and adds only the missing members.
    """
    community = None
    if source_group_id is not None:
        community = Community.objects.select_for_update().filter(source_group_id=source_group_id).first()
    if community is None:
        community = Community.objects.create(
            slug=_free_slug(name), name=name, description=description, is_open=is_open,
            entry_requirements=entry_requirements, area=area, campaign=campaign or (area.campaign if area else None),
            source_group_id=source_group_id,
        )
    for user, role, organisation in members:
        add_member(community, user, role=role, organisation=organisation)
    return community


def add_member(community: Community, user: User, *, role: str = Role.MEMBER,
               organisation: Organisation | None = None) -> Membership:
    """Make `user` a member (keeping an existing membership and its role); sends nothing."""
    membership, created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"role": Role(role), "organisation": organisation}
    )
    if not created and organisation is not None and membership.organisation_id is None:
        Membership.objects.filter(pk=membership.pk).update(organisation=organisation)
        membership.organisation = organisation
    return membership


@transaction.atomic
def join_open_community(community: Community, user: User) -> Membership:
    """A signed-in person joins an open community at once, as a member."""
    if not community.is_open:
        raise NotAllowed(_("This community is closed: ask to join it."))
    return add_member(community, user)


def _leaders(community: Community) -> list[User]:
    return [m.user for m in community.memberships.filter(role=Role.LEADER).select_related("user")]


@transaction.atomic
def request_to_join(community: Community, user: User, *, message: str, organisation_name: str = "") -> JoinRequest:
    """Ask to join a closed community; the leaders (or, without a leader, the secretariat) are told by e-mail.

    Asking twice while a request waits returns the waiting one and sends nothing new.
    """
    if Membership.objects.filter(community=community, user=user).exists():
        raise NotAllowed(_("You are a member of this community already."))
    existing = JoinRequest.objects.filter(community=community, user=user, status=JoinStatus.PENDING).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(community=community, user=user, message=message,
                                                      organisation_name=organisation_name)
    except IntegrityError:  # the same person, in another tab, at the same moment
        return JoinRequest.objects.get(community=community, user=user, status=JoinStatus.PENDING)
    recipients = [(u.email, f"user={u.pk}") for u in _leaders(community)] or [(settings.SECRETARIAT_EMAIL, "secretariat")]
    for address, who in recipients:
        queue_email(
            key=f"join-request:{join_request.pk}:to={who}", to=address, template="community_join_requested",
            context={"community": community, "join_request": join_request, "url": _url("join_requests", community.slug)},
        )
    return join_request


@transaction.atomic
def decide_join_request(join_request: JoinRequest, *, approve: bool, by: User, message: str = "") -> bool:
    """Approve (the person becomes a member) or decline a waiting request, and e-mail the person the decision
    with `message`. Returns False, changing nothing, when the request was decided already."""
    status = JoinStatus.APPROVED if approve else JoinStatus.DECLINED
    changed = JoinRequest.objects.filter(pk=join_request.pk, status=JoinStatus.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_message=message
    )
    if not changed:
        return False
    join_request.refresh_from_db()
    community = join_request.community
    if approve:
        add_member(community, join_request.user)
    queue_email(
        key=f"join-decided:{join_request.pk}", to=join_request.user.email, template="community_join_decided",
        context={"community": community, "approved": approve, "message": message,
                 "url": _url("overview", community.slug) if approve else _url("directory")},
    )
    return True


def update_preferences(membership: Membership, *, notify: str) -> None:
    Membership.objects.filter(pk=membership.pk).update(notify=Notify(notify))


# ---------------------------------------------------------------------------------------------- roadmap

def update_roadmap(community: Community, *, objectives: str, ambition: str, timeline: str) -> None:
    """The leaders' statement of what the community aims at, how far, and by when."""
    Community.objects.filter(pk=community.pk).update(objectives=objectives, ambition=ambition, timeline=timeline)


def save_activity(community: Community, *, activity: Activity | None = None, values: Mapping[str, object]) -> Activity:
    """Add a roadmap activity, or change `activity` (of this community)."""
    if activity is None:
        return Activity.objects.create(community=community, **values)
    Activity.objects.filter(pk=activity.pk, community=community).update(**values)
    activity.refresh_from_db()
    return activity


# ---------------------------------------------------------------------------------------------- discussions

def _notify_each(community: Community, *, exclude: User, key: str, template: str, context: Mapping[str, object]) -> None:
    members = (Membership.objects.filter(community=community, notify=Notify.EACH)
               .exclude(user=exclude).select_related("user"))
    for membership in members:
        queue_email(key=f"{key}:user={membership.user_id}", to=membership.user.email, template=template,
                    context={**context, "community": community})


@transaction.atomic
def post_thread(community: Community, *, author: User, title: str, body: str) -> Thread:
    """Start a discussion; members who want an e-mail for each message get one."""
    now = timezone.now()
    thread = Thread.objects.create(community=community, author=author, title=title, body=body, created_at=now,
                                   last_activity_at=now)
    _notify_each(community, exclude=author, key=f"thread-posted:thread={thread.pk}", template="community_new_message",
                 context={"thread": thread, "body": body, "author": author,
                          "url": _url("thread", community.slug, thread.pk)})
    return thread


@transaction.atomic
def post_reply(thread: Thread, *, author: User, body: str) -> Reply:
    """Reply to a thread (refused when it is locked or hidden); members who want an e-mail for each message get one."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_locked or thread.is_hidden:
        raise NotAllowed(_("This thread is closed to replies."))
    now = timezone.now()
    reply = Reply.objects.create(thread=thread, author=author, body=body, created_at=now)
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=now)
    _notify_each(thread.community, exclude=author, key=f"reply-posted:reply={reply.pk}", template="community_new_message",
                 context={"thread": thread, "body": body, "author": author,
                          "url": _url("thread", thread.community.slug, thread.pk) + f"#reply-{reply.pk}"})
    return reply


def edit_thread(thread: Thread, *, title: str, body: str) -> None:
    Thread.objects.filter(pk=thread.pk).update(title=title, body=body, edited_at=timezone.now())


def edit_reply(reply: Reply, *, body: str) -> None:
    Reply.objects.filter(pk=reply.pk).update(body=body, edited_at=timezone.now())


MODERATION = {
    "hide": {"is_hidden": True}, "show": {"is_hidden": False},
    "lock": {"is_locked": True}, "unlock": {"is_locked": False},
    "pin": {"is_pinned": True}, "unpin": {"is_pinned": False},
}


def moderate_thread(thread: Thread, *, action: str) -> None:
    """A leader hides, locks or pins a thread (or undoes it); raises KeyError for an unknown action."""
    Thread.objects.filter(pk=thread.pk).update(**MODERATION[action])


def moderate_reply(reply: Reply, *, action: str) -> None:
    """A leader hides a reply or shows it again."""
    if action not in ("hide", "show"):
        raise KeyError(action)
    Reply.objects.filter(pk=reply.pk).update(**MODERATION[action])


def send_digest(community: Community, *, day: dt.date) -> int:
    """E-mail the members who chose a daily digest what was new in `community` on `day` (the portal's zone).

    One message per member and day (key ``digest:membership=…:day=…``): running it again sends nothing.
    Nothing is sent for a quiet day. Returns how many messages were queued now.
    """
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    window = Q(created_at__gte=start, created_at__lt=end)
    threads = list(Thread.objects.filter(window, community=community, is_hidden=False).select_related("author"))
    replies = list(Reply.objects.filter(window, thread__community=community, is_hidden=False, thread__is_hidden=False)
                   .select_related("thread", "author"))
    documents = list(Document.objects.filter(window, community=community))
    events = list(Event.objects.filter(window, community=community))
    if not (threads or replies or documents or events):
        return 0
    sent = 0
    for membership in Membership.objects.filter(community=community, notify=Notify.DAILY).select_related("user"):
        with transaction.atomic():
            email = queue_email(
                key=f"digest:membership={membership.pk}:day={day.isoformat()}", to=membership.user.email,
                template="community_digest",
                context={"community": community, "day": day, "threads": threads, "replies": replies,
                         "documents": documents, "events": events, "url": _url("overview", community.slug)},
            )
        sent += email is not None
    return sent


# ---------------------------------------------------------------------------------------------- documents

def _save_file(instance: Document | Receipt, upload: IO[bytes], *, name: str, size: int) -> None:
    checked = check_upload(upload, name=name, size=size)
    instance.original_name, instance.content_type, instance.size = checked.original_name, checked.content_type, checked.size
    instance.file.save(checked.original_name, File(upload), save=False)


@transaction.atomic
def upload_document(community: Community, *, by: User, title: str, upload: IO[bytes], name: str, size: int,
                    classification: str = Classification.CONFIDENTIAL) -> Document:
    """Store a document after checking its size, extension and content (ValidationError otherwise)."""
    document = Document(community=community, uploaded_by=by, title=title, classification=Classification(classification))
    _save_file(document, upload, name=name, size=size)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def delete_document(document: Document) -> None:
    document.file.delete(save=False)
    document.delete()


# ---------------------------------------------------------------------------------------------- events

def event_url(event: Event) -> str:
    return _url("event", event.community.slug, event.pk)


def _promote_waiting(event: Event) -> list[Registration]:
    """Fill free places from the waiting list, first come first served; the caller holds the event's row lock."""
    promoted = []
    while True:
        if event.capacity is not None:
            taken = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
            if taken >= event.capacity:
                break
        registration = (Registration.objects.select_for_update().select_related("user")
                        .filter(event=event, status=RegistrationStatus.WAITING).order_by("since", "pk").first())
        if registration is None:
            break
        now = timezone.now()
        registration.status, registration.promoted_at = RegistrationStatus.REGISTERED, now
        registration.save(update_fields=["status", "promoted_at"])
        queue_email(
            key=f"event-promoted:registration={registration.pk}:at={now.timestamp()}", to=registration.user.email,
            template="community_event_promoted",
            context={"event": event, "community": event.community, "url": event_url(event)},
        )
        promoted.append(registration)
    return promoted


@transaction.atomic
def create_event(community: Community, *, by: User, values: Mapping[str, object]) -> Event:
    """Plan an event in the community; sends nothing (members see it in the space and in their digest)."""
    return Event.objects.create(community=community, created_by=by, **values)


@transaction.atomic
def update_event(event: Event, *, values: Mapping[str, object]) -> list[Registration]:
    """Change an event, and promote people from the waiting list into new places.

    Reminders follow a new time by themselves: communities.reminders computes them from the event.
    """
    locked = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    return _promote_waiting(locked)


@transaction.atomic
def register_for_event(event: Event, user: User, *, as_guest: bool = False) -> Registration:
    """Take a place at the event, or one on its waiting list when it is full (a place is reminded the day
    before, by communities.reminders). Registering again while registered or waiting changes nothing."""
    if event.ends_at <= timezone.now():
        raise NotAllowed(_("This event is over."))
    # The event's row lock orders every registration, cancellation and promotion of one event.
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        return registration
    taken = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).exists()
    full = event.capacity is not None and (taken >= event.capacity or waiting)
    status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
    if registration is None:
        registration = Registration.objects.create(event=event, user=user, status=status, is_guest=as_guest)
    else:
        registration.status, registration.since, registration.promoted_at = status, timezone.now(), None
        registration.save(update_fields=["status", "since", "promoted_at"])
    return registration


@transaction.atomic
def cancel_registration(event: Event, user: User) -> list[Registration]:
    """Give up a place (or a place on the waiting list); the next person waiting is promoted and told by
    e-mail. Returns the promoted registrations. Safe when two people cancel at the same moment."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    registration = (Registration.objects.select_for_update()
                    .filter(event=event, user=user, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING])
                    .first())
    if registration is None:
        return []
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    return _promote_waiting(event) if was_registered else []


@transaction.atomic
def invite_guest(event: Event, *, email: str, by: User, organisation_name: str = "") -> GuestInvitation:
    """Invite a market actor to this one event: an account for the address if it has none, and an e-mail with
    a sign-in link that opens the event. Inviting the same address again sends the invitation once more."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(email)
    invitation, _created = GuestInvitation.objects.get_or_create(
        event=event, user=user, defaults={"invited_by": by, "organisation_name": organisation_name}
    )
    path = reverse("communities:event", args=[event.community.slug, event.pk])
    queue_email(
        key=f"guest-invitation:{invitation.pk}:{timezone.now().timestamp()}", to=user.email,
        template="community_guest_invitation",
        context={"event": event, "community": event.community, "url": signin_url(user, path),
                 "signin_url": settings.SITE_URL + reverse("signin") + f"?next={path}",
                 "hours": settings.SESAME_MAX_AGE // 3600},
        language=translation.get_language(),
    )
    return invitation


# ---------------------------------------------------------------------------------------------- travel claims

def claim_refusal(membership: Membership, event: Event, *, now: dt.datetime | None = None) -> str | None:
    """Why `membership` may not claim travel costs for `event`, or None when it may.

    The campaign's policy decides by the country of the member's organisation
    (surveys.eligibility.travel_reimbursement); the event must be in person, started, and the member
    registered for it.
    """
    now = now or timezone.now()
    if not event.in_person:
        return _("Only travel to in-person events is reimbursed.")
    if event.starts_at > now:
        return _("A claim can be made once the event has started.")
    if not Registration.objects.filter(event=event, user_id=membership.user_id,
                                       status=RegistrationStatus.REGISTERED).exists():
        return _("Only people registered for the event can claim their travel costs.")
    campaign = membership.community.campaign
    if campaign is None:
        return _("This community has no travel policy: ask the secretariat.")
    if membership.organisation is None:
        return _("Your membership does not name your organisation: ask the secretariat to add it.")
    if not eligibility.travel_reimbursement(membership.organisation.country.code, policy_of(campaign)):
        return _("Travel is not reimbursed for organisations from %(country)s in this campaign.") % {
            "country": membership.organisation.country.name}
    return None


@transaction.atomic
def submit_claim(event: Event, *, membership: Membership, amounts: Mapping[str, Decimal], notes: str = "",
                 receipts: Iterable[tuple[IO[bytes], str, int]] = ()) -> TravelClaim:
    """File a travel claim with its receipts `(file, name, size)`; raises NotAllowed when the policy says no,
    ValidationError when a receipt is refused. The secretariat is told by e-mail."""
    refusal = claim_refusal(membership, event)
    if refusal:
        raise NotAllowed(refusal)
    if TravelClaim.objects.filter(event=event, membership=membership).exists():
        raise NotAllowed(_("You have claimed your costs for this event already."))
    claim = TravelClaim.objects.create(event=event, membership=membership, notes=notes,
                                       **{k: amounts.get(k, Decimal("0")) for k in ("travel", "accommodation",
                                                                                   "subsistence", "other")})
    saved: list[Receipt] = []
    try:
        for upload, name, size in receipts:
            receipt = Receipt(claim=claim)
            _save_file(receipt, upload, name=name, size=size)
            receipt.save()
            saved.append(receipt)
    except ValidationError:
        for receipt in saved:
            receipt.file.delete(save=False)
        raise
    queue_email(
        key=f"claim-submitted:{claim.pk}", to=settings.SECRETARIAT_EMAIL, template="community_claim_submitted",
        context={"claim": claim, "event": event, "member": membership.user,
                 "url": settings.SITE_URL + reverse("admin:communities_travelclaim_change", args=[claim.pk])},
    )
    return claim


@transaction.atomic
def set_claim_status(claim: TravelClaim, *, status: str, reason: str, by: User) -> bool:
    """The secretariat approves, rejects or pays a claim, with a written reason; the member is told by e-mail.

    Only the transitions of CLAIM_TRANSITIONS are allowed (ValueError otherwise, or for a blank reason).
    Returns False when the claim changed meanwhile and nothing was done.
    """
    status = ClaimStatus(status)
    reason = reason.strip()
    if not reason:
        raise ValueError("A status change needs a written reason.")
    allowed_from = [source for source, targets in CLAIM_TRANSITIONS.items() if status in targets]
    if claim.status not in allowed_from:
        raise ValueError(f"A {claim.status} claim cannot become {status}.")
    changed = TravelClaim.objects.filter(pk=claim.pk, status=claim.status).update(
        status=status, status_reason=reason, decided_by=by, decided_at=timezone.now())
    if not changed:
        return False
    claim.refresh_from_db()
    membership = claim.membership
    queue_email(
        key=f"claim-status:{claim.pk}:{status}", to=membership.user.email, template="community_claim_decided",
        context={"claim": claim, "event": claim.event, "reason": reason,
                 "url": _url("claim", membership.community.slug, claim.pk)},
    )
    return True


# ---------------------------------------------------------------------------------------------- from working groups

#: The community role of a committed body's people, by the role the body chose when it accepted its offer:
#: the leader coordinates the community; buyers and followers are members (a leader may promote members to
#: the core group later, from the community's members page or the admin).
ROLE_OF_COMMITMENT = {OfferRole.LEADER: Role.LEADER, OfferRole.BUYER: Role.MEMBER, OfferRole.FOLLOWER: Role.MEMBER}


def establish_community(group: WorkingGroup, *, by: User | None) -> Community:
    """Establish a working group and open its Community of Practice, with its committed bodies' people as members.

    The group must have its minimum of commitments (groups.services.formation.establish_group raises
    NotEnoughCommitments otherwise, and nothing changes). The community is closed, on the group's area and
    campaign, linked by ``source_group_id``; every active respondent of a committed body becomes a member
    with the role of ROLE_OF_COMMITMENT. Each new member gets an e-mail with a sign-in link to the community
    (once: the key names the community and the person). Calling it again adds only missing members.
    """
    with transaction.atomic():
        committed = establish_group(group, by=by)
        group = WorkingGroup.objects.select_related("area", "campaign").get(pk=group.pk)
        community = create_community(
            name=group.area.name, description=group.area.description, area=group.area, campaign=group.campaign,
            source_group_id=group.pk,
            members=[(m.user, ROLE_OF_COMMITMENT[OfferRole(m.role)], m.organisation) for m in committed],
        )
        path = reverse("communities:overview", args=[community.slug])
        for member in committed:
            queue_email(
                key=f"community-established:community={community.pk}:user={member.user.pk}", to=member.user.email,
                template="community_established",
                context={"community": community, "organisation": member.organisation,
                         "leader": ROLE_OF_COMMITMENT[OfferRole(member.role)] == Role.LEADER,
                         "url": signin_url(member.user, path)},
            )
    return community
