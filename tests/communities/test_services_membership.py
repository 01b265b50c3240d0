"""communities/services/membership.py: creating a community, joining an open one, asking to join a closed one."""

from __future__ import annotations

import pytest
from django.core import mail

from communities.models import JoinRequest, Membership
from communities.services.common import NotAllowed
from communities.services.membership import create_community, decide_join_request, join_open_community, request_to_join
from tests.factories import CommunityFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_community_for_a_group_is_idempotent_and_adds_members():
    leader, member = UserFactory(), UserFactory()
    first = create_community(name="Heavy-duty electric vehicles", source_group_id=7,
                             members=[(leader, "leader", None)])
    again = create_community(name="Heavy-duty electric vehicles", source_group_id=7,
                             members=[(leader, "member", None), (member, "member", None)])
    assert again.pk == first.pk and first.slug == "heavy-duty-electric-vehicles"
    roles = dict(Membership.objects.filter(community=first).values_list("user__email", "role"))
    assert roles == {leader.email: "leader", member.email: "member"}, "an existing role is kept"


def test_slugs_never_take_the_apps_own_addresses():
    assert create_community(name="Mine").slug == "mine-2"
    assert create_community(name="Mine").slug == "mine-3"


def test_join_request_approved_makes_a_member_and_tells_the_person(committed):
    leader = MembershipFactory(role="leader").user
    community = leader.memberships.get().community
    person = UserFactory(email="eva@westerhaven.example")
    with committed():
        join_request = request_to_join(community, person, message="We buy electric buses.")
        assert request_to_join(community, person, message="again") == join_request, "one request waits"
    assert [m.to for m in mail.outbox] == [[leader.email]]
    with committed():
        assert decide_join_request(join_request, approve=True, by=leader, message="Welcome aboard!")
        assert not decide_join_request(join_request, approve=False, by=leader), "decided once"
    assert Membership.objects.filter(community=community, user=person, role="member").exists()
    decision = mail.outbox[-1]
    assert decision.to == [person.email] and "Welcome aboard!" in decision.body and "approved" in decision.body
    assert len(mail.outbox) == 2


def test_join_request_declined_sends_the_message_and_makes_no_member(committed):
    community = CommunityFactory()
    person = UserFactory()
    with committed():
        join_request = request_to_join(community, person, message="Hello")
    assert mail.outbox[0].to == ["big.buyers@example.eu"], "without a leader the secretariat is asked"
    with committed():
        decide_join_request(join_request, approve=False, by=StaffFactory(), message="Only contracting authorities.")
    join_request.refresh_from_db()
    assert join_request.status == "declined" and join_request.decided_by is not None
    assert not Membership.objects.filter(community=community, user=person).exists()
    assert "Only contracting authorities." in mail.outbox[-1].body and "declined" in mail.outbox[-1].body


def test_open_community_is_joined_at_once_and_closed_one_refuses():
    person = UserFactory()
    assert join_open_community(CommunityFactory(is_open=True), person).role == "member"
    with pytest.raises(NotAllowed):
        join_open_community(CommunityFactory(is_open=False), person)


def test_join_request_is_unique_while_pending():
    community = CommunityFactory()
    person = UserFactory()
    request_to_join(community, person, message="one")
    assert JoinRequest.objects.filter(community=community, user=person).count() == 1
