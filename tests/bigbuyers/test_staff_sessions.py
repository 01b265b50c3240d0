"""How staff sign in: an e-mailed link opens a plain person's session, the admin and every power of the
secretariat need the password (and the code, with an authenticator app).

Both ways in are taken as a person takes them: the link asked for at /signin/ and opened, the password
typed in the admin's sign-in form, for a superuser, for staff with and without an app, and while
django-axes has locked the password sign-in.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.bigbuyers.test_two_factor import current_code, enrolled_staff
from tests.factories import CommunityFactory, StaffFactory
from tests.signin import post_password, request_and_open_link, sign_in_with_link, sign_in_with_password

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def _to_admin_login(answer) -> bool:
    return answer.status_code == 302 and answer["Location"].startswith(reverse("admin:login"))


def test_a_superuser_signed_in_by_link_is_sent_to_the_password(client, committed):
    boss = StaffFactory(email="boss@secretariat.example")  # a superuser
    signed_in = request_and_open_link(client, boss.email, committed)
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"
    assert client.get(reverse("account")).status_code == 200  # signed in, as a person
    answer = client.get(ADMIN)
    assert _to_admin_login(answer), answer.status_code
    login_page = client.get(answer["Location"])
    html = login_page.content.decode()
    assert login_page.status_code == 200 and 'name="password"' in html
    assert "with an e-mailed link" in html and "needs your password" in html
    # Every admin address, the custom ones included, is closed to this session.
    for url in (reverse("admin:surveys_campaign_changelist"), reverse("admin:bigbuyers_exportrecord_changelist"),
                reverse("admin:groups_matchingrun_demand_index"),
                reverse("admin:bigbuyers_exportrecord_download", args=["responses", "csv"])):
        assert _to_admin_login(client.get(url)), url

    typed = post_password(client, boss.email)
    assert typed.status_code == 302 and typed["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_staff_with_an_app_signed_in_by_link_give_the_password_then_the_code(client, committed):
    staff, device = enrolled_staff()
    request_and_open_link(client, staff.email, committed)
    answer = client.get(ADMIN)
    assert _to_admin_login(answer)
    # The code alone does not make a link's session the secretariat's: the password comes first.
    assert client.get(answer["Location"]).status_code == 200
    for name in ("two_factor", "two_factor_verify", "two_factor_remove"):
        assert _to_admin_login(client.get(reverse(name))), name
    assert client.post(reverse("two_factor_verify"), {"code": current_code(device)}).status_code == 302
    assert _to_admin_login(client.get(ADMIN))

    typed = post_password(client, staff.email)
    assert typed.status_code == 302 and typed["Location"].startswith(reverse("two_factor_verify"))
    assert _to_admin_login(client.get(ADMIN))
    given = client.post(reverse("two_factor_verify"), {"code": current_code(device), "next": ADMIN})
    assert given.status_code == 302 and given["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_link_cannot_enrol_an_authenticator_app_on_a_staff_account(client, staff):
    sign_in_with_link(client, staff)
    assert _to_admin_login(client.get(reverse("two_factor")))
    assert _to_admin_login(client.post(reverse("two_factor"), {"code": "123456"}))
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_signing_in_by_link_after_the_password_leaves_a_plain_session(client, staff):
    sign_in_with_password(client, staff)
    assert client.get(ADMIN).status_code == 200
    sign_in_with_link(client, staff)
    assert _to_admin_login(client.get(ADMIN))


def test_while_axes_locks_the_password_a_link_still_opens_only_a_plain_session(client, settings, committed):
    staff = StaffFactory(email="locked@secretariat.example")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_password(client, staff.email, "wrong-password")
    assert post_password(client, staff.email).status_code == 429  # locked, even with the right password
    request_and_open_link(client, staff.email, committed)
    assert client.get(reverse("account")).status_code == 200
    assert _to_admin_login(client.get(ADMIN))
    space = reverse("communities:threads", args=[CommunityFactory().slug])
    assert client.get(space).status_code == 404
    assert post_password(client, staff.email).status_code == 429


@pytest.mark.parametrize("with_app", [False, True])
def test_in_the_communities_a_link_session_is_a_plain_person_and_the_password_the_secretariat(client, committed, with_app):
    if with_app:
        staff, device = enrolled_staff()
    else:
        staff, device = StaffFactory(email="plain@secretariat.example"), None
    space = reverse("communities:threads", args=[CommunityFactory().slug])
    request_and_open_link(client, staff.email, committed)
    assert client.get(space).status_code == 404  # not asked for a code: an outsider's answer

    post_password(client, staff.email)
    if device is not None:
        asked = client.get(space)
        assert asked.status_code == 302 and asked["Location"] == f"{reverse('two_factor_verify')}?{urlencode({'next': space})}"
        client.post(reverse("two_factor_verify"), {"code": current_code(device), "next": space})
    assert client.get(space).status_code == 200


def test_the_header_offers_the_admin_to_staff_whatever_the_session(client, staff):
    # The link to the admin stays: it leads to the password, which is the way in.
    sign_in_with_link(client, staff)
    assert f'href="{reverse("admin:index")}"' in client.get(reverse("home")).content.decode()
