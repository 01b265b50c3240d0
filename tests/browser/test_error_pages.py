"""The error pages (404, 500, 503, and the expired form) in Chromium, in English, French and German:
no serious axe-core violation, no Nu HTML Checker error, no CSP violation (the `page` fixture)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from tests.browser.checks import axe_violations, html_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["en-GB", "fr-FR", "de-DE"], indirect=True)
def test_the_error_pages_are_accessible_and_valid(page, monkeypatch):
    failure: dict[str, type[Exception] | None] = {"error": None}

    def campaigns(*args: object, **kwargs: object) -> list[object]:
        if failure["error"] is not None:
            raise failure["error"]("the page failed")
        return []

    monkeypatch.setattr("surveys.selectors.published_campaigns", campaigns)
    documents: dict[str, str] = {}
    failures: dict[str, list[dict]] = {}
    for name, path, error, status in [("not found", "/no-such-page/", None, 404), ("server error", "/", RuntimeError, 500),
                                      ("unavailable", "/", OperationalError, 503)]:
        failure["error"] = error
        answer = page.goto(path)
        assert answer is not None and answer.status == status, name
        documents[name] = answer.text()
        if violations := axe_violations(page):
            failures[name] = violations
    # A form sent after its CSRF cookie was lost: "the form has expired".
    failure["error"] = None
    page.goto("/signin/")
    page.context.clear_cookies()
    page.locator("input[name=email]").fill("eva@city.example")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("h1").inner_text() in {"The form has expired", "Le formulaire a expiré", "Das Formular ist abgelaufen"}
    documents["form expired"] = page.content()
    if violations := axe_violations(page):
        failures["form expired"] = violations
    assert not failures, failures
    assert not html_errors(documents)
