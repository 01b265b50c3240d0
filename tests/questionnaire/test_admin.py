"""The secretariat designs the questionnaire in the admin: pages on the campaign and their rules, questions
with conditions checked (the unknown key named), retire instead of delete, the wording history with who;
preview in each language saving nothing, copy, XLSForm import and export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys.models import Response
from surveys.questionnaire.models import Answer, AnswerChoice, Question, QuestionnairePage
from tests.factories import CampaignFactory, ResponseFactory
from tests.questionnaire.build import pages, question
from tests.surveys.test_admin_eligibility import _admin_form_data

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"


def _campaign_url(campaign) -> str:  # type: ignore[no-untyped-def]
    return reverse("admin:surveys_campaign_change", args=[campaign.pk])


def test_saving_a_campaign_writes_out_its_pages_and_checks_their_order(admin_client, campaign):
    answer = admin_client.get(_campaign_url(campaign))
    data = _admin_form_data(answer)
    assert admin_client.post(_campaign_url(campaign), data).status_code == 302
    assert list(QuestionnairePage.objects.filter(campaign=campaign).values_list("key", flat=True)) == [
        "organisation", "contact", "interests", "purchases", "challenges", "recommendations", "interview", "consent"]

    data = _admin_form_data(admin_client.get(_campaign_url(campaign)))
    prefix = next(k for k in data if k.endswith("-0-kind")).rsplit("-0-", 1)[0]
    data[f"{prefix}-7-position"] = "5"  # consent first
    answer = admin_client.post(_campaign_url(campaign), data)
    assert answer.status_code == 200 and "The consent page comes last." in answer.content.decode()


def test_a_condition_naming_an_unknown_key_is_refused_with_the_key_named(admin_client, campaign):
    rows = pages(campaign, ("plans", "Plans", 2))
    question(rows["plans"], "joint", "yes_no")
    add = reverse("admin:surveys_question_add") + f"?page={rows['plans'].pk}"
    form = admin_client.get(add).content.decode()
    assert "${joint}" in form and "${body_type}" in form  # the keys a condition can use
    data = {"page": rows["plans"].pk, "position": "2", "key": "partners", "kind": "short_text",
            "label_en": "With whom?", "relevant": "${jiont} = 'yes'", "scale_points": "5", "whole_number": "on",
            "choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0", "wordings-TOTAL_FORMS": "0",
            "wordings-INITIAL_FORMS": "0"}
    answer = admin_client.post(add, data)
    assert answer.status_code == 200
    assert "“${jiont}” is not a question of an earlier page" in answer.content.decode()
    data["relevant"] = "${joint} == 'yes'"
    assert "Character 11: expected a question" in admin_client.post(add, data).content.decode()
    data["relevant"] = "${joint} = 'yes'"
    assert admin_client.post(add, data).status_code == 302
    created = Question.objects.get(key="partners")
    assert created.campaign == campaign and created.wordings.get().version == 1


def test_a_page_condition_is_checked_against_the_earlier_pages(admin_client, campaign):
    rows = pages(campaign, ("plans", "Plans", 2), ("later", "Later", 3))
    question(rows["later"], "fleet", "yes_no")
    url = reverse("admin:surveys_questionnairepage_change", args=[rows["plans"].pk])
    data = _admin_form_data(admin_client.get(url))
    data["relevant"] = "${fleet} = 'yes'"  # a question of a later page
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and "“${fleet}” is not a question of an earlier page" in refused.content.decode()
    data["relevant"] = "${body_type} = 'central_purchasing_body'"
    assert admin_client.post(url, data).status_code == 302
    assert QuestionnairePage.objects.get(pk=rows["plans"].pk).relevant == "${body_type} = 'central_purchasing_body'"


def test_an_answered_question_keeps_its_kind_cannot_be_deleted_and_keeps_its_wordings(admin_client, campaign, admin_user):
    q = question(pages(campaign, ("plans", "Plans", 2))["plans"], "fleet", "one_choice", "Fleet", choices=["buses"])
    answer = Answer.objects.create(response=ResponseFactory(campaign=campaign), question=q)
    AnswerChoice.objects.create(answer=answer, choice=q.choices.get())
    url = reverse("admin:surveys_question_change", args=[q.pk])
    data = _admin_form_data(admin_client.get(url))
    data.update(kind="several_choices")
    refused = admin_client.post(url, data).content.decode()
    assert "This question has answers: its kind cannot change." in refused
    data = _admin_form_data(admin_client.get(url))
    data["choices-0-DELETE"] = "on"
    deleted = admin_client.post(url, data)  # the admin refuses to delete what answers point to
    assert deleted.status_code == 200 and "protected related objects: choice in an answer" in deleted.content.decode()
    assert q.choices.exists()

    data = _admin_form_data(admin_client.get(url))
    data["label_fr"] = "Votre flotte"
    data["choices-0-retired"] = "on"
    assert admin_client.post(url, data).status_code == 302
    q.refresh_from_db()
    assert q.version == 2 and q.wordings.get(version=2).changed_by == admin_user
    assert q.choices.get().retired_at is not None
    page = admin_client.get(url).content.decode()
    assert "Wording history" in page and "Votre flotte" in page
    assert admin_client.get(reverse("admin:surveys_question_delete", args=[q.pk])).status_code == 403
    data = _admin_form_data(admin_client.get(url))
    data["retired"] = "on"
    admin_client.post(url, data)
    assert Question.objects.get(pk=q.pk).retired_at is not None


def test_the_preview_shows_each_page_in_each_language_and_saves_nothing(admin_client, campaign):
    rows = pages(campaign, ("plans", "Plans", 2))
    rows["plans"].title_fr = "Projets"
    rows["plans"].save()
    joint = question(rows["plans"], "joint", "yes_no", "Joint?", required=True)
    joint.label_fr = "Achat conjoint ?"
    joint.save()
    question(rows["plans"], "partners", "short_text", "With whom?", relevant="${joint} = 'yes'")
    url = reverse("admin:surveys_campaign_preview", args=[campaign.pk, "plans"])
    french = admin_client.get(url + "?language=fr").content.decode()
    assert '<html lang="fr">' in french and "Projets" in french and "Achat conjoint ?" in french
    assert "Aperçu du questionnaire\xa0: rien de ce qui est saisi ici" in french
    assert "With whom?" in french and "Seulement si «\xa0Achat conjoint ?\xa0» est «\xa0Oui\xa0»." in french
    assert admin_client.post(url + "?language=en", {}).status_code == 400  # the required question, checked
    moved = admin_client.post(url + "?language=de", {"q_joint": "no"})
    assert moved.status_code == 302 and moved["Location"].endswith("/purchases/?language=de")
    assert not Answer.objects.exists() and not Response.objects.exists()
    organisation = admin_client.get(reverse("admin:surveys_campaign_preview_start", args=[campaign.pk]))
    assert organisation.status_code == 200 and "Name of the organisation" in organisation.content.decode()


def test_copy_import_and_export_from_the_admin(admin_client, campaign):
    earlier = CampaignFactory(name="Earlier")
    question(pages(earlier, ("plans", "Plans", 2))["plans"], "joint", "yes_no")
    copy = reverse("admin:surveys_campaign_questionnaire_copy", args=[campaign.pk])
    assert admin_client.post(copy, {"source": earlier.pk}).status_code == 302
    assert Question.objects.get(campaign=campaign).key == "joint"

    imported = reverse("admin:surveys_campaign_questionnaire_import", args=[campaign.pk])
    with (FILES / "unsupported.xlsx").open("rb") as workbook:
        refused = admin_client.post(imported, {"workbook": workbook})
    assert refused.status_code == 400 and "row 4 (“depot”)" in refused.content.decode()
    assert Question.objects.get(campaign=campaign).key == "joint"  # nothing changed
    with (FILES / "needs_2027.xlsx").open("rb") as workbook:
        assert admin_client.post(imported, {"workbook": workbook}).status_code == 302
    assert Question.objects.filter(campaign=campaign).count() == 11

    exported = admin_client.get(reverse("admin:surveys_campaign_questionnaire_export", args=[campaign.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content)))["survey"]
    assert "budget_range" in [row[1].value for row in sheet.iter_rows()]


def test_the_questionnaire_tools_are_for_staff_only(client, campaign, user):
    client.force_login(user)
    for name in ("surveys_campaign_preview_start", "surveys_campaign_questionnaire_copy",
                 "surveys_campaign_questionnaire_import", "surveys_campaign_questionnaire_export"):
        answer = client.get(reverse(f"admin:{name}", args=[campaign.pk]))
        assert answer.status_code == 302 and "/admin/login/" in answer["Location"], name
