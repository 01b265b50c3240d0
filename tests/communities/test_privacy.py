"""communities/privacy.py: a person's communities in their data export, and what erasure removes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from communities.models import Membership, Registration, Reply, TravelClaim
from communities.services.claims import submit_claim
from communities.services.discussions import post_reply, post_thread
from communities.services.events import register_for_event
from tests.factories import (
    CampaignFactory,
    CommunityFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    past_study_visit,
)

pytestmark = pytest.mark.django_db


def test_personal_data_export_and_erasure_cover_the_communities(committed):
    from bigbuyers.privacy import erase_personal_data, export_personal_data

    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    person = membership.user
    other_membership = MembershipFactory(community=CommunityFactory(), user=person)
    thread = post_thread(community, author=person, title="Chargers", body="Call me on +49 123")
    post_reply(thread, author=person, body="My number again: +49 123")
    upcoming = EventFactory(community=community, capacity=1)
    register_for_event(upcoming, person)
    waiting = UserFactory()
    register_for_event(upcoming, waiting)
    past = past_study_visit(community)
    Registration.objects.create(event=past, user=person, status="registered")
    claim = submit_claim(past, membership=membership, amounts={"travel": Decimal("50")})

    data = export_personal_data(person)["communities"]
    assert data["threads"][0]["message"] == "Call me on +49 123" and data["replies"][0]["message"].startswith("My number")
    assert {m["community"] for m in data["memberships"]} == {community.name, other_membership.community.name}
    assert data["travel_claims"][0]["travel"] == "50.00"

    erase_personal_data(person)
    thread.refresh_from_db()
    assert "+49" not in thread.body and not Reply.objects.filter(body__contains="+49").exists()
    assert thread.title == "Chargers"
    assert not Registration.objects.filter(user=person).exists()
    assert Registration.objects.get(event=upcoming, user=waiting).status == "registered", "the freed place is given on"
    assert not Membership.objects.filter(pk=other_membership.pk).exists()
    assert TravelClaim.objects.filter(pk=claim.pk, membership=membership).exists(), "accounting records stay"
