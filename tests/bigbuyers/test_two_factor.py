"""Staff two-factor authentication: enrolment, the code after the password, removal, the forced mode,
and throttled, logged wrong codes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from base64 import b32encode
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import CommunityFactory, StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "staff-password-123"  # StaffFactory's
ADMIN = "/admin/"


def current_code(device: TOTPDevice) -> str:
    """The code the person's app shows now.

    A code is accepted once; a test that needs another one lets the 30-second step pass by forgetting
    the last accepted step, as the clock would.
    """
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = current_code(device)
    return "000000" if right != "000000" else "111111"


def enrolled_staff(email: str = "enrolled@secretariat.example") -> tuple[object, TOTPDevice]:
    staff = StaffFactory(email=email)
    return staff, TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)


def sign_in_with_password(client, staff):  # type: ignore[no-untyped-def]
    return client.post(reverse("admin:login") + f"?next={ADMIN}", {"username": staff.email, "password": PASSWORD})


def test_enrolment_shows_the_qr_code_and_the_secret_in_text(client, staff):
    client.force_login(staff)
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    html = page.content.decode()
    (pending,) = TOTPDevice.objects.filter(user=staff)
    assert not pending.confirmed
    secret = b32encode(pending.bin_key).decode()
    assert '<svg width="' in html and 'class="two-factor-qr"' in html
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    assert 'autocomplete="one-time-code"' in html
    # Reloading shows the same secret: the app the person already set up stays valid.
    assert client.get(reverse("two_factor")).content.decode().count(secret[:4]) >= 1
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_a_wrong_code_keeps_the_form_and_turns_nothing_on(client, staff):
    client.force_login(staff)
    client.get(reverse("two_factor"))
    pending = TOTPDevice.objects.get(user=staff)
    code = wrong_code(pending)
    answer = client.post(reverse("two_factor"), {"code": code})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'id="id_code_error"' in html and "This code is not right" in html
    assert f'value="{code}"' in html and 'aria-invalid="true"' in html
    assert 'href="#id_code"' in html  # the error summary links to the field
    assert b32encode(pending.bin_key).decode()[:4] in html  # the same secret, nothing to scan again
    assert not TOTPDevice.objects.get(pk=pending.pk).confirmed
    assert client.post(reverse("two_factor"), {"code": "12a456"}).status_code == 400


def test_a_right_code_turns_two_factor_on_for_this_session(client, staff):
    client.force_login(staff)
    client.get(reverse("two_factor"))
    pending = TOTPDevice.objects.get(user=staff)
    answer = client.post(reverse("two_factor"), {"code": current_code(pending)})
    assert answer.status_code == 302 and answer["Location"] == reverse("two_factor")
    assert TOTPDevice.objects.get(pk=pending.pk).confirmed
    status = client.get(reverse("two_factor"))
    assert status.status_code == 200 and "Two-factor authentication is on" in status.content.decode()
    assert client.get(ADMIN).status_code == 200  # the code just given counts for this session


def test_staff_without_an_app_sign_in_with_their_password_only(client, staff):
    answer = sign_in_with_password(client, staff)
    assert answer.status_code == 302 and answer["Location"] == ADMIN
    admin_index = client.get(ADMIN)
    assert admin_index.status_code == 200
    assert f'href="{reverse("two_factor")}"' in admin_index.content.decode()  # in the user tools


def test_the_admin_asks_for_the_code_after_the_password(client):
    staff, device = enrolled_staff()
    answer = sign_in_with_password(client, staff)
    assert answer.status_code == 302 and answer["Location"] == f"{reverse('two_factor_verify')}?next=%2Fadmin%2F"
    # No admin page opens before the code, and the sign-in page sends back to the code, not the password.
    campaigns = reverse("admin:surveys_campaign_changelist")
    to_login = client.get(campaigns)
    assert to_login.status_code == 302 and to_login["Location"].startswith(reverse("admin:login"))
    to_code = client.get(to_login["Location"])
    assert to_code.status_code == 302 and to_code["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("two_factor")).status_code == 302
    page = client.get(to_code["Location"])
    assert page.status_code == 200 and f'action="{reverse("signout")}"' in page.content.decode()
    assert f'href="{campaigns}"' not in page.content.decode()  # no side bar of the admin's lists yet

    refused = client.post(reverse("two_factor_verify"), {"code": wrong_code(device), "next": campaigns})
    assert refused.status_code == 400 and "This code is not right" in refused.content.decode()
    assert client.get(ADMIN).status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    accepted = client.post(reverse("two_factor_verify"), {"code": current_code(device), "next": campaigns})
    assert accepted.status_code == 302 and accepted["Location"] == campaigns
    assert client.get(campaigns).status_code == 200
    assert client.get(ADMIN).status_code == 200


def test_the_code_step_never_sends_elsewhere(client):
    staff, device = enrolled_staff()
    client.force_login(staff)
    answer = client.post(reverse("two_factor_verify"), {"code": current_code(device), "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == ADMIN


def test_a_code_is_accepted_only_once(client):
    staff, device = enrolled_staff()
    client.force_login(staff)
    code = current_code(device)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    other = type(client)()
    other.force_login(staff)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert other.post(reverse("two_factor_verify"), {"code": code}).status_code == 400


def test_wrong_codes_are_throttled_and_logged(client, caplog):
    staff, device = enrolled_staff()
    client.force_login(staff)
    with caplog.at_level(logging.WARNING, logger="bigbuyers.two_factor"):
        client.post(reverse("two_factor_verify"), {"code": wrong_code(device)}, REMOTE_ADDR="192.0.2.7")
        # The right code, straight after a wrong one, must wait: django-otp's throttling.
        throttled = client.post(reverse("two_factor_verify"), {"code": current_code(device)}, REMOTE_ADDR="192.0.2.7")
    assert throttled.status_code == 400 and "Too many wrong codes" in throttled.content.decode()
    assert client.get(ADMIN).status_code == 302
    messages = [record.getMessage() for record in caplog.records if record.name == "bigbuyers.two_factor"]
    assert any("refused" in m and f"user {staff.pk}" in m and "192.0.2.7" in m for m in messages), messages
    assert any("throttled" in m for m in messages), messages
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1


def test_removal_needs_a_current_code(client):
    staff, device = enrolled_staff()
    client.force_login(staff)
    assert client.get(reverse("two_factor_remove")).status_code == 302  # the code first
    client.post(reverse("two_factor_verify"), {"code": current_code(device)})
    assert client.get(reverse("two_factor_remove")).status_code == 200

    refused = client.post(reverse("two_factor_remove"), {"code": wrong_code(device)})
    assert refused.status_code == 400 and 'id="id_code_error"' in refused.content.decode()
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    removed = client.post(reverse("two_factor_remove"), {"code": current_code(device)})
    assert removed.status_code == 302 and removed["Location"] == reverse("two_factor")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    client.logout()
    assert sign_in_with_password(client, staff)["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_forced_mode_makes_staff_enrol_before_the_admin(client, staff, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    answer = sign_in_with_password(client, staff)
    assert answer.status_code == 302 and answer["Location"] == f"{reverse('two_factor')}?next=%2Fadmin%2F"
    assert client.get(ADMIN).status_code == 302
    page = client.get(answer["Location"])
    assert page.status_code == 200 and "asks every staff member for a code" in page.content.decode()
    pending = TOTPDevice.objects.get(user=staff)
    confirmed = client.post(answer["Location"], {"code": current_code(pending), "next": ADMIN})
    assert confirmed.status_code == 302 and confirmed["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_forced_mode_is_off_by_default_and_read_from_the_environment():
    script = "from django.conf import settings; print(settings.STAFF_REQUIRE_TWO_FACTOR)"
    outputs = []
    for value in (None, "1"):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.test_settings"}
        env.pop("STAFF_REQUIRE_TWO_FACTOR", None)
        if value:
            env["STAFF_REQUIRE_TWO_FACTOR"] = value
        run = subprocess.run([sys.executable, "manage.py", "shell", "-c", script],  # noqa: S603
                             capture_output=True, text=True, env=env, timeout=120, check=False)
        outputs.append(run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr)
    assert outputs == ["False", "True"]


def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(client, user):
    client.force_login(user)
    for name in ("two_factor", "two_factor_remove", "two_factor_verify"):
        answer = client.get(reverse(name))
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("admin:login")), name
    assert not TOTPDevice.objects.exists()


def test_the_device_admin_lists_devices_without_their_secret(client, staff):
    _, device = enrolled_staff()
    client.force_login(staff)
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200 and "enrolled@secretariat.example" in listing.content.decode()
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200 and device.key not in change.content.decode()


def test_outside_the_admin_too_the_secretariats_powers_wait_for_the_code(client):
    # Signed in with the password alone, a staff member with an app is not yet the secretariat in the
    # communities: a space they are not a member of asks for the code first, then opens. (With an e-mailed
    # link they are not the secretariat at all: tests/bigbuyers/test_staff_sessions.py.)
    staff, device = enrolled_staff()
    space = reverse("communities:threads", args=[CommunityFactory().slug])
    client.force_login(staff)
    asked = client.get(space)
    assert asked.status_code == 302 and asked["Location"] == f"{reverse('two_factor_verify')}?{urlencode({'next': space})}"
    page = client.get(asked["Location"])
    assert page.status_code == 200 and f'value="{space}"' in page.content.decode()
    back = client.post(reverse("two_factor_verify"), {"code": current_code(device), "next": space})
    assert back.status_code == 302 and back["Location"] == space
    assert client.get(space).status_code == 200


def test_a_member_of_the_staff_asked_for_the_code_is_no_wiser_about_a_space_that_does_not_exist(client):
    staff, _device = enrolled_staff()
    client.force_login(staff)
    assert client.get(reverse("communities:threads", args=["no-such-community"])).status_code == 404


def test_staff_without_an_app_are_the_secretariat_in_the_communities(client, staff):
    client.force_login(staff)
    assert client.get(reverse("communities:overview", args=[CommunityFactory().slug])).status_code == 200
