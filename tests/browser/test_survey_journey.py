"""What a public buyer does in a browser: answer the survey, leave, come back, submit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from surveys.models import Campaign, Response, ResponseStatus
from tests.browser.helpers import link_in_last_email, sign_in
from tests.factories import CampaignFactory, ResponseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "eva.devries@westerhaven.example"


def _ask_for_link(page, slug: str) -> None:
    page.goto(f"/campaigns/{slug}/")
    page.get_by_role("link", name="Start the survey").click()
    page.get_by_label("Your work e-mail address").fill(EMAIL)
    page.get_by_role("button", name="Send me the link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()


def _follow_link(page) -> None:
    page.goto(link_in_last_email(EMAIL))
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_new_respondent_answers_leaves_resumes_and_submits(page):
    campaign = CampaignFactory(slug="bbwt", name="Big Buyers Working Together")
    _ask_for_link(page, campaign.slug)
    _follow_link(page)

    # Organisation: a first try without a type of body keeps what was typed.
    page.get_by_label("Name of the organisation").fill("Gemeente Westerhaven")
    page.get_by_label("Country").select_option("NL")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert page.get_by_label("Name of the organisation").input_value() == "Gemeente Westerhaven"
    assert page.get_by_label("Country").input_value() == "NL"
    page.get_by_label("Local authority").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("Your full name").fill("Eva de Vries")
    page.get_by_label("Job title").fill("Strategic buyer")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("group", name="Heavy-duty electric vehicles").get_by_label("High priority").check()
    page.get_by_role("group", name="Circular construction").get_by_label("Interested", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("Product, service or work").fill("Electric refuse trucks")
    page.get_by_label("CPV code (optional)").fill("34144511-3")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Challenges and unmet needs").wait_for()

    # Leave, and come back on another device with a new e-mailed link.
    page.context.clear_cookies()
    _ask_for_link(page, campaign.slug)
    _follow_link(page)
    page.get_by_role("heading", name="Challenges and unmet needs").wait_for()
    page.get_by_label("Challenges in “Heavy-duty electric vehicles”").fill("Too few charging points at depots.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # recommendations are optional

    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Video call").check()
    page.get_by_label("Tuesday morning").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Review and submit").wait_for()
    assert page.get_by_text("Electric refuse trucks").is_visible()
    assert page.get_by_text("Too few charging points at depots.").is_visible()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Thank you: your answers are submitted").wait_for()

    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.organisation.name == "Gemeente Westerhaven"
    confirmation = [m for m in mail.outbox if "submitted" in m.subject]
    assert len(confirmation) == 1 and confirmation[0].to == [EMAIL]
    assert "Electric refuse trucks" in confirmation[0].body and "Tuesday morning" in confirmation[0].body


def test_deadline_passing_while_typing_refuses_the_save_but_keeps_the_text(page, live_server):
    campaign = CampaignFactory(slug="closing")
    response = ResponseFactory(campaign=campaign, recommendations="draft from yesterday")
    sign_in(page.context, response.respondents.get().user, live_server)
    page.goto(f"/campaigns/{campaign.slug}/survey/recommendations/")
    box = page.get_by_label("What should the initiative do for public buyers like you? (optional)")
    box.fill("Please organise a market dialogue on electric trucks.")
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="The deadline has passed: this page was not saved").wait_for()
    assert box.input_value() == "Please organise a market dialogue on electric trucks."
    response.refresh_from_db()
    assert response.recommendations == "draft from yesterday"
    page.get_by_role("link", name="Send a late expression of interest").click()
    page.get_by_role("heading", name="The survey is closed").wait_for()
    assert page.get_by_text("draft from yesterday").is_visible()
