"""Staff two-factor authentication in Chromium: its pages pass axe-core and the Nu HTML Checker, and a
staff member turns it on from the admin, then signs in with the password and a code."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.checks import check_pages
from tests.browser.helpers import staff_with_app
from tests.browser.pages import two_factor_pages
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_factor_pages_are_accessible_and_valid(page, live_server):
    users = {"staff": StaffFactory(email="secretariat@bigbuyers.example"), "staff-with-app": staff_with_app()}

    def same_page_then_the_codes_message(visit, answer):
        assert answer.status == 200 and answer.url == live_server.url + visit.path, visit
        if visit.submit_empty_form:
            assert "Enter the 6-digit code your app shows." in page.content(), visit

    check_pages(page, two_factor_pages(), users, live_server, after=same_page_then_the_codes_message)


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given `secret` (as the page shows it) displays, `steps_ahead` 30 s later."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_staff_turn_on_two_factor_then_sign_in_with_a_code(page, live_server):
    StaffFactory(email="secretariat@bigbuyers.example")

    def sign_in_with_password() -> None:
        page.goto("/admin/login/")
        page.get_by_label("E-mail address").fill("secretariat@bigbuyers.example")
        page.get_by_label("Password").fill("staff-password-123")
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()

    sign_in_with_password()
    page.get_by_role("link", name="Two-factor authentication").click()
    assert page.locator("svg.two-factor-qr").is_visible()
    secret = page.locator(".two-factor-secret").inner_text()
    page.get_by_label("6-digit code from your app").fill("000 000" if _code(secret) != "000000" else "111 111")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    assert page.locator("#id_code_error").inner_text().startswith("This code is not right")
    assert page.locator(".two-factor-secret").inner_text() == secret  # the same app set-up still counts
    time.sleep(1.1)  # one wrong code: django-otp makes the next try wait a second
    page.get_by_label("6-digit code from your app").fill(_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    assert "Two-factor authentication is on" in page.locator("main").inner_text()

    page.get_by_role("button", name="Log out").click()
    sign_in_with_password()
    assert page.url.startswith(f"{live_server.url}/admin/two-factor/verify/")
    page.get_by_label("6-digit code from your app").fill(_code(secret, steps_ahead=1))  # a code is used once
    page.get_by_role("button", name="Continue").click()
    assert page.url == f"{live_server.url}/admin/"
    assert page.get_by_role("link", name="Two-factor authentication").is_visible()
