"""The viewer's own time zone, from the browser: stored once in a cookie, read back by the server."""

from __future__ import annotations

import pytest

from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Counts the page's writes to document.cookie (a DevTools init script, which the CSP does not govern).
COUNT_COOKIE_WRITES = """
(() => {
  const own = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  window.cookieWrites = [];
  Object.defineProperty(Document.prototype, "cookie", {
    configurable: true,
    get() { return own.get.call(this); },
    set(value) { window.cookieWrites.push(value); own.set.call(this, value); },
  });
})();
"""


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_the_deadline_is_shown_in_the_browsers_own_time_zone(browser, live_server, zone):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(slug="open", time_zone="Europe/Brussels")
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id=zone)
    context.add_init_script(COUNT_COOKIE_WRITES)
    page = context.new_page()
    try:
        page.goto(f"/campaigns/{campaign.slug}/")  # the first visit knows no zone yet: the script stores it
        page.wait_for_function("document.cookie.indexOf('tz=') !== -1")
        page.goto(f"/campaigns/{campaign.slug}/")
        page.wait_for_load_state("load")
        text = page.locator("main").inner_text()
        assert "(Europe/Brussels)" in text and "In your time zone:" in text and f"({zone})" in text
        assert page.evaluate("window.cookieWrites") == [], "the zone is already stored: no need to write it again"
    finally:
        context.close()
