"""What the layout renders once per language ({% per_language %}) and what stays per person and per page."""

from __future__ import annotations

import re

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory


def test_a_per_language_block_is_rendered_once_per_language() -> None:
    template = engines["django"].from_string(
        "{% load i18n portal %}{% per_language %}{{ n }} {% translate 'Language' %}{% end_per_language %}|{{ n }}")

    with translation.override("en"):
        first, second = template.render({"n": 1}), template.render({"n": 2})
    with translation.override("fr"):
        french = template.render({"n": 3})
    with translation.override("en"):
        again = template.render({"n": 4})

    assert (first, second, french, again) == ("1 Language|1", "1 Language|2", "3 Langue|3", "1 Language|4")


def _csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


@pytest.mark.django_db
def test_the_layout_shows_each_persons_state_language_and_page_whatever_came_first(campaign) -> None:
    anonymous, anna, ben = Client(), Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    anna.force_login(UserFactory(email="anna@lindenau.example"))
    ben.force_login(UserFactory(email="ben@lindenau.example"))

    first = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = anna.get(f"/campaigns/{campaign.slug}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = ben.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Sign in" in first and "Sign out" not in first and "My communities" not in first
    assert '<html lang="fr">' in french and "Langue" in french and "Déclaration d'accessibilité" in french
    assert re.search(r'<option value="fr" lang="fr" selected>', french)
    assert "anna@lindenau.example" in french and "Se déconnecter" in french and "Mes communautés" in french
    assert f'name="next" type="hidden" value="/campaigns/{campaign.slug}/"' in french
    assert re.search(r'<option value="en" lang="en" selected>', english) and "Langue" not in english
    assert "ben@lindenau.example" in english and "anna@lindenau.example" not in english
    assert 'name="next" type="hidden" value="/privacy/"' in english
    # Each person's forms carry a token of their own session (language and sign-out forms).
    assert len(_csrf_tokens(french)) == 2 and len(_csrf_tokens(english)) == 2
    assert anna.cookies["csrftoken"].value != ben.cookies["csrftoken"].value
    signed_out = anna.post("/signout/", {"csrfmiddlewaretoken": _csrf_tokens(french)[1]})
    assert signed_out.status_code == 302
