"""The error pages: in the portal's layout and the visitor's language, and rendered without the
database, the cache or any context processor (they show when one of those is what failed)."""

from __future__ import annotations

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from bigbuyers import errors

pytestmark = pytest.mark.django_db


class BrokenCache(BaseCache):
    """A cache that fails whatever it is asked."""

    def __init__(self, server: str, params: dict[str, object]) -> None:
        super().__init__(params)

    def __getattribute__(self, name: str) -> object:
        if name in {"get", "set", "add", "delete", "has_key", "incr", "get_many", "set_many", "touch", "clear"}:
            raise ConnectionError(f"the cache was asked to {name}")
        return super().__getattribute__(name)


def broken_context_processor(request: object) -> dict[str, object]:
    raise AssertionError("a context processor ran")


@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("fr", "Page introuvable"),
                                                   ("de", "Seite nicht gefunden")])
def test_the_404_page_is_in_the_visitors_language_and_the_portals_layout(client, language, heading):
    answer = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    html = answer.content.decode()
    assert answer.status_code == 404
    assert f'<html lang="{language}">' in html and f"<h1>{heading}</h1>" in html
    assert 'href="/static/css/portal.css"' in html and 'href="/accessibility/"' in html and "big.buyers@example.eu" in html


def test_the_500_page_renders_with_no_database_no_cache_and_no_context_processors(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "tests.bigbuyers.test_errors.BrokenCache"}}
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {
        **settings.TEMPLATES[0]["OPTIONS"],
        "context_processors": ["tests.bigbuyers.test_errors.broken_context_processor"]}}]

    def no_database(self: object, *args: object, **kwargs: object) -> None:
        raise AssertionError("the database was used")

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the page")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", no_database)
    monkeypatch.setattr("surveys.selectors.published_campaigns", bug)
    client = Client(raise_request_exception=False)
    answer = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de")
    html = answer.content.decode()
    assert answer.status_code == 500
    assert "<h1>Ein Fehler ist aufgetreten</h1>" in html and "Bitte versuchen Sie es in einer Minute erneut." in html


def test_in_the_survey_the_500_and_503_pages_say_that_saved_steps_are_kept():
    request = RequestFactory().get("/campaigns/bbwt/survey/contact/")
    request.resolver_match = resolve("/campaigns/bbwt/survey/contact/")
    try:
        raise OperationalError("connection to server failed: timeout expired")
    except OperationalError:
        unavailable = errors.server_error(request)  # as Django calls it, while handling the exception
    crashed = errors.server_error(request)
    assert unavailable.status_code == 503 and unavailable["Retry-After"] == "60"
    assert crashed.status_code == 500
    for answer in (unavailable, crashed):
        assert "The steps of the survey you saved before are kept." in answer.content.decode()
    elsewhere = RequestFactory().get("/")
    elsewhere.resolver_match = resolve("/")
    assert "steps of the survey" not in errors.server_error(elsewhere).content.decode()


def test_the_400_and_403_pages(client):
    answer = client.get("/", HTTP_HOST="not-allowed.example")  # DisallowedHost: a bad request
    assert answer.status_code == 400 and "<h1>Request not understood</h1>" in answer.content.decode()
    refused = errors.permission_denied(RequestFactory().get("/"))
    assert refused.status_code == 403 and "<h1>Access refused</h1>" in refused.content.decode()


def test_a_form_sent_without_its_csrf_token_says_the_form_expired():
    client = Client(enforce_csrf_checks=True)
    answer = client.post(reverse("signin"), {"email": "eva@city.example"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 403 and "<h1>Le formulaire a expiré</h1>" in answer.content.decode()
