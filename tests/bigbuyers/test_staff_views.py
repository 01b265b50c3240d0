"""bigbuyers/staff_views.py: an admin page of our own opens for a staff session holding its permission.

The access matrix (tests/security/test_access_matrix.py) checks every such page for each kind of person;
these tests check the wrapper's rules: a view permission comes with the change permission, every one of
several permissions is needed, an export's permission is its kind's, and a page refused is a 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import MatchingRun
from tests.factories import CampaignFactory, StaffFactory, staff_with
from tests.signin import sign_in_with_link, sign_in_with_password

pytestmark = pytest.mark.django_db


def test_a_page_that_asks_to_view_opens_with_the_change_permission_too(client):
    campaign = CampaignFactory()
    url = reverse("admin:surveys_campaign_dashboard", args=[campaign.pk])
    for permissions, status in [((), 403), (("surveys.add_campaign",), 403), (("surveys.view_campaign",), 200),
                                (("surveys.change_campaign",), 200)]:
        sign_in_with_password(client, staff_with(*permissions))
        assert client.get(url).status_code == status, permissions


def test_a_page_that_asks_for_several_permissions_needs_every_one(client):
    run = MatchingRun.objects.create(campaign=CampaignFactory(), groups=1, label="First")
    url = reverse("admin:groups_matchingrun_copy", args=[run.pk])
    for permissions in [("groups.change_matchingrun",), ("groups.add_matchingrun",)]:
        sign_in_with_password(client, staff_with(*permissions))
        assert client.post(url).status_code == 403, permissions
    assert MatchingRun.objects.count() == 1
    sign_in_with_password(client, staff_with("groups.change_matchingrun", "groups.add_matchingrun"))
    assert client.post(url).status_code == 302 and MatchingRun.objects.count() == 2


def test_a_download_needs_the_permission_of_its_kind(client):
    sign_in_with_password(client, staff_with("bigbuyers.export_groups"))
    assert client.get(reverse("admin:bigbuyers_exportrecord_download", args=["observers", "csv"])).status_code == 200
    assert client.get(reverse("admin:bigbuyers_exportrecord_download", args=["responses", "csv"])).status_code == 403
    assert client.get(reverse("admin:bigbuyers_exportrecord_download", args=["nothing", "csv"])).status_code == 404
    assert client.get(reverse("admin:bigbuyers_exportrecord_download", args=["observers", "pdf"])).status_code == 404


def test_extending_a_deadline_without_the_permission_is_refused_with_403(client):
    """It used to send such staff to the admin's index; every page of our own now answers 403."""
    campaign = CampaignFactory()
    url = reverse("admin:surveys_campaign_extend_deadline", args=[campaign.pk])
    sign_in_with_password(client, staff_with("surveys.view_campaign"))
    refused = client.post(url, {"new_deadline": "2099-01-01T12:00", "reason": "More time"})
    assert refused.status_code == 403
    campaign.refresh_from_db()
    assert campaign.deadline < timezone.now().replace(year=2098)


def test_a_session_opened_by_link_is_sent_to_the_admins_sign_in_whatever_its_permissions(client):
    campaign = CampaignFactory()
    sign_in_with_link(client, StaffFactory())  # a superuser
    answer = client.get(reverse("admin:surveys_campaign_dashboard", args=[campaign.pk]))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("admin:login"))
