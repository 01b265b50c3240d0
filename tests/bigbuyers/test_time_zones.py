"""The viewer's zone from the `tz` cookie, as the browser's script stores it (URL-encoded)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("cookie", "shown"), [
    ("America%2FNew_York", "(America/New_York)"),  # what static/js/timezone.js writes
    ("America/New_York", "(America/New_York)"),
    ("Mars%2FOlympus", None),  # unknown: the campaign's zone only
    ("%E0%A4%A", None),  # broken encoding
])
def test_the_deadline_is_shown_in_the_zone_of_the_cookie(client, campaign, cookie, shown):
    client.cookies["tz"] = cookie
    page = client.get(reverse("campaign_detail", args=[campaign.slug])).content.decode()
    assert "(Europe/Brussels)" in page
    assert (shown in page) if shown else ("In your time zone" not in page)
