"""The organisation step's country list, written once per language (surveys.forms.PrebuiltOptionsSelect)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from surveys.forms import OrganisationForm, PrebuiltOptionsSelect, country_choices
from tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def _select(html: str) -> str:
    return re.search(r"<select name=\"country\".*?</select>", html, re.S).group(0)


def test_each_form_marks_its_own_country_and_only_that_one() -> None:
    with translation.override("en"):
        french = _select(str(OrganisationForm(initial={"country": "FR"})["country"]))
        german = _select(str(OrganisationForm(initial={"country": "DE"})["country"]))
        empty = _select(str(OrganisationForm()["country"]))

    assert french.count(" selected") == 1 and '<option value="FR" selected>France</option>' in french
    assert german.count(" selected") == 1 and '<option value="DE" selected>Germany</option>' in german
    assert '<option value="FR">France</option>' in german  # the first form's choice did not stay in the list
    assert empty.count(" selected") == 1 and '<option value="" selected>Choose a country</option>' in empty
    assert french.count("<option ") == german.count("<option ") == 250


def test_the_list_is_written_in_each_language_and_does_not_mix_them() -> None:
    with translation.override("fr"):
        french = _select(str(OrganisationForm(initial={"country": "DE"})["country"]))
    with translation.override("en"):
        english = _select(str(OrganisationForm(initial={"country": "DE"})["country"]))

    assert '<option value="DE" selected>Allemagne</option>' in french and "Choisissez un pays" in french
    assert '<option value="DE" selected>Germany</option>' in english and "Allemagne" not in english


def test_a_country_refused_keeps_the_field_described_by_its_error_next_to_it(client, campaign) -> None:
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    url = reverse("survey_step", args=[campaign.slug, "organisation"])

    html = client.post(url, {"name": "Ville de Lyon", "country": "", "body_type": "local_authority"}).content.decode()

    select = _select(html)
    assert 'aria-invalid="true"' in select and 'aria-describedby="id_country_error"' in select
    assert 'class="prebuiltoptionsselect form-select is-invalid"' in select
    after = html[html.index(select) + len(select):]
    assert after.startswith('<div id="id_country_error" class="invalid-feedback">')
    assert "Choose the country where your organisation is established." in after[:300]
    assert '<option value="" selected>' in select


@pytest.mark.parametrize("options", [country_choices, lambda: [("FR", "France"), ("DE", "Germany")], list])
def test_required_is_written_when_djangos_select_would_write_it(options) -> None:
    with translation.override("en"):
        ours, djangos = PrebuiltOptionsSelect(options_of=options), forms.Select(choices=options())
        assert ours.use_required_attribute(None) == djangos.use_required_attribute(None)
        assert '<select name="country" id="id_country" required>' in _select(str(OrganisationForm()["country"]))
