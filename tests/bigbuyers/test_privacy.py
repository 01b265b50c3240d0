"""GDPR: a person downloads what is held about them, has it erased, and old campaigns expire."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from bigbuyers import privacy
from bigbuyers.models import User
from surveys.models import AreaInterest, Response
from tests.factories import CampaignFactory, ResponseFactory, UserFactory, interest

pytestmark = pytest.mark.django_db


def test_export_holds_the_account_answers_and_consent(client, campaign):
    person = UserFactory(email="eva@westerhaven.example")
    response = ResponseFactory(campaign=campaign, respondent=person, contact_name="Eva de Vries",
                               consent_version="2026-11", consent_at=timezone.now())
    interest(response, "hdev")
    ResponseFactory(campaign=campaign, contact_name="Someone Else")
    client.force_login(person)
    answer = client.get(reverse("account_export"))
    assert answer["Content-Disposition"].startswith("attachment")
    data = json.loads(answer.content)
    assert data["account"]["email"] == "eva@westerhaven.example"
    [mine] = data["survey_responses"]
    assert mine["consent"]["privacy_notice_version"] == "2026-11"
    assert ["Name", "Eva de Vries"] in mine["answers"][1]["rows"]
    assert "Someone Else" not in answer.content.decode()


def test_erasure_removes_personal_fields_and_keeps_anonymous_statistics(client, campaign):
    person = UserFactory(email="eva@westerhaven.example")
    response = ResponseFactory(campaign=campaign, respondent=person, contact_name="Eva de Vries",
                               contact_phone="+31 20 123 4567", interview_notes="Call me on Tuesdays")
    interest(response, "hdev")
    client.force_login(person)
    refused = client.post(reverse("account"), {})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()

    assert client.post(reverse("account"), {"confirm": "on"})["Location"] == reverse("home")

    response.refresh_from_db()
    assert (response.contact_name, response.contact_phone, response.interview_notes) == ("", "", "")
    assert AreaInterest.objects.filter(response=response).count() == 1, "the interest still counts"
    person.refresh_from_db()
    assert not person.is_active and person.email.endswith("@erased.invalid")
    assert not User.objects.filter(email="eva@westerhaven.example").exists()
    assert client.get(reverse("account")).status_code == 302, "signed out"


def test_erasure_keeps_a_colleagues_contact_on_a_shared_response(campaign):
    owner, colleague = UserFactory(), UserFactory()
    response = ResponseFactory(campaign=campaign, respondent=owner, contact_name="Owner Name")
    response.respondents.create(user=colleague, campaign=campaign)
    privacy.erase_personal_data(colleague)
    response.refresh_from_db()
    assert response.contact_name == "Owner Name"
    assert list(response.respondents.values_list("user", flat=True)) == [owner.pk]


def test_retention_erases_contacts_of_long_closed_campaigns_only():
    old = CampaignFactory(opens_at=timezone.now() - dt.timedelta(days=1200), deadline=timezone.now() - dt.timedelta(days=1000))
    recent = CampaignFactory(opens_at=timezone.now() - dt.timedelta(days=60), deadline=timezone.now() - dt.timedelta(days=30))
    stale = ResponseFactory(campaign=old, contact_name="Old Contact")
    fresh = ResponseFactory(campaign=recent, contact_name="Recent Contact")
    assert privacy.expire_personal_data(older_than=dt.timedelta(days=730)) == 1
    assert Response.objects.get(pk=stale.pk).contact_name == ""
    assert Response.objects.get(pk=fresh.pk).contact_name == "Recent Contact"
    assert privacy.expire_personal_data(older_than=dt.timedelta(days=730)) == 0


def test_account_pages_need_a_signed_in_person(client):
    assert client.get(reverse("account")).status_code == 302
    assert client.get(reverse("account_export")).status_code == 302


def test_a_staff_members_authenticator_app_is_in_the_export_without_its_secret_and_goes_with_erasure():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import StaffFactory

    staff, colleague = StaffFactory(), StaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)
    TOTPDevice.objects.create(user=colleague, name="Authenticator app", confirmed=True)
    data = privacy.export_personal_data(staff)
    assert data["two_factor_devices"] == [{"name": "Authenticator app", "confirmed": True, "last_used_at": None}]
    assert device.key not in json.dumps(data)
    privacy.erase_personal_data(staff)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert TOTPDevice.objects.filter(user=colleague).exists()
