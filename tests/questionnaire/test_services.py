"""Questionnaire services: retire rather than delete, the wording history, copies, the shape's rules, and
personal answers in erasure and retention."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from bigbuyers.privacy import erase_personal_data, expire_personal_data
from surveys.questionnaire import services
from surveys.questionnaire.models import Answer, AnswerChoice, Choice, QuestionnairePage
from surveys.questionnaire.rules import PageSpec, QuestionSpec, check_structure
from surveys.questionnaire.structure import questionnaire_of
from surveys.steps import STEP_SLUGS
from tests.factories import CampaignFactory, ResponseFactory, StaffFactory
from tests.questionnaire.build import pages, question

pytestmark = pytest.mark.django_db


def _answer(response, q, **fields):
    return Answer.objects.create(response=response, question=q, version=q.version, **fields)


def test_a_question_with_answers_is_retired_not_deleted(campaign):
    q = question(pages(campaign, ("p", "P", 2))["p"], "budget", "number")
    unanswered = question(QuestionnairePage.objects.get(key="p"), "spare", "short_text")
    _answer(ResponseFactory(campaign=campaign), q, number=5)
    with pytest.raises(services.QuestionHasAnswers):
        services.delete_question(q)
    with pytest.raises(ProtectedError):  # and the database refuses it too
        q.delete()
    services.retire_question(q)
    q.refresh_from_db()
    assert q.is_retired and Answer.objects.filter(question=q).count() == 1
    assert [x.key for x in questionnaire_of(campaign.pk).page("p").asked] == ["spare"]
    services.delete_question(unanswered)
    assert not type(q).objects.filter(key="spare").exists()


def test_a_ticked_choice_cannot_be_deleted_only_retired(campaign):
    q = question(pages(campaign, ("p", "P", 2))["p"], "fleet", "one_choice", choices=["buses", "trucks"])
    answer = _answer(ResponseFactory(campaign=campaign), q)
    buses = q.choices.get(key="buses")
    AnswerChoice.objects.create(answer=answer, choice=buses)
    with pytest.raises(ProtectedError):
        buses.delete()
    services.retire_choice(buses)
    assert Choice.objects.get(pk=buses.pk).retired_at is not None
    q.choices.get(key="trucks").delete()  # never ticked: it goes


def test_each_change_of_wording_is_kept_with_who_and_when_and_answers_keep_theirs(campaign):
    staff = StaffFactory()
    q = question(pages(campaign, ("p", "P", 2))["p"], "fleet", "one_choice", "Your fleet", choices=["buses"])
    first = _answer(ResponseFactory(campaign=campaign), q)
    assert services.record_wording(q, by=staff) is None  # nothing changed
    q.label_fr = "Votre flotte"
    q.save()
    second = services.record_wording(q, by=staff)
    assert (second.version, second.changed_by, q.version) == (2, staff, 2)
    assert second.texts["label"] == {"en": "Your fleet", "fr": "Votre flotte", "de": ""}
    choice = q.choices.get()
    choice.label = "Electric buses"
    choice.save()
    third = services.record_wording(q, by=staff)
    assert third.version == 3 and third.texts["choices"]["buses"]["en"] == "Electric buses"
    assert first.version == 1 and list(q.wordings.values_list("version", flat=True)) == [3, 2, 1]


def test_a_questionnaire_is_copied_from_an_earlier_campaign_in_every_language(campaign):
    earlier = CampaignFactory()
    rows = pages(earlier, ("budget", "Budget", 2))
    rows["budget"].title_fr = "Budget prévu"
    rows["budget"].save()
    kept = question(rows["budget"], "range", "one_choice", "Budget range", choices=["small", "large"],
                    relevant="${body_type} = 'central_purchasing_body'")
    kept.label_de = "Budgetrahmen"
    kept.save()
    retired = question(rows["budget"], "old", "short_text")
    services.retire_question(retired)
    assert services.copy_questionnaire(earlier, campaign, by=None) == 1
    copied = questionnaire_of(campaign.pk)
    assert copied.keys == [*STEP_SLUGS[:3], "budget", *STEP_SLUGS[3:]]
    (q,) = copied.page("budget").questions
    assert (q.key, q.label_de, q.relevant, [c.key for c in q.choices.all()]) == (
        "range", "Budgetrahmen", "${body_type} = 'central_purchasing_body'", ["small", "large"])
    assert copied.page("budget").row.title_fr == "Budget prévu" and q.wordings.count() == 1


def test_a_questionnaire_with_answers_is_not_replaced_by_a_copy(campaign):
    q = question(pages(campaign, ("p", "P", 2))["p"], "budget", "number")
    _answer(ResponseFactory(campaign=campaign), q, number=1)
    with pytest.raises(services.QuestionnaireHasAnswers):
        services.copy_questionnaire(CampaignFactory(), campaign, by=None)
    assert questionnaire_of(campaign.pk).page("p") is not None


def _spec(*kinds: str, **questions: list[QuestionSpec]) -> list[PageSpec]:
    return [PageSpec(kind=k if k in STEP_SLUGS else "custom", key=k, questions=questions.get(k, [])) for k in kinds]


def test_the_shape_rules_name_what_is_wrong():
    good = _spec("organisation", "contact", "plans", "interests", "purchases", "consent",
                 plans=[QuestionSpec("joint")])
    assert check_structure(good) == []
    problems = check_structure(_spec("contact", "organisation", "plans", "consent", "interests",
                                     plans=[QuestionSpec("x", per_area=True), QuestionSpec("y", relevant="${z} = 1")]))
    assert "The organisation page comes first and the contact page second." in problems
    assert "The consent page comes last." in problems
    assert "question “x”: a question asked per area comes after the areas of interest." in problems
    assert any("“${z}” is not a question of an earlier page" in p for p in problems)
    assert check_structure(_spec("organisation", "contact", "interests", "review", "consent")) == [
        "page “review”: “review” is a name the portal uses itself; choose another key."]
    # A question may read the questions before it on its own page (decided when the page is sent), not after.
    same_page = _spec("organisation", "contact", "interests", "p", "consent",
                      p=[QuestionSpec("a"), QuestionSpec("b", relevant="${a} = 'x'")])
    assert check_structure(same_page) == []
    after = _spec("organisation", "contact", "interests", "p", "consent",
                  p=[QuestionSpec("b", relevant="${a} = 'x'"), QuestionSpec("a")])
    assert any("“${a}” is not a question of an earlier page" in p for p in check_structure(after))
    renamed = _spec("organisation", "contact", "interests", "consent")
    renamed[2].key, renamed[3].relevant = "areas", "${body_type} = 'x'"
    assert check_structure(renamed) == [
        "page “areas”: a built-in page's key is its kind, “interests”.",
        "page “consent”: a built-in page is always asked; conditions go on your own pages and questions."]
    missing = check_structure(_spec("organisation", "contact", "consent"))
    assert "The page “Areas of interest (always asked)” is always part of a questionnaire." in missing


def test_erasure_and_retention_remove_the_answers_that_may_identify_a_person(campaign, user):
    rows = pages(campaign, ("p", "P", 2))
    email = question(rows["p"], "colleague", "email")
    named = question(rows["p"], "partner", "short_text", personal_data=True)
    plain = question(rows["p"], "budget", "number")
    response = ResponseFactory(campaign=campaign, respondent=user)
    for q, fields in ((email, {"text": "a@b.example"}), (named, {"text": "Mr X"}), (plain, {"number": 3})):
        _answer(response, q, **fields)
    erase_personal_data(user)
    assert list(Answer.objects.values_list("question__key", flat=True)) == ["budget"]

    old = CampaignFactory(deadline=timezone.now() - dt.timedelta(days=800))
    q = question(pages(old, ("p2", "P", 2))["p2"], "who", "email")
    _answer(ResponseFactory(campaign=old), q, text="who@city.example")
    expire_personal_data(older_than=dt.timedelta(days=730))
    assert not Answer.objects.filter(question=q).exists()
