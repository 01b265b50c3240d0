"""What a French or German member reads in a community: event registration, amounts, e-mail links."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bigbuyers.outbox import render_email
from communities.models import Registration, TravelClaim
from tests.factories import CampaignFactory, CommunityFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):  # type: ignore[no-untyped-def]
    membership = MembershipFactory(community=CommunityFactory(slug="hdev"), user=UserFactory(email="m@city.example"))
    client.force_login(membership.user)
    return membership


def test_the_german_event_page_says_registered_for_this_event_not_signed_in(client, member):
    event = EventFactory(community=member.community, starts_at=timezone.now() + dt.timedelta(days=5))
    url = reverse("communities:event", args=["hdev", event.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Sie sind nicht für diese Veranstaltung angemeldet." in page
    assert "Sie sind nicht angemeldet." not in page  # reads as "you are not signed in"
    Registration.objects.create(event=event, user=member.user, status="registered")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Sie sind für diese Veranstaltung angemeldet." in page


def test_a_claim_shows_its_amounts_as_french_writes_them(client, member):
    member.community.campaign = CampaignFactory()
    member.community.save()
    event = EventFactory(community=member.community, in_person=True, place="Rome",
                         starts_at=timezone.now() - dt.timedelta(hours=3))
    claim = TravelClaim.objects.create(event=event, membership=member, travel=Decimal("120.40"),
                                       accommodation=Decimal("0"), subsistence=Decimal("15"), other=Decimal("0"),
                                       status="rejected", status_reason="Pas de justificatif")
    url = reverse("communities:claim", args=["hdev", claim.pk])
    french = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "135,40\xa0€" in french and "€135" not in french
    assert "Rejetée\xa0: Pas de justificatif" in french
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€135.40" in english and "Rejected: Pas de justificatif" in english
    listing = html.unescape(client.get(reverse("communities:claims", args=["hdev"]), HTTP_ACCEPT_LANGUAGE="de")
                            .content.decode())
    assert "135,40\xa0€" in listing


def test_the_link_of_a_plain_text_e_mail_is_introduced_as_french_punctuates(member):
    context = {"community": member.community, "author": member.user, "body": "Bonjour", "url": "https://x.example/t/1",
               "thread": {"title": "T"}}
    _, french, _ = render_email("community_new_message", context, language="fr")
    _, english, _ = render_email("community_new_message", context, language="en")
    assert "Lire et répondre\xa0:\nhttps://x.example/t/1" in french
    assert "Read and reply:\nhttps://x.example/t/1" in english
