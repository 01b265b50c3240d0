"""What the secretariat and buyers read in French and German about matching and interviews."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from groups.matching import parse_problem, solve
from groups.models import InterviewStatus, MatchingRun
from tests.factories import CampaignFactory


def test_a_french_explanation_separates_its_reasons_as_french_does():
    problem = parse_problem({"areas": ["hdev", "zecs"], "groups": 2, "min_size": 1, "max_size": 1,
                             "max_groups_per_body": 2, "bodies": [
                                 {"id": "b1", "country": "FR", "interest": {"hdev": 3, "zecs": 3}},
                                 {"id": "b2", "country": "DE", "interest": {"hdev": 1, "zecs": 1}}]})
    with translation.override("fr"):
        explanation = solve(problem).explanations["b2"]
    assert explanation.startswith("Non placé\xa0: le groupe pour hdev était complet")
    assert "intérêt plus élevé\xa0; le groupe pour zecs" in explanation
    assert "; " not in explanation.replace("\xa0; ", "")


def test_interview_subjects_put_french_spaces_before_the_colon():
    context = {"organisation": {"name": "Ville de Montclair"}, "campaign": {"name": "BBWT"}}
    with translation.override("fr"):
        booked = render_to_string("emails/interview_booked_subject.txt", context).strip()
        moved = render_to_string("emails/interview_booked_subject.txt", {**context, "moved": True}).strip()
        cancelled = render_to_string("emails/interview_cancelled_subject.txt", context).strip()
    assert booked == "Entretien réservé\xa0: Ville de Montclair – BBWT"
    assert moved == "Entretien déplacé\xa0: Ville de Montclair – BBWT"
    assert cancelled == "Entretien annulé\xa0: Ville de Montclair – BBWT"
    with translation.override("en"):
        english = render_to_string("emails/interview_booked_subject.txt", context).strip()
    assert english == "Interview booked: Ville de Montclair – BBWT"


@pytest.mark.django_db
def test_a_run_is_named_in_the_readers_language():
    run = MatchingRun(pk=7, campaign=CampaignFactory(name="BBWT"), label="essai")
    with translation.override("fr"):
        assert str(run) == "BBWT\xa0: exécution 7 – essai"
    with translation.override("de"):
        assert str(run) == "BBWT: Lauf 7 – essai"
    assert str(run) == "BBWT: run 7 – essai"


def test_a_cancelled_interview_is_masculine_in_french():
    # "Cancelled" is also an activity's and a registration's status, both feminine in French.
    with translation.override("fr"):
        assert str(InterviewStatus.CANCELLED.label) == "Annulé"
