"""Eligibility as a respondent meets it in a real browser, right after the organisation step (2023 policy:
EU and EEA take part and are reimbursed)."""

from __future__ import annotations

import pytest

from surveys.eligibility import Outcome
from surveys.models import Response
from tests.browser.checks import axe_violations
from tests.browser.helpers import sign_in
from tests.factories import CampaignFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign_2023(db):  # type: ignore[no-untyped-def]
    return CampaignFactory(slug="bbwt", name="Big Buyers Working Together",
                           eligible_country_groups=["EU", "EEA"], reimbursed_country_groups=["EU", "EEA"])


def _answer_organisation(page, live_server, campaign, *, name: str, country: str, body_type: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page.context, UserFactory(), live_server)
    page.goto(f"/campaigns/{campaign.slug}/survey/organisation/")
    page.get_by_label("Name of the organisation").fill(name)
    page.get_by_label("Country").select_option(country)
    page.get_by_label(body_type, exact=True).check()
    page.get_by_role("button", name="Save and continue").click()


@pytest.mark.parametrize(("name", "country", "body_type", "why"), [
    ("Acme Electric Trucks SA", "FR", "Private company", "A private company is not a contracting authority"),
    ("City of Springfield", "US", "Local authority", "United States of America is not among the countries"),
    ("Stadt Zürich", "CH", "Local authority", ("Switzerland is not among the countries that can take part in this "
                                               "campaign (EU-27, EEA)")),
])
def test_body_that_cannot_take_part_sees_why_and_the_observer_group_offer(
        page, live_server, campaign_2023, name, country, body_type, why):  # type: ignore[no-untyped-def]
    _answer_organisation(page, live_server, campaign_2023, name=name, country=country, body_type=body_type)

    page.get_by_role("heading", name="Can your organisation take part?").wait_for()
    outcome = page.locator(".eligibility-outcome")
    assert outcome.get_by_role("heading", name="Your organisation cannot join the groups.").is_visible()
    assert why in outcome.inner_text()
    offer = outcome.get_by_role("link", name="Join the Observer Group")
    assert offer.get_attribute("href") == "/observers/"
    assert not axe_violations(page)

    # The answers are kept and still welcome: the survey goes on.
    response = Response.objects.get(organisation__name=name)
    assert response.eligibility == Outcome.NOT_ELIGIBLE
    page.get_by_role("link", name="Continue the survey").click()
    page.get_by_role("heading", name="Contact person").wait_for()


def test_municipality_is_told_it_can_take_part_and_continues_to_the_contact_step(page, live_server, campaign_2023):  # type: ignore[no-untyped-def]
    _answer_organisation(page, live_server, campaign_2023, name="Oslo kommune", country="NO", body_type="Local authority")

    page.get_by_role("heading", name="Contact person").wait_for()
    assert page.url.endswith(f"/campaigns/{campaign_2023.slug}/survey/contact/")
    message = page.get_by_text("Your organisation can take part in this campaign.")
    assert message.is_visible()
    assert "Travel to in-person meetings is reimbursed for bodies from Norway" in message.inner_text()
    assert page.get_by_role("link", name="Join the Observer Group").count() == 0
    assert Response.objects.get(organisation__name="Oslo kommune").eligibility == Outcome.ELIGIBLE


def test_body_that_needs_review_is_told_the_secretariat_will_check_and_goes_on(page, live_server, campaign_2023):  # type: ignore[no-untyped-def]
    _answer_organisation(page, live_server, campaign_2023, name="Syndicat mixte des eaux", country="FR",
                         body_type="Other, or not sure")

    page.get_by_role("heading", name="The secretariat will check whether your organisation can take part.").wait_for()
    assert page.get_by_text("You can complete and submit the survey").is_visible()
    page.get_by_role("link", name="Continue the survey").click()
    page.get_by_role("heading", name="Contact person").wait_for()
