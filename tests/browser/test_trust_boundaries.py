"""Trust boundaries in Chromium: a staff member who opens an e-mailed link is asked for the password before
the admin; a body too large gets a page of the portal's own; the browser's CSP reports reach the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from communities.models import Document
from tests.browser.checks import axe_violations, html_errors
from tests.browser.helpers import link_in_last_email, sign_in
from tests.conftest import wait_for
from tests.factories import PDF_BYTES, CommunityFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked(page, name: str) -> None:
    assert not axe_violations(page), name
    assert not html_errors({name: page.content()}), name


def test_a_staff_member_signed_in_by_link_gives_the_password_for_the_admin(page, live_server):
    StaffFactory(email="secretariat@bigbuyers.example")
    page.goto("/signin/")
    page.get_by_label("E-mail address").fill("secretariat@bigbuyers.example")
    page.get_by_role("button", name="Send me the link").click()
    page.goto(link_in_last_email("secretariat@bigbuyers.example"))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Secretariat", exact=True).click()  # the header's way to the admin
    assert page.url.startswith(f"{live_server.url}/admin/login/")
    assert "with an e-mailed link" in page.locator(".errornote").inner_text()
    _checked(page, "admin sign-in after a link")
    page.get_by_label("E-mail address").fill("secretariat@bigbuyers.example")
    page.get_by_label("Password").fill("staff-password-123")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.url == f"{live_server.url}/admin/"
    assert page.get_by_role("link", name="Two-factor authentication").is_visible()


def test_a_body_larger_than_the_cap_gets_the_portals_page(page, live_server, settings, tmp_path):
    settings.COMMUNITY_UPLOAD_MAX_BYTES = 8 * 1024
    settings.MAX_REQUEST_BODY_BYTES = 16 * 1024
    membership = MembershipFactory(community=CommunityFactory(slug="hdev"))
    big = Path(tmp_path) / "minutes.pdf"
    big.write_bytes(PDF_BYTES + b"%" * 40_000)
    sign_in(page.context, membership.user, live_server)
    page.goto("/communities/hdev/documents/upload/")
    page.get_by_label("Title").fill("Minutes")
    page.get_by_label("File").set_input_files(str(big))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    assert page.get_by_role("heading", name="What you sent is too large").is_visible()
    assert "8.0\xa0KB" in page.locator("main").inner_text()
    _checked(page, "body too large")
    assert not Document.objects.exists()


def test_chromium_reports_a_violation_that_the_portal_logs(browser, live_server, caplog):
    # A context of its own: the `page` fixture fails a test on any CSP violation, which is the point here.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    with caplog.at_level(logging.WARNING, logger="bigbuyers.csp"):
        page.goto("/accessibility/")
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
                      " document.body.appendChild(s); }")
        wait_for(lambda: any(r.name == "bigbuyers.csp" for r in caplog.records))
    context.close()
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bigbuyers.csp"]
    assert '"directive": "script-src-elem"' in line and f"{live_server.url}/accessibility/" in line
