"""No shared cache keeps a personal response: `Cache-Control: private, no-store` (bigbuyers/middleware.py).

Every URL outside the admin is checked by the access matrix (tests/security/matrix.py) for every signed-in
person and for every page reached by a signed link; these tests add the admin, its exports, what an
anonymous visitor's own session holds, and show that public pages stay cacheable.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ResponseFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _private(answer) -> bool:  # type: ignore[no-untyped-def]
    cache_control = answer.get("Cache-Control", "")
    return "private" in cache_control and "no-store" in cache_control


def test_admin_pages_and_exports_are_private(client):
    campaign = ResponseFactory().campaign_id
    client.force_login(StaffFactory())
    download = reverse("admin:bigbuyers_exportrecord_download", args=["responses", "csv"])
    for url in (reverse("admin:index"), reverse("admin:surveys_response_changelist"),
                f"{download}?campaign={campaign}", f"{download.replace('.csv', '.xlsx')}?campaign={campaign}"):
        answer = client.get(url)
        assert answer.status_code == 200 and _private(answer), (url, answer.get("Cache-Control"))


def test_errors_to_signed_in_people_are_private(client, user):
    assert not _private(client.get("/no-such-page/"))
    client.force_login(user)
    assert _private(client.get("/no-such-page/"))


def test_an_anonymous_visitors_session_data_is_private(client, committed):
    with committed():
        client.post(reverse("signin"), {"email": "eva@gemeente.example"})
    sent = client.get(reverse("signin_sent"))
    assert "eva@gemeente.example" in sent.content.decode() and _private(sent)


def test_public_pages_seen_anonymously_stay_cacheable(client, campaign):
    for url in (reverse("home"), reverse("campaign_detail", args=[campaign.slug]), reverse("accessibility")):
        assert not _private(client.get(url)), url
