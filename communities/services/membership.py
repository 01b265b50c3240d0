"""Membership: creating a community with its first members, joining an open one, asking to join a closed
one (the leaders decide), and a member's e-mail preferences."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from communities.models import RESERVED_SLUGS, Community, JoinRequest, JoinStatus, Membership, Notify, Role
from communities.services.common import NotAllowed, site_url
from surveys.models import Campaign, Organisation, ThematicArea


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
            context={"community": community, "join_request": join_request, "url": site_url("join_requests", community.slug)},
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
                 "url": site_url("overview", community.slug) if approve else site_url("directory")},
    )
    return True


def update_preferences(membership: Membership, *, notify: str) -> None:
    Membership.objects.filter(pk=membership.pk).update(notify=Notify(notify))
