"""What the secretariat and a public buyer do with a questionnaire in a browser: the secretariat adds a page
with a conditional question in the admin and previews it in French; a respondent answers it in French; the
export has the answer."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from surveys.questionnaire.models import Answer, Question
from tests.browser.helpers import sign_in
from tests.factories import CampaignFactory, ResponseFactory, StaffFactory, UserFactory, interest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_builds_a_conditional_question_that_a_respondent_answers_in_french(page, live_server):
    campaign = CampaignFactory(slug="bbwt", name="Big Buyers Working Together")
    staff = StaffFactory(email="secretariat@bigbuyers.example")
    sign_in(page.context, staff, live_server)

    # The campaign's pages are written out on its first save; a page of its own goes after the areas.
    page.goto(reverse("admin:surveys_campaign_change", args=[campaign.pk]))
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("Add another Questionnaire page").click()
    row = "questionnaire_pages-8"
    page.locator(f"[name='{row}-position']").fill("35")
    page.locator(f"[name='{row}-kind']").select_option("custom")
    page.locator(f"[name='{row}-key']").fill("plans")
    page.locator(f"[name='{row}-title_en']").fill("Your plans")
    page.locator(f"[name='{row}-title_fr']").fill("Vos projets")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()

    page.get_by_role("link", name="Questions of this page").click()
    page.get_by_role("link", name="Add a question to this page").click()
    page.get_by_label("Key:").fill("joint")
    page.get_by_label("Kind of question:").select_option("yes_no")
    page.get_by_label("Question [en]:").fill("Would you procure jointly?")
    page.get_by_label("Question [fr]:").fill("Achèteriez-vous en commun ?")
    page.get_by_label("Required").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()

    plans = Question.objects.get(key="joint").page
    page.goto(reverse("admin:surveys_question_add") + f"?page={plans.pk}")
    page.get_by_label("Key:").fill("partners")
    page.get_by_label("Kind of question:").select_option("short_text")
    page.get_by_label("Question [en]:").fill("With whom?")
    page.get_by_label("Question [fr]:").fill("Avec qui ?")
    page.get_by_label("Shown only when:").fill("${jont} = 'yes'")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("“${jont}” is not a question of an earlier page").first.wait_for()  # the typo, named
    page.get_by_label("Shown only when:").fill("${joint} = 'yes'")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()

    # The preview, in French, as a respondent would see it; nothing is saved.
    page.goto(reverse("admin:surveys_campaign_change", args=[campaign.pk]))
    page.get_by_role("link", name="Preview the questionnaire").click()
    page.get_by_role("link", name="Français").click()
    page.get_by_role("link", name="Vos projets").click()
    page.get_by_role("heading", name="Vos projets").wait_for()
    assert page.get_by_label("Avec qui ?").is_visible()
    assert page.get_by_text("« Achèteriez-vous en commun ? » est « Oui »").is_visible()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("heading", name="Il y a un problème").wait_for()  # the required question, checked
    assert not Answer.objects.exists()

    # A public buyer answers in French.
    page.context.clear_cookies()
    respondent = UserFactory(email="acheteur@ville.example")
    response = ResponseFactory(campaign=campaign, respondent=respondent, steps_done=["organisation", "contact", "interests"])
    interest(response, "hdev")
    french = page.context.browser.new_context(base_url=live_server.url, locale="fr-FR")
    sign_in(french, respondent, live_server)
    buyer = french.new_page()
    buyer.goto(reverse("survey_step", args=[campaign.slug, "plans"]))
    buyer.get_by_role("heading", name="Vos projets").wait_for()
    buyer.get_by_role("group", name="Achèteriez-vous en commun ?").get_by_label("Oui").check()
    buyer.get_by_label("Avec qui ?").fill("Lyon et Grenoble")
    buyer.get_by_role("button", name="Enregistrer et continuer").click()
    buyer.get_by_role("heading", name="Achats prévus").wait_for()
    french.close()

    client = Client()
    client.force_login(staff)
    export = client.get(reverse("admin:bigbuyers_exportrecord_download", args=["responses", "csv"]),
                        {"campaign": campaign.pk})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    (row,) = rows
    assert row["partners: With whom?"] == "Lyon et Grenoble" and row["joint: Would you procure jointly?"] == "Yes"
