"""Custom pages in the survey: every kind of question, conditions on the server, answers asked per area,
hidden answers forgotten, the review and the e-mailed copy, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from surveys.questionnaire.models import Answer, Choice, Question, QuestionnairePage
from surveys.steps import STEP_SLUGS
from tests.factories import ResponseFactory, interest
from tests.questionnaire.build import pages, question

pytestmark = pytest.mark.django_db


def _respondent(client, campaign, **fields):
    response = ResponseFactory(campaign=campaign, **fields)
    client.force_login(response.respondents.get().user)
    return response


def _url(campaign, key: str) -> str:
    return reverse("survey_step", args=[campaign.slug, key])


@pytest.fixture
def every_kind(campaign):
    rows = pages(campaign, ("needs", "Your needs", 2))  # after the areas of interest
    page = rows["needs"]
    return {
        "short": question(page, "short", "short_text", max_length=20),
        "long": question(page, "long", "long_text"),
        "budget": question(page, "budget", "number", min_value=0, max_value=1000000, unit="EUR", required=True),
        "share": question(page, "share", "number", whole_number=False),
        "tender": question(page, "tender", "date"),
        "joint": question(page, "joint", "yes_no"),
        "fleet": question(page, "fleet", "one_choice", choices=["buses", "trucks"]),
        "region": question(page, "region", "one_choice", choices=["north", "south"], as_list=True),
        "topics": question(page, "topics", "several_choices", choices=["a", "b", "c"], min_choices=2, max_choices=2),
        "readiness": question(page, "readiness", "scale", low_label="Not ready", high_label="Ready", scale_points=7),
        "contact": question(page, "contact", "email"),
        "site": question(page, "site", "url"),
    }


GOOD = {"q_short": "Buses", "q_long": "Longer\ntext", "q_budget": "250000", "q_share": "12.5", "q_tender": "2027-03-01",
        "q_joint": "yes", "q_fleet": "trucks", "q_region": "south", "q_topics": ["a", "c"], "q_readiness": "6",
        "q_contact": "fleet@city.example", "q_site": "city.example/fleet"}


def test_every_kind_of_question_is_asked_checked_saved_and_shown_again(client, campaign, every_kind):
    response = _respondent(client, campaign)
    page = client.get(_url(campaign, "needs")).content.decode()
    assert 'type="date"' in page and 'name="q_region"' in page and "<select" in page and "7 – Ready" in page
    assert "In EUR." in page

    bad = {**GOOD, "q_short": "x" * 21, "q_budget": "-1", "q_topics": ["a"], "q_contact": "not an address",
           "q_fleet": "ferries", "q_tender": "1 March"}
    answer = client.post(_url(campaign, "needs"), bad)
    html = answer.content.decode()
    assert answer.status_code == 400 and not Answer.objects.exists()
    for message in ("Ensure this value has at most 20 characters", "greater than or equal to 0", "Choose at least 2.",
                    "Enter a valid email address.", "Choose one of the options given.", "Enter a valid date."):
        assert message in html, message
    assert 'value="not an address"' in html  # what was typed is kept

    answer = client.post(_url(campaign, "needs"), GOOD)
    assert answer.status_code == 302 and answer["Location"] == _url(campaign, "purchases")
    saved = {a.question.key: a for a in Answer.objects.filter(response=response).select_related("question")}
    assert saved["budget"].number == Decimal("250000") and saved["share"].number == Decimal("12.5")
    assert saved["tender"].date == dt.date(2027, 3, 1) and saved["joint"].boolean is True
    assert [c.key for c in saved["topics"].choices.all()] == ["a", "c"]
    assert saved["readiness"].number == 6 and saved["site"].text == "https://city.example/fleet"
    response.refresh_from_db()
    assert "needs" in response.steps_done

    again = client.get(_url(campaign, "needs")).content.decode()
    assert 'value="250000"' in again and 'value="12.5"' in again and 'value="2027-03-01"' in again
    assert 'value="c" id="id_q_topics_2" checked' in again or ('value="c"' in again and "checked" in again)

    review = client.get(reverse("survey_review", args=[campaign.slug])).content.decode()
    for shown in ("Your needs", "250000 EUR", "12.5", "2027-03-01", "Trucks", "South", "A, C", "<dd>6</dd>", "Yes",
                  "https://city.example/fleet"):
        assert shown in review, shown


def test_a_required_question_must_be_answered(client, campaign, every_kind):
    _respondent(client, campaign)
    answer = client.post(_url(campaign, "needs"), {**GOOD, "q_budget": ""})
    assert answer.status_code == 400 and "This field is required." in answer.content.decode()


def test_a_conditional_question_and_page_follow_earlier_answers_without_javascript(client, campaign):
    rows = pages(campaign, ("plans", "Plans", 1), ("cpb", "For central purchasing bodies", 1))
    joint = question(rows["plans"], "joint", "yes_no", required=True)
    partners = question(rows["plans"], "partners", "short_text")
    when = question(rows["cpb"], "when", "date")
    rows["cpb"].relevant = "${body_type} = 'central_purchasing_body'"
    rows["cpb"].save()
    follow = question(rows["cpb"], "with_whom", "short_text", relevant="${joint} = 'yes'")
    response = _respondent(client, campaign, steps_done=["organisation", "contact"])

    # A local authority: the page for central purchasing bodies is skipped, and not in the steps.
    assert client.post(_url(campaign, "plans"), {"q_joint": "no"})["Location"] == _url(campaign, "interests")
    steps = client.get(_url(campaign, "interests")).content.decode()
    assert "For central purchasing bodies" not in steps and "Plans" in steps
    assert client.get(_url(campaign, "cpb"))["Location"] == reverse("survey_resume", args=[campaign.slug])

    response.organisation.body_type = "central_purchasing_body"
    response.organisation.save()
    assert client.post(_url(campaign, "plans"), {"q_joint": "no"})["Location"] == _url(campaign, "cpb")
    page = client.get(_url(campaign, "cpb")).content.decode()
    assert 'name="q_when"' in page and 'name="q_with_whom"' not in page  # joint = no hides it
    client.post(_url(campaign, "plans"), {"q_joint": "yes", "q_partners": "Lyon"})
    page = client.get(_url(campaign, "cpb")).content.decode()
    assert 'name="q_with_whom"' in page
    client.post(_url(campaign, "cpb"), {"q_when": "2027-01-15", "q_with_whom": "Our region"})
    assert Answer.objects.filter(question=follow).exists()

    # The answer that now decides otherwise hides the question: its answer is not kept.
    client.post(_url(campaign, "plans"), {"q_joint": "no"})
    assert not Answer.objects.filter(question=follow).exists()
    assert Answer.objects.get(question=when).date == dt.date(2027, 1, 15)
    assert Answer.objects.get(question=joint).boolean is False and not Answer.objects.filter(question=partners).exists()
    # And a page that became hidden loses its answers and its place among the steps done.
    response.organisation.body_type = "local_authority"
    response.organisation.save()
    client.post(_url(campaign, "plans"), {"q_joint": "yes"})
    response.refresh_from_db()
    assert not Answer.objects.filter(question=when).exists() and "cpb" not in response.steps_done


def test_a_question_asked_per_area_asks_once_for_each_area_chosen(client, campaign):
    rows = pages(campaign, ("per_area", "Per area", 2))
    timing = question(rows["per_area"], "next_tender", "one_choice", "When is your next tender?",
                      choices=["this_year", "next_year"], per_area=True, required=True)
    response = _respondent(client, campaign, steps_done=["organisation", "contact"])
    client.post(_url(campaign, "interests"), {"area_hdev": "2", "area_zecs": "0", "area_cc": "1"})
    page = client.get(_url(campaign, "per_area")).content.decode()
    assert "<legend" in page and 'name="q_next_tender__hdev"' in page and 'name="q_next_tender__cc"' in page
    assert 'name="q_next_tender__zecs"' not in page
    answer = client.post(_url(campaign, "per_area"), {"q_next_tender__hdev": "this_year"})
    assert answer.status_code == 400  # cc is required too
    client.post(_url(campaign, "per_area"), {"q_next_tender__hdev": "this_year", "q_next_tender__cc": "next_year"})
    assert {(a.area.code, a.choices.get().key) for a in Answer.objects.filter(question=timing)} == {
        ("hdev", "this_year"), ("cc", "next_year")}
    review = client.get(reverse("survey_review", args=[campaign.slug])).content.decode()
    assert "When is your next tender? – Heavy-duty electric vehicles" in review

    # An area no longer chosen: its answer goes with it.
    client.post(_url(campaign, "interests"), {"area_hdev": "2", "area_zecs": "0", "area_cc": "0"})
    assert [a.area.code for a in Answer.objects.filter(question=timing)] == ["hdev"]
    del response


def test_the_confirmation_copies_the_custom_answers(client, campaign, committed):
    rows = pages(campaign, ("budget", "Budget", 2))
    question(rows["budget"], "range", "one_choice", "Budget range", choices=["small", "large"])
    response = _respondent(client, campaign, steps_done=[*STEP_SLUGS, "budget"], consent_version="2026-11")
    interest(response, "hdev")
    client.post(_url(campaign, "budget"), {"q_range": "large"})
    response.refresh_from_db()
    with committed():
        client.post(reverse("survey_submit", args=[campaign.slug]), {"revision": response.revision})
    (message,) = [m for m in mail.outbox if "submitted" in m.subject]
    assert "== Budget ==" in message.body and "Budget range: Large" in message.body
    html = message.alternatives[0][0]
    assert "<h3>Budget</h3>" in html and "Large" in html


def test_the_review_asks_for_a_custom_page_not_yet_saved(client, campaign):
    rows = pages(campaign, ("budget", "Budget", 2))
    question(rows["budget"], "range", "short_text")
    _respondent(client, campaign, steps_done=list(STEP_SLUGS))
    review = client.get(reverse("survey_review", args=[campaign.slug])).content.decode()
    assert "One step is not complete yet: “Budget”" in review and "Submit my answers" not in review


def test_a_page_of_thirty_questions_makes_as_many_queries_as_a_page_of_one(client, campaign, django_assert_num_queries):
    rows = pages(campaign, ("many", "Thirty questions", 2), ("one", "One question", 2))
    for n in range(30):
        kind = ["short_text", "one_choice", "several_choices", "number", "scale", "yes_no"][n % 6]
        question(rows["many"], f"q{n}", kind, choices=["x", "y", "z"] if "choice" in kind else None,
                 relevant="${body_type} != 'other'" if n % 5 == 0 else "")
    question(rows["one"], "single", "one_choice", choices=["x", "y"], relevant="${body_type} != 'other'")
    response = _respondent(client, campaign, steps_done=list(STEP_SLUGS))
    interest(response, "hdev")
    client.post(_url(campaign, "many"), {f"q_q{n}": "x" for n in range(30)})
    client.post(_url(campaign, "one"), {"q_single": "x"})
    for key in ("one", "many"):
        client.get(_url(campaign, key))
    # The user, the campaign's content version (unchanged: the process kept its pages, questions and choices),
    # the response with its organisation (what these conditions read), the answers and their choices: whatever
    # the number of questions.
    with django_assert_num_queries(5):
        assert client.get(_url(campaign, "one")).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(_url(campaign, "many")).status_code == 200


def test_a_questionnaire_kept_by_the_process_is_read_again_after_any_change(client, campaign, django_assert_num_queries):
    rows = pages(campaign, ("plans", "Plans", 2))
    asked = question(rows["plans"], "joint", "one_choice", "Joint procurement?", choices=["alone", "together"])
    _respondent(client, campaign, steps_done=list(STEP_SLUGS))
    assert "Joint procurement?" in client.get(_url(campaign, "plans")).content.decode()

    # Changes that send no signal: an update of a label, a choice added in bulk, a page's title.
    Question.objects.filter(pk=asked.pk).update(label_en="Buying together?")
    Choice.objects.bulk_create([Choice(question=asked, key="maybe", label_en="Maybe", position=9)])
    QuestionnairePage.objects.filter(pk=rows["plans"].pk).update(title_en="Our plans")
    html = client.get(_url(campaign, "plans")).content.decode()

    assert "Buying together?" in html and "Joint procurement?" not in html
    assert 'value="maybe"' in html and "<h1>Our plans</h1>" in html
    with django_assert_num_queries(4):  # unchanged since, kept: the user, content version, response, answers
        client.get(_url(campaign, "plans"))


def test_a_page_for_one_area_follows_the_areas_chosen(client, campaign, django_assert_num_queries):
    rows = pages(campaign, ("sites", "Construction sites", 2))  # after the interests page
    rows["sites"].relevant = "selected(${interested_areas}, 'zecs')"
    rows["sites"].save()
    question(rows["sites"], "machines", "short_text", "How many machines?")
    response = _respondent(client, campaign, steps_done=["organisation", "contact"])
    interest(response, "hdev")
    assert "Construction sites" not in client.get(_url(campaign, "contact")).content.decode()
    assert client.get(_url(campaign, "sites"))["Location"] == reverse("survey_resume", args=[campaign.slug])

    # Chosen on the interests page: the answer just saved decides where the survey goes next.
    levels = {f"area_{area.code}": "0" for area in campaign.areas.all()}
    sent = client.post(_url(campaign, "interests"), {**levels, "area_zecs": "2", "continue": "1"})
    assert sent["Location"] == _url(campaign, "sites")
    with django_assert_num_queries(4):  # the user, content version, response, and the areas the condition reads
        assert "Construction sites" in client.get(_url(campaign, "contact")).content.decode()
    assert 'name="q_machines"' in client.get(_url(campaign, "sites")).content.decode()


def test_a_page_left_out_by_an_earlier_answer_leaves_the_steps(client, campaign):
    rows = pages(campaign, ("plans", "Plans", 2), ("partners", "Partners", 2))
    question(rows["plans"], "joint", "yes_no")
    question(rows["partners"], "who", "short_text", "With whom?")
    rows["partners"].relevant = "${joint} = 'yes'"
    rows["partners"].save()
    _respondent(client, campaign, steps_done=["organisation", "contact", "interests"])

    client.post(_url(campaign, "plans"), {"q_joint": "no"})
    assert "Partners" not in client.get(_url(campaign, "contact")).content.decode()
    assert client.post(_url(campaign, "plans"), {"q_joint": "yes"})["Location"] == _url(campaign, "partners")
    assert "Partners" in client.get(_url(campaign, "contact")).content.decode()


def test_a_page_no_condition_reads_is_saved_without_deciding_again_what_is_asked(client, campaign, committed,
                                                                                 django_assert_num_queries):
    rows = pages(campaign, ("plans", "Plans", 2))
    question(rows["plans"], "joint", "yes_no")
    partners = question(rows["plans"], "partners", "short_text", relevant="${joint} = 'yes'")
    budget = question(rows["plans"], "budget", "number")
    response = _respondent(client, campaign, steps_done=[*STEP_SLUGS, "plans"], consent_version="2026-11")
    interest(response, "hdev")
    client.post(_url(campaign, "plans"), {"q_joint": "yes", "q_partners": "Lyon", "q_budget": "100"})
    client.get(_url(campaign, "recommendations"))

    # The user, content version and response (no page depends on answers: "Plans" asks "joint" whatever the
    # answers); the saving transaction (BEGIN, one UPDATE of the answer and revision, the revision read, COMMIT);
    # nothing after it.
    with django_assert_num_queries(7):
        sent = client.post(_url(campaign, "recommendations"), {"recommendations": "More visits", "continue": "1"})
    assert sent["Location"] == _url(campaign, "interview")

    # A condition added later hides an answer: the pages that cannot change it leave it, the submission does not.
    Question.objects.filter(pk=budget.pk).update(relevant="${joint} = 'no'")
    client.post(_url(campaign, "recommendations"), {"recommendations": "Even more visits", "continue": "1"})
    assert Answer.objects.filter(question=budget).exists()
    response.refresh_from_db()
    with committed():
        client.post(reverse("survey_submit", args=[campaign.slug]), {"revision": response.revision})
    assert not Answer.objects.filter(question=budget).exists() and Answer.objects.filter(question=partners).exists()


def test_a_condition_on_the_same_page_is_said_in_words_and_decided_when_the_page_is_sent(client, campaign):
    rows = pages(campaign, ("plans", "Plans", 2))
    question(rows["plans"], "joint", "yes_no", "Joint procurement?", required=True)
    partners = question(rows["plans"], "partners", "short_text", "With whom?", required=True,
                        relevant="${joint} = 'yes'")
    response = _respondent(client, campaign)
    page = client.get(_url(campaign, "plans")).content.decode()
    assert "Only if “Joint procurement?” is “Yes”." in page and 'name="q_partners"' in page
    # Not asked when the answer on the same page says so: no "required" error, and nothing kept.
    assert client.post(_url(campaign, "plans"), {"q_joint": "no", "q_partners": "Lyon"}).status_code == 302
    assert not Answer.objects.filter(question=partners).exists()
    # Shown again with the page: the answer it depends on can change on the same page.
    assert "Only if “Joint procurement?” is “Yes”." in client.get(_url(campaign, "plans")).content.decode()
    answer = client.post(_url(campaign, "plans"), {"q_joint": "yes"})
    assert answer.status_code == 400 and "This field is required." in answer.content.decode()
    client.post(_url(campaign, "plans"), {"q_joint": "yes", "q_partners": "Lyon"})
    assert Answer.objects.get(question=partners, response=response).text == "Lyon"


def test_a_page_is_asked_in_each_persons_language_with_english_where_no_translation_is_given(client, campaign):
    rows = pages(campaign, ("plans", "Plans", 2))
    asked = question(rows["plans"], "fleet", "one_choice", "Your fleet", choices=["buses", "trucks"],
                     help_text="Vehicles you own.", required=True)
    asked.label_fr, asked.help_text_fr = "Votre flotte", ""
    asked.save()
    Choice.objects.filter(question=asked, key="buses").update(label_fr="Autobus")
    Choice.objects.filter(question=asked, key="trucks").update(retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    _respondent(client, campaign, steps_done=list(STEP_SLUGS))

    # The questionnaire's texts are kept per language by the process: each language is read in its own.
    french = client.get(_url(campaign, "plans"), headers={"accept-language": "fr"}).content.decode()
    english = client.get(_url(campaign, "plans"), headers={"accept-language": "en"}).content.decode()
    french_again = client.get(_url(campaign, "plans"), headers={"accept-language": "fr"}).content.decode()

    assert "Votre flotte" in french and "Autobus" in french and "Vehicles you own." in french  # (no French help)
    assert "Votre flotte" in french_again and "Your fleet" not in french_again
    assert "Your fleet" in english and "Buses" in english and "Votre flotte" not in english
    assert 'value="trucks"' not in english + french  # retired: no longer asked
