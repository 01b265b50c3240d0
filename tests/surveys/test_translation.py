"""The campaign's own texts (name, summary, introduction, areas) in the reader's language, falling back to English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import ThematicArea
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_campaign_page_shows_the_texts_typed_in_the_readers_language_and_english_where_none(client):
    campaign = CampaignFactory(slug="bbwt", name="Working Together", introduction="What the initiative is.")
    campaign.name_fr, campaign.introduction_fr = "Travailler ensemble", "Ce qu'est l'initiative."
    campaign.save()
    ThematicArea.objects.filter(campaign=campaign, code="hdev").update(
        name_fr="Véhicules électriques lourds", description_en="Buses and trucks.")

    french = client.get(reverse("campaign_detail", args=["bbwt"]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Travailler ensemble" in french and "Ce qu&#x27;est l&#x27;initiative." in french
    assert "Véhicules électriques lourds" in french
    assert "Buses and trucks." in french  # no French description: the English one
    assert "Zero-emission construction sites" in french  # no French name: the English one

    german = client.get(reverse("campaign_detail", args=["bbwt"]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Working Together" in german and "Heavy-duty electric vehicles" in german


def test_a_campaign_typed_before_translations_keeps_its_english_texts(client):
    campaign = CampaignFactory(name="Big Buyers 2023")
    campaign.refresh_from_db()
    assert campaign.name_en == "Big Buyers 2023" and campaign.name_fr is None
