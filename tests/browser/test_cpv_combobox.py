"""The CPV code field in Chromium: a combobox that suggests codes while typing, used with the keyboard alone,
clean for axe-core and under the strict CSP (the `page` fixture fails on a violation); and the search without
JavaScript, whose results the server lists under the field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.models import PlannedPurchase
from surveys.steps import STEP_SLUGS
from tests.browser.checks import axe_violations
from tests.browser.helpers import sign_in
from tests.factories import CampaignFactory, ResponseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def respondent(page, live_server):
    campaign = CampaignFactory(slug="open")
    user = UserFactory(email="buyer@lindenau.example")
    response = ResponseFactory(campaign=campaign, respondent=user, steps_done=list(STEP_SLUGS))
    sign_in(page.context, user, live_server)
    return response


def test_a_code_is_found_by_words_and_chosen_with_the_keyboard(page, respondent):
    page.goto("/campaigns/open/survey/purchases/")
    page.get_by_label("Product, service or work").fill("Electric city buses")
    box = page.get_by_role("combobox", name="CPV code (optional)")
    box.press_sequentially("electric bu", delay=20)
    listbox = page.get_by_role("listbox", name="CPV codes found")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("option", name="34144910-0 – Electric buses")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("codes found")
    assert axe_violations(page) == [], "the open combobox"

    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    chosen = first.inner_text()
    box.press("Enter")  # chooses, and does not submit the page
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value(chosen.split(" ")[0])
    expect(page.locator("#id_purchases-0-cpv_code_chosen")).to_have_text(chosen.replace(" – ", ": ", 1))
    assert page.url.endswith("/survey/purchases/")

    box.fill("")
    box.press_sequentially("solar pan", delay=20)
    expect(page.get_by_role("option", name="09331000-8 – Solar panels")).to_be_visible()
    box.press("Escape")  # closes the list and keeps what was typed
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("solar pan")

    box.fill("")
    box.press_sequentially("3414491", delay=20)  # a number: by prefix
    expect(page.get_by_role("option", name="34144910-0 – Electric buses")).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/survey/challenges/")
    assert PlannedPurchase.objects.get(response=respondent).cpv_code == "34144910-0"


def test_without_javascript_the_codes_found_are_listed_to_choose_from(browser, live_server, respondent):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    sign_in(context, respondent.respondents.get().user, live_server)
    page = context.new_page()
    try:
        page.goto("/campaigns/open/survey/purchases/")
        page.get_by_label("Product, service or work").fill("Photovoltaic panels")
        page.get_by_label("CPV code (optional)").fill("solar panels")
        page.get_by_role("button", name="Save and continue").click()
        codes = page.get_by_role("group", name="CPV codes found for “solar panels”: choose one, then save")
        expect(codes).to_be_visible()
        codes.get_by_label("09331000-8 – Solar panels").check()
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url("**/survey/challenges/")
    finally:
        context.close()
    assert PlannedPurchase.objects.get(response=respondent).cpv_code == "09331000-8"
