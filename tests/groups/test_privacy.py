"""A person's group offers and Observer Group entry in their data export; the entry goes with erasure."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bigbuyers.privacy import erase_personal_data, export_personal_data
from groups.models import GroupOffer, ObserverSubscription, OfferRole
from groups.services import formation as services
from tests.factories import CampaignFactory, submitted_body

pytestmark = pytest.mark.django_db


def test_offers_and_the_observer_group_are_exported_and_the_subscription_erased(staff, committed):
    campaign = CampaignFactory()
    body = submitted_body(campaign, {"hdev": 2}, email="anna@lindenau.example", name="Stadt Lindenau")
    run = services.create_run(campaign, by=staff, groups=1, min_size=1)
    with committed():
        services.queue_run(run)
    services.publish_run(run, by=staff)
    user = body.respondents.get().user
    services.accept_offer(GroupOffer.objects.get(), role=OfferRole.LEADER, by=user)
    ObserverSubscription.objects.create(email="Anna@Lindenau.example", confirmed_at=timezone.now())

    data = export_personal_data(user)["group_formation"]
    (offer,) = data["group_offers"]
    assert (offer["organisation"], offer["status"], offer["role"], offer["answered_by_you"]) == (
        "Stadt Lindenau", "accepted", "leader", True)
    assert data["observer_group"][0]["email"] == "Anna@Lindenau.example"

    erase_personal_data(user)
    assert not ObserverSubscription.objects.exists()
    assert GroupOffer.objects.get().status == "accepted", "the commitment stays with the organisation"
