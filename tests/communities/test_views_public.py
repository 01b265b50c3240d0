"""The public page of the Communities of Practice: what anyone may know, the way in for each viewer, and
nothing a member keeps to the community (no person's name or address, no confidential document, no
members-only event)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import JoinRequest, Membership
from tests.factories import (
    CampaignFactory,
    CommunityFactory,
    DocumentFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/communities/about/"


@pytest.fixture
def communities():  # type: ignore[no-untyped-def]
    closed_campaign = CampaignFactory(slug="bbwt-2023", name="Big Buyers Working Together 2023",
                                      deadline=timezone.now() - dt.timedelta(days=30))
    hdev = CommunityFactory(slug="hdev", name="Heavy-duty electric vehicles", campaign=closed_campaign,
                            area=closed_campaign.areas.get(code="hdev"), description="Electric buses and trucks.")
    social = CommunityFactory(slug="social", name="Social procurement", is_open=True)
    leader = UserFactory(email="anna.keller@lindenau.example", full_name="Anna Keller")
    MembershipFactory(community=hdev, user=leader, role="leader",
                      organisation=OrganisationFactory(name="Stadt Lindenau", country="DE"))
    MembershipFactory(community=hdev, user=UserFactory(email="marc.dubois@montclair.example", full_name="Marc Dubois"),
                      organisation=OrganisationFactory(name="Ville de Montclair", country="FR"))
    MembershipFactory(community=hdev, user=UserFactory(email="eva@seeufer.example"),
                      organisation=OrganisationFactory(name="Stadt Seeufer", country="DE"))
    MembershipFactory(community=hdev, user=UserFactory(email="nobody@somewhere.example"), organisation=None)
    DocumentFactory(community=hdev, uploaded_by=leader, title="Joint specifications", classification="public")
    DocumentFactory(community=hdev, uploaded_by=leader, title="Our budget figures", classification="confidential")
    soon = timezone.now() + dt.timedelta(days=10)
    EventFactory(community=hdev, created_by=leader, title="Market dialogue on e-trucks", kind="market_dialogue",
                 is_public=True, starts_at=soon, online_link="https://meet.example/secret-room")
    EventFactory(community=hdev, created_by=leader, title="Members' planning call", starts_at=soon)
    EventFactory(community=hdev, created_by=leader, title="Last year's public webinar", is_public=True,
                 starts_at=timezone.now() - dt.timedelta(days=20))
    return hdev, social


def test_anyone_sees_each_community_its_leaders_and_members_by_country(client, communities):
    answer = client.get(URL)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Heavy-duty electric vehicles" in page and "Closed: requests to join are reviewed" in page
    assert "Social procurement" in page and "Open: anyone signed in may join" in page
    assert "Electric buses and trucks." in page and "Big Buyers Working Together 2023" in page
    assert "<dd class=\"col-sm-9\">Stadt Lindenau</dd>" in page
    assert "4 members" in page
    assert '<tr><th scope="row">Germany</th><td>2</td></tr>' in page
    assert '<tr><th scope="row">France</th><td>1</td></tr>' in page
    assert '<tr><th scope="row">Country not given</th><td>1</td></tr>' in page
    assert "Joint specifications" in page and "Market dialogue on e-trucks" in page


def test_nothing_confidential_and_no_person_reaches_the_public_page(client, communities):
    page = client.get(URL).content.decode()
    for secret in ("Our budget figures", "Members' planning call", "Last year's public webinar",
                   "meet.example", "Anna Keller", "anna.keller@", "Marc Dubois", "marc.dubois@", "eva@seeufer"):
        assert secret not in page, secret


def test_the_way_in_for_someone_not_signed_in(client, communities):
    page = client.get(URL).content.decode()
    assert 'href="/signin/?next=/communities/hdev/join/">Sign in to ask to join Heavy-duty electric vehicles' in page
    assert 'href="/signin/?next=/communities/social/join/">Sign in to join Social procurement' in page
    # The survey that formed it is closed: a late expression of interest.
    assert '<a href="/campaigns/bbwt-2023/survey/closed/">Send a late expression of interest</a>' in page
    assert client.get("/campaigns/bbwt-2023/survey/closed/").status_code == 302  # sign in first


def test_the_way_in_for_a_signed_in_buyer_joins_an_open_community_at_once(client, communities):
    hdev, social = communities
    buyer = UserFactory(email="buyer@valdoro.example")
    client.force_login(buyer)
    page = client.get(URL).content.decode()
    assert f'action="/communities/{social.slug}/join/"' in page and "Join Social procurement</button>" in page
    assert 'href="/communities/hdev/join/">Ask to join Heavy-duty electric vehicles' in page
    assert client.post(f"/communities/{social.slug}/join/").status_code == 302
    JoinRequest.objects.create(community=hdev, user=buyer, message="We plan a tender.")
    page = client.get(URL).content.decode()
    assert "You are a member." in page and 'href="/communities/social/">Open the space of Social procurement' in page
    assert "Your request to join is waiting for a decision." in page
    assert Membership.objects.filter(community=social, user=buyer).exists()


def test_an_open_survey_is_the_way_in(client):
    campaign = CampaignFactory(slug="open-survey", name="Working Together 2027")
    CommunityFactory(slug="ict", name="Sustainable ICT", campaign=campaign)
    page = client.get(URL).content.decode()
    assert '<a href="/campaigns/open-survey/">Answer the survey</a>' in page
    assert "late expression of interest</a>" not in page


def test_the_public_page_reads_as_many_queries_for_many_communities_as_for_one(client):
    def queries() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    def community(n: int) -> None:
        item = CommunityFactory(campaign=CampaignFactory(), name=f"Community {n}")
        for m in range(3):
            MembershipFactory(community=item, role="leader" if m == 0 else "member",
                              organisation=OrganisationFactory(country=["DE", "FR", "IT"][m]))
        DocumentFactory(community=item, classification="public")
        EventFactory(community=item, is_public=True, starts_at=timezone.now() + dt.timedelta(days=n + 1))

    community(0)
    few = queries()
    for n in range(1, 8):
        community(n)
    assert queries() == few
    client.force_login(UserFactory())
    signed_in = queries()
    community(9)
    assert queries() == signed_in
