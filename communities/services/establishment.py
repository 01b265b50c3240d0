"""From working groups: establishing a working group opens its Community of Practice."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from communities.models import Community, Role
from communities.services.membership import create_community
from groups.models import OfferRole, WorkingGroup
from groups.services.formation import establish_group
from surveys.services.signin import signin_url

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
