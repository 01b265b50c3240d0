"""What a French or German buyer reads in the survey: the eligibility outcome, the public-law questions, the
report's date and the dashboard's counts."""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from surveys import dashboard
from surveys.eligibility import POLICY_2023, Applicant, BodyType, assess
from tests.factories import CampaignFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def test_the_outcome_names_the_country_given_without_your_and_with_its_article():
    # The same reason is shown to the secretariat on the decision page: it is not "your" country there.
    result = assess(Applicant(country="CH", body_type=BodyType.LOCAL_AUTHORITY), POLICY_2023)
    with translation.override("fr"):
        assert str(result.reasons[0]).startswith(
            "Le pays indiqué (Suisse) ne fait pas partie des pays pouvant participer à cette campagne (")
    with translation.override("de"):  # "Schweiz gehört nicht …" lacks its article
        assert str(result.reasons[0]).startswith(
            "Das angegebene Land (Schweiz) gehört nicht zu den Ländern, die an dieser Kampagne teilnehmen können (")


def test_the_public_law_questions_ask_about_the_body_in_french(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    url = reverse("survey_step", args=[campaign.slug, "organisation"])
    page = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "L'organisme a-t-il été créé pour satisfaire spécifiquement des besoins d'intérêt général" in page
    assert "L'organisme est-il doté de la personnalité juridique\xa0?" in page
    assert "A-t-elle été créée" not in page and "Est-elle dotée" not in page


def test_the_report_is_dated_as_each_language_writes_dates(monkeypatch):
    campaign = CampaignFactory(time_zone="Europe/Brussels")
    moment = dt.datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Europe/Brussels"))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    written = {}
    for language in ("en", "fr", "de"):
        with translation.override(language):
            written[language] = dashboard.generated_at(campaign)
    assert written == {"en": "2 December 2026, 09:30 (Europe/Brussels)", "fr": "2 décembre 2026 09:30 (Europe/Brussels)",
                       "de": "2. Dezember 2026 09:30 (Europe/Brussels)"}


def test_the_dashboard_counts_submitted_responses_in_the_french_plural(campaign):
    with translation.override("fr"):
        section = dashboard.responses_section(campaign)
    overview = next(table for table in section.tables if table.key == "responses")
    assert [row.label for row in overview.rows] == ["Commencées", "Brouillons", "Soumises"]
