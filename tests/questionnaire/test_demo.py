"""The demo's campaigns carry their questionnaires as data, and the open demo survey shows a page of its own
with a conditional question and a question asked per area."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.demo import load_demo
from surveys.models import Campaign, Response
from surveys.questionnaire.models import Answer
from surveys.questionnaire.structure import questionnaire_of
from surveys.steps import STEP_SLUGS

pytestmark = pytest.mark.django_db


def test_the_demo_campaigns_carry_their_questionnaires(client):
    load_demo(staff_email="staff@demo.example", staff_password="demo-password-123")
    c2020, c2023, open_survey = (Campaign.objects.get(slug=s) for s in (
        "climate-environment-2020", "working-together-2023", "working-together-demo"))
    assert questionnaire_of(c2020.pk).keys == list(STEP_SLUGS) and not questionnaire_of(c2020.pk).is_default
    role = questionnaire_of(c2023.pk).page("role").questions[0]
    assert role.per_area and Answer.objects.filter(question=role).exists()
    questionnaire = questionnaire_of(open_survey.pk)
    assert questionnaire.keys[:5] == ["organisation", "contact", "interests", "joint", "central"]
    questions = {q.key: q for q in questionnaire.questions}
    assert questions["joint_partners"].relevant == "${joint_procurement} = 'yes'"
    assert questions["next_tender"].per_area and questionnaire.page("central").relevant
    assert questions["joint_procurement"].label_fr.startswith("Achèteriez-vous")

    # A demo respondent sees the page in French, with the per-area question for each area it chose.
    response = Response.objects.filter(campaign=open_survey).first()
    client.force_login(response.respondents.first().user)
    page = client.get(reverse("survey_step", args=[open_survey.slug, "joint"]), HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert page.status_code == 200 and "Achats conjoints" in html and "Quand lancez-vous votre prochain marché ?" in html
    assert "Seulement si «\xa0Achèteriez-vous conjointement" in html
    campaign_page = client.get(reverse("campaign_detail", args=[open_survey.slug]), HTTP_ACCEPT_LANGUAGE="de")
    assert "offene Demo-Umfrage" in campaign_page.content.decode()
