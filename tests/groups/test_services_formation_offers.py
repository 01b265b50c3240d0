"""Answering an offer from the e-mailed link (accept with a role, decline), access, reminders, establishing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from bigbuyers.reminders import send_due_reminders
from communities.models import Community, Membership
from communities.services.establishment import establish_community
from groups.models import GroupOffer, GroupStatus, OfferRole, OfferStatus, WorkingGroup
from groups.services import formation as services
from surveys.models import Respondent
from tests.factories import CampaignFactory, UserFactory, submitted_body

pytestmark = pytest.mark.django_db

AREAS = [("hdev", "Heavy-duty electric vehicles"), ("zecs", "Zero-emission construction sites")]


@pytest.fixture
def published(staff, committed):  # type: ignore[no-untyped-def]
    """One HDEV group of three bodies (minimum 2) and one ZECS group of two, published, e-mails sent."""
    campaign = CampaignFactory(areas=AREAS, expected_groups=2)
    bodies = [submitted_body(campaign, {"hdev": 2}, email=f"buyer{i}@city{i}.example", name=f"City {i}")
              for i in range(3)]
    bodies += [submitted_body(campaign, {"zecs": 2}, email=f"builder{i}@town{i}.example") for i in range(2)]
    run = services.create_run(campaign, by=staff, groups=2, min_size=2, max_size=3, max_groups_per_body=1)
    with committed():
        services.queue_run(run)
    run.refresh_from_db()
    with committed():
        services.publish_run(run, by=staff)
    mail.outbox.clear()
    return run, bodies


def _page(body, email: str | None = None) -> str:  # type: ignore[no-untyped-def]
    respondent = body.respondents.select_related("user").get(**({"user__email": email} if email else {}))
    return reverse("offer_page", args=[services.offer_token(body, respondent.user)])


def _offer(body) -> GroupOffer:  # type: ignore[no-untyped-def]
    return GroupOffer.objects.select_related("group__area").get(response=body)


def test_the_offer_page_shows_the_body_its_groups_and_why(client, published):
    _run, bodies = published
    page = client.get(_page(bodies[0]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "City 0" in html and "Heavy-duty electric vehicles" in html and "Placed in" in html
    assert "Commit to this group" in html and "Decline this group" in html
    for role in ("leader", "buyer", "follower"):
        assert f'value="{role}"' in html


def test_accepting_with_a_role_records_the_commitment_and_who_gave_it(client, published):
    _run, bodies = published
    offer = _offer(bodies[0])
    url = _page(bodies[0])
    token = url.split("/")[2]
    answer = client.post(reverse("offer_accept", args=[token, offer.pk]), {f"offer-{offer.pk}-role": "leader"})
    assert answer.status_code == 302 and answer["Location"] == reverse("offer_accepted", args=[token, offer.pk])
    offer.refresh_from_db()
    assert (offer.status, offer.role, offer.responded_by.email) == (OfferStatus.ACCEPTED, "leader",
                                                                    "buyer0@city0.example")
    assert offer.responded_at is not None
    accepted = client.get(answer["Location"]).content.decode()
    assert "Your commitment is recorded" in accepted and "Leader" in accepted


def test_accepting_without_a_role_shows_the_error_linked_to_the_role(client, published):
    _run, bodies = published
    offer = _offer(bodies[0])
    token = _page(bodies[0]).split("/")[2]
    answer = client.post(reverse("offer_accept", args=[token, offer.pk]), {})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Choose the role your organisation takes in this group." in html
    assert f'href="#id_offer-{offer.pk}-role_0"' in html
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_declining_is_recorded_and_offers_the_observer_group_filled_in(client, published):
    _run, bodies = published
    offer = _offer(bodies[1])
    token = _page(bodies[1]).split("/")[2]
    answer = client.post(reverse("offer_decline", args=[token, offer.pk]))
    assert answer["Location"] == reverse("offer_declined", args=[token, offer.pk])
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED and offer.role == "" and offer.responded_at
    html = client.get(answer["Location"]).content.decode()
    assert "You declined the group" in html and 'value="buyer1@city1.example"' in html
    assert 'action="/observers/?from=declined"' in html
    # A change of mind while the group is proposed: accepting reverses the decline.
    client.post(reverse("offer_accept", args=[token, offer.pk]), {f"offer-{offer.pk}-role": "follower"})
    offer.refresh_from_db()
    assert (offer.status, offer.role) == (OfferStatus.ACCEPTED, "follower")


def test_a_link_for_one_body_cannot_act_on_another_bodys_offer(client, published):
    _run, bodies = published
    mine = _page(bodies[0]).split("/")[2]
    theirs = _offer(bodies[1])
    for name in ("offer_accept", "offer_decline"):
        answer = client.post(reverse(name, args=[mine, theirs.pk]), {f"offer-{theirs.pk}-role": "leader"})
        assert answer.status_code == 404
        assert "This link does not work" in answer.content.decode()
    for name in ("offer_accepted", "offer_declined"):
        assert client.get(reverse(name, args=[mine, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OfferStatus.PENDING


@pytest.mark.parametrize("token", [
    "forged",
    signing.dumps([1, 1], salt="another.salt"),
    "tampered",
])
def test_a_broken_or_tampered_link_shows_a_clear_page(client, published, token):
    _run, bodies = published
    if token == "tampered":
        real = _page(bodies[0]).split("/")[2]
        token = real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB")
    answer = client.get(reverse("offer_page", args=[token]))
    assert answer.status_code == 404
    html = answer.content.decode()
    assert "This link does not work" in html and "another organisation" in html


def test_a_person_removed_from_the_response_loses_the_link(client, published):
    _run, bodies = published
    url = _page(bodies[0])
    Respondent.objects.filter(response=bodies[0]).delete()
    assert client.get(url).status_code == 404


def test_an_expired_offer_cannot_be_answered(client, published):
    _run, bodies = published
    offer = _offer(bodies[0])
    GroupOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    token = _page(bodies[0]).split("/")[2]
    answer = client.post(reverse("offer_accept", args=[token, offer.pk]), {f"offer-{offer.pk}-role": "buyer"},
                         follow=True)
    assert "can no longer be answered" in answer.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    with pytest.raises(services.OfferClosed):
        services.decline_offer(offer, by=None)


def test_an_unanswered_offer_is_reminded_once_after_a_week(published, committed):
    _run, bodies = published
    services.accept_offer(_offer(bodies[0]), role=OfferRole.BUYER, by=None)
    services.decline_offer(_offer(bodies[1]), by=None)
    colleague = UserFactory(email="colleague@town0.example")
    Respondent.objects.create(response=bodies[3], user=colleague, campaign=bodies[3].campaign)
    published_at = GroupOffer.objects.order_by("created_at").first().created_at

    assert send_due_reminders(now=published_at + dt.timedelta(days=6)) == 0
    with committed():
        assert send_due_reminders(now=published_at + dt.timedelta(days=7, minutes=1)) == 4
    reminded = sorted(m.to[0] for m in mail.outbox)
    assert reminded == ["builder0@town0.example", "builder1@town1.example", "buyer2@city2.example",
                        "colleague@town0.example"]
    message = next(m for m in mail.outbox if m.to == ["buyer2@city2.example"])
    assert message.subject.startswith("Reminder: your group offer is waiting for an answer")
    assert "Heavy-duty electric vehicles" in message.body and "/offers/" in message.body
    # Once: a second run of the periodic task sends nothing more.
    assert send_due_reminders(now=published_at + dt.timedelta(days=8)) == 0
    assert len(mail.outbox) == 4


def test_no_reminder_once_the_offer_has_expired_or_its_group_is_established(published):
    _run, _bodies = published
    published_at = GroupOffer.objects.order_by("created_at").first().created_at
    WorkingGroup.objects.filter(area__code="zecs").update(status=GroupStatus.ESTABLISHED, established_at=timezone.now())
    assert send_due_reminders(now=published_at + dt.timedelta(days=30)) == 0  # past the answer date
    assert send_due_reminders(now=published_at + dt.timedelta(days=8)) == 3  # HDEV only


def test_a_group_is_established_at_its_minimum_and_becomes_a_community_with_its_committed_people(
        published, staff, committed):
    _run, bodies = published
    group = _offer(bodies[0]).group
    services.accept_offer(_offer(bodies[0]), role=OfferRole.LEADER, by=None)
    with pytest.raises(services.NotEnoughCommitments):
        establish_community(group, by=staff)
    group.refresh_from_db()
    assert group.status == GroupStatus.PROPOSED and not Community.objects.exists()

    colleague = UserFactory(email="colleague@city1.example")
    Respondent.objects.create(response=bodies[1], user=colleague, campaign=bodies[1].campaign)
    services.accept_offer(_offer(bodies[1]), role=OfferRole.BUYER, by=None)
    services.decline_offer(_offer(bodies[2]), by=None)
    with committed():
        community = establish_community(group, by=staff)

    group.refresh_from_db()
    assert group.status == GroupStatus.ESTABLISHED and group.established_by == staff
    assert (community.source_group_id, community.area_id, community.campaign_id, community.is_open) == (
        group.pk, group.area_id, group.campaign_id, False)
    assert community.name == "Heavy-duty electric vehicles"
    members = {(m.user.email, m.role, m.organisation.name)
               for m in Membership.objects.filter(community=community).select_related("user", "organisation")}
    assert members == {("buyer0@city0.example", "leader", "City 0"), ("buyer1@city1.example", "member", "City 1"),
                       ("colleague@city1.example", "member", "City 1")}
    assert sorted(m.to[0] for m in mail.outbox) == ["buyer0@city0.example", "buyer1@city1.example",
                                                    "colleague@city1.example"]
    assert all("/signin/link/" in m.body for m in mail.outbox)

    # Again: nothing more (same community, no new e-mail); and the remaining offer is closed.
    with committed():
        assert establish_community(group, by=staff) == community
    assert len(mail.outbox) == 3 and Community.objects.count() == 1
    with pytest.raises(services.OfferClosed):
        services.accept_offer(_offer(bodies[2]), role=OfferRole.BUYER, by=None)
