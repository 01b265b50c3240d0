"""Custom answers in the exports (a column per question and per option, the wording answered), the dashboard
(a chart and its table per choice, yes/no and scale question) and the report (counts, never free text)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.questionnaire import services
from surveys.questionnaire.models import Answer, AnswerChoice
from tests.factories import ResponseFactory
from tests.questionnaire.build import pages, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(campaign):  # type: ignore[no-untyped-def]
    rows = pages(campaign, ("plans", "Plans", 2))
    page = rows["plans"]
    qs = {
        "topics": question(page, "topics", "several_choices", "Topics", choices=["buses", "trucks", "ferries"]),
        "joint": question(page, "joint", "yes_no", "Joint procurement?"),
        "ready": question(page, "ready", "scale", "Market readiness", low_label="Low", high_label="High"),
        "budget": question(page, "budget", "number", "Budget", unit="EUR"),
        "secret": question(page, "secret", "long_text", "Anything else"),
        "tender": question(page, "tender", "one_choice", "Next tender", choices=["soon", "later"], per_area=True),
    }
    for n in range(3):
        response = ResponseFactory(campaign=campaign, status="submitted", submitted_at=timezone.now())
        topics = Answer.objects.create(response=response, question=qs["topics"])
        for key in (["buses", "trucks"] if n else ["buses"]):
            AnswerChoice.objects.create(answer=topics, choice=qs["topics"].choices.get(key=key))
        Answer.objects.create(response=response, question=qs["joint"], boolean=n != 1)
        Answer.objects.create(response=response, question=qs["ready"], number=4)
        Answer.objects.create(response=response, question=qs["budget"], number=1000 * (n + 1))
        Answer.objects.create(response=response, question=qs["secret"], text=f"Mayor Jane Doe {n} said so")
        tender = Answer.objects.create(response=response, question=qs["tender"], area=campaign.areas.get(code="hdev"))
        AnswerChoice.objects.create(answer=tender, choice=qs["tender"].choices.get(key="soon"))
    return qs


def test_the_export_has_a_column_per_question_and_per_option_and_the_wording_answered(client, campaign, answered, staff):
    # The wording of the joint question changes after the answers were given: later answers carry version 2.
    joint = answered["joint"]
    joint.label = "Would you buy jointly?"
    joint.save()
    services.record_wording(joint, by=staff)
    client.force_login(staff)
    answer = client.get(reverse("admin:bigbuyers_exportrecord_download", args=["responses", "csv"]),
                        {"campaign": campaign.pk})
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    for column in ("topics.buses: Topics – Buses", "topics.ferries: Topics – Ferries", "joint: Would you buy jointly?",
                   "joint: wording answered", "ready: Market readiness", "budget: Budget", "secret: Anything else",
                   "tender [hdev]: Next tender – Heavy-duty electric vehicles"):
        assert column in header, column
    first = dict(zip(header, rows[1], strict=False))
    assert first["topics.buses: Topics – Buses"] == "Yes" and first["topics.trucks: Topics – Trucks"] == "No"
    assert first["joint: wording answered"].startswith("1 (from ")
    assert first["budget: Budget"] == "1000" and first["ready: Market readiness"] == "4"
    assert first["tender [hdev]: Next tender – Heavy-duty electric vehicles"] == "Soon"
    assert first["tender [cc]: Next tender – Circular construction"] == ""


def test_a_hidden_answer_is_not_exported(client, campaign, staff):
    rows = pages(campaign, ("p", "P", 1), ("q", "Q", 2))
    joint = question(rows["p"], "joint", "yes_no")
    partner = question(rows["q"], "partner", "short_text", relevant="${joint} = 'yes'")
    response = ResponseFactory(campaign=campaign)
    Answer.objects.create(response=response, question=joint, boolean=False)
    Answer.objects.create(response=response, question=partner, text="Lyon")  # saved before joint became no
    services.forget_hidden_answers(response)
    client.force_login(staff)
    answer = client.get(reverse("admin:bigbuyers_exportrecord_download", args=["responses", "csv"]),
                        {"campaign": campaign.pk})
    assert "Lyon" not in b"".join(answer.streaming_content).decode()


def test_the_dashboard_draws_each_choice_yes_no_and_scale_question(client, campaign, answered, staff):
    client.force_login(staff)
    html = client.get(reverse("admin:surveys_campaign_dashboard", args=[campaign.pk])).content.decode()
    assert "The campaign&#x27;s own questions" in html
    for title in ("Topics", "Joint procurement?", "Market readiness", "Next tender"):
        assert f"{title}: chart." in html, title
    # Asked per area: a row per area, a column per answer.
    table = html[html.index('id="figure-question_tender"'):]
    table = table[:table.index('<div class="figure-table"')] if '<div class="figure-table"' in table else table
    assert "<th scope=\"col\">Soon</th>" in table.replace("'", '"') or ("Soon" in table and "Later" in table)
    assert "Heavy-duty electric vehicles" in table and "Circular construction" in table


def test_the_report_counts_and_never_quotes_free_text(client, campaign, answered, staff):
    client.force_login(staff)
    html = client.get(reverse("admin:surveys_campaign_report", args=[campaign.pk])).content.decode()
    assert "Answers to the campaign&#x27;s own questions" in html and "Topics" in html
    assert "Jane Doe" not in html
    assert "Bodies that answered “Anything else”" in html
    assert "2000 EUR" in html  # the average of the three budgets


def test_the_report_says_how_many_answers_each_wording_got(client, campaign, answered, staff):
    joint = answered["joint"]
    joint.label = "Would you buy jointly?"
    joint.save()
    services.record_wording(joint, by=staff)
    Answer.objects.filter(question=joint).filter(pk=Answer.objects.filter(question=joint).first().pk).update(version=2)
    client.force_login(staff)
    html = client.get(reverse("admin:surveys_campaign_report", args=[campaign.pk])).content.decode()
    assert "The wording changed; answers given to each: wording 1 (from" in html and "wording 2 (from" in html
    # In French: the date as French writes it (not ISO), a non-breaking space before ":" and ";".
    html = client.get(reverse("admin:surveys_campaign_report", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    note = html[html.index("La formulation a changé"):]
    note = note[:note.index("</")]
    assert "réponses données à chacune\xa0: formulation 1 (depuis le " in note and "\xa0; formulation 2 (depuis le " in note
    assert not re.search(r"\d{4}-\d{2}-\d{2}", note), note
