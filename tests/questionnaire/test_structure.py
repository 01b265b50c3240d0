"""What a questionnaire's conditions read, and which pages can change what a response is asked."""

from __future__ import annotations

import pytest

from surveys.questionnaire.models import QuestionnairePage
from surveys.questionnaire.structure import questionnaire_of
from tests.questionnaire.build import pages, question

pytestmark = pytest.mark.django_db


def test_the_names_conditions_read(campaign):
    rows = pages(campaign, ("plans", "Plans", 2), ("later", "Later", 4))
    question(rows["plans"], "joint", "yes_no")
    question(rows["later"], "partners", "short_text", relevant="${joint} = 'yes' and ${body_type} != 'other'")
    question(rows["later"], "broken", "short_text", relevant="${joint} = ")  # does not parse: asked, reads nothing
    assert questionnaire_of(campaign.pk).reads == {"joint", "body_type"}


def test_which_pages_are_asked_depends_on_answers_only_when_a_page_could_be_left_out_by_one(campaign):
    rows = pages(campaign, ("plans", "Plans", 2), ("later", "Later", 4))
    question(rows["plans"], "joint", "yes_no")
    question(rows["later"], "always", "short_text")
    partners = question(rows["later"], "partners", "short_text", relevant="${joint} = 'yes'")
    # "Later" asks a question whatever the answers: shown whenever its own condition (none) holds.
    assert not questionnaire_of(campaign.pk).pages_read_answers

    rows["later"].questions.filter(key="always").update(relevant="${body_type} != 'other'")
    assert questionnaire_of(campaign.pk).pages_read_answers  # its only unconditional question is gone
    rows["later"].questions.filter(pk=partners.pk).update(relevant="${size} = 'large'")
    assert not questionnaire_of(campaign.pk).pages_read_answers  # built-in answers only
    QuestionnairePage.objects.filter(pk=rows["later"].pk).update(relevant="${joint} = 'yes'")
    assert questionnaire_of(campaign.pk).pages_read_answers  # the page's own condition


def test_a_page_decides_when_a_condition_reads_what_it_sets(campaign):
    rows = pages(campaign, ("plans", "Plans", 2), ("later", "Later", 4))
    question(rows["plans"], "joint", "yes_no")
    question(rows["plans"], "budget", "number")
    question(rows["later"], "partners", "short_text", relevant="${joint} = 'yes'")
    rows["later"].relevant = "${body_type} = 'central_purchasing_body'"
    rows["later"].save()
    questionnaire = questionnaire_of(campaign.pk)
    deciding = {page.key for page in questionnaire.pages if questionnaire.decided_by(page)}
    assert deciding == {"organisation", "plans"}  # body_type and joint; not the areas, the interview, the rest

    question(rows["later"], "per_area", "short_text", per_area=True)  # asked for each area chosen
    questionnaire = questionnaire_of(campaign.pk)
    assert {page.key for page in questionnaire.pages if questionnaire.decided_by(page)} == {
        "organisation", "plans", "interests"}
