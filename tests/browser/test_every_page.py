"""Every page of the registry passes axe-core (no serious or critical WCAG 2.1 A/AA violation),
the Nu HTML Checker (no error), and shows no CSP violation (the `page` fixture fails on one)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from surveys.steps import STEP_SLUGS
from tests.browser.checks import axe_violations, html_errors
from tests.browser.helpers import sign_in
from tests.browser.pages import pages
from tests.factories import CampaignFactory, OrganisationFactory, ResponseFactory, UserFactory, interest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_is_accessible_and_valid(page, live_server):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(slug="open")
    closed = CampaignFactory(slug="closed", deadline=timezone.now() - dt.timedelta(days=1))
    respondent = UserFactory(email="respondent@city.example")
    response = ResponseFactory(campaign=campaign, respondent=respondent, steps_done=list(STEP_SLUGS),
                               contact_name="Anna <b>Keller</b>", recommendations="More visits\nand dialogues")
    interest(response, "hdev")
    ResponseFactory(campaign=closed, respondent=respondent)
    newcomer = UserFactory(email="new@city.example")
    outsider = UserFactory(email="outsider@springfield.example")
    ResponseFactory(campaign=campaign, respondent=outsider, steps_done=["organisation"], eligibility="not_eligible",
                    organisation=OrganisationFactory(name="City of Springfield", country="US"))
    unsure = UserFactory(email="unsure@syndicat.example")
    ResponseFactory(campaign=campaign, respondent=unsure, steps_done=["organisation"], eligibility="needs_review",
                    organisation=OrganisationFactory(name="Syndicat mixte", body_type="other"))
    users = {"respondent": respondent, "new": newcomer, "outsider": outsider, "unsure": unsure}

    documents: dict[str, str] = {}
    failures: dict[str, list[dict]] = {}
    for visit in pages(campaign.slug, closed.slug):
        page.context.clear_cookies()
        if visit.as_user in users:
            sign_in(page.context, users[visit.as_user], live_server)
        answer = page.goto(visit.path)
        assert answer is not None and answer.status < 500, visit
        if visit.submit_empty_form:
            with page.expect_navigation():
                page.locator("main form button[type=submit]").last.click()
        documents[visit.name] = page.content() if visit.submit_empty_form else answer.text()
        violations = axe_violations(page)
        if violations:
            failures[visit.name] = violations
    assert not failures, "\n".join(f"{name}: {v}" for name, v in failures.items())
    errors = html_errors(documents)
    assert not errors, errors
