"""The survey's list of steps (surveys/templatetags/survey_steps.py): what each person can open, where they are,
what they saved."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _steps(html: str) -> str:
    return re.search(r'<ol class="step-list">(.*?)</ol>', html, re.S).group(1)


def test_before_the_first_step_only_the_organisation_step_is_a_link(client, campaign) -> None:
    client.force_login(UserFactory())

    steps = _steps(client.get(reverse("survey_step", args=[campaign.slug, "organisation"])).content.decode())

    organisation = reverse("survey_step", args=[campaign.slug, "organisation"])
    assert f'<li><a href="{organisation}" aria-current="step">Organisation</a></li>' in steps
    assert "<li>Contact person</li>" in steps and "<li>Review and submit</li>" in steps
    assert steps.count("<a ") == 1


def test_each_step_is_a_link_the_current_one_marked_and_the_saved_ones_said_saved(client, campaign) -> None:
    response = ResponseFactory(campaign=campaign, steps_done=["organisation", "contact"])
    client.force_login(response.respondents.get().user)

    english = _steps(client.get(reverse("survey_step", args=[campaign.slug, "contact"])).content.decode())
    french = _steps(client.get(reverse("survey_step", args=[campaign.slug, "interests"]),
                               HTTP_ACCEPT_LANGUAGE="fr").content.decode())

    contact, interests = (reverse("survey_step", args=[campaign.slug, key]) for key in ("contact", "interests"))
    assert (f'<a href="{contact}" aria-current="step" class="step-done">Contact person'
            '<span class="visually-hidden"> (saved)</span></a>') in english
    assert f'<a href="{interests}">Areas of interest</a>' in english
    assert english.count('aria-current="step"') == 1 and english.count("step-done") == 2
    assert f'<a href="{interests}" aria-current="step">' in french and "(enregistrée)" in french
    assert 'aria-current="step"' not in _steps(client.get(reverse("survey_review", args=[campaign.slug])).content
                                               .decode()).split("Review and submit")[0]
