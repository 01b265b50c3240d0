"""View tests with the test client: sign-in links, steps, deadline refusal, and who sees what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from surveys.models import Organisation, PlannedPurchase, Response
from surveys.steps import STEP_SLUGS
from tests.factories import CampaignFactory, ResponseFactory, interest

pytestmark = pytest.mark.django_db


def _link_from(message) -> str:
    return re.search(r"http://[^/\s]+(/signin/link/\S+)", message.body).group(1)


def test_start_sends_a_link_that_signs_in_once(client, campaign, committed):
    with committed():
        answer = client.post(reverse("survey_start", args=[campaign.slug]), {"email": "Eva@Gemeente.example"})
    assert answer.status_code == 302 and answer["Location"] == reverse("signin_sent")
    link = _link_from(mail.outbox[0])
    assert mail.outbox[0].to == ["eva@gemeente.example"]

    confirm = client.get(link)  # what a mail scanner would do: nothing is spent
    assert confirm.status_code == 200 and b"Sign in" in confirm.content
    token = re.search(r"token=([^&]+)", link).group(1)
    signed_in = client.post(reverse("signin_link"), {"token": token, "next": reverse("survey_resume", args=[campaign.slug])})
    assert signed_in.status_code == 302 and signed_in["Location"].endswith("/survey/")

    client.logout()
    reused = client.post(reverse("signin_link"), {"token": token})
    assert reused.status_code == 400
    assert b"expired or has been used already" in reused.content
    assert b"Send me a new link" in reused.content


def test_expired_link_gets_a_clear_page(client, user, settings):
    token = get_query_string(user).split("=", 1)[1]
    settings.SESAME_MAX_AGE = 60
    later = timezone.now() + dt.timedelta(minutes=5)
    import sesame.tokens_v2 as tokens

    original = tokens.time.time
    tokens.time.time = later.timestamp
    try:
        answer = client.post(reverse("signin_link"), {"token": token})
    finally:
        tokens.time.time = original
    assert answer.status_code == 400 and b"This link no longer works" in answer.content
    assert client.post(reverse("signin_link"), {"token": token}).status_code == 302, "the same link works in time"


def test_same_answer_for_known_and_unknown_addresses(client, user, committed):
    with committed():
        known = client.post(reverse("signin"), {"email": user.email})
        unknown = client.post(reverse("signin"), {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_next_parameter_cannot_send_people_elsewhere(client, user):
    token = get_query_string(user).split("=", 1)[1]
    answer = client.post(reverse("signin_link"), {"token": token, "next": "https://evil.example/"})
    assert answer["Location"] == reverse("home")


def test_survey_pages_need_a_signed_in_person(client, campaign):
    answer = client.get(reverse("survey_step", args=[campaign.slug, "organisation"]))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("signin"))


def test_invalid_step_keeps_what_was_typed_and_says_why(client, user, campaign):
    client.force_login(user)
    answer = client.post(reverse("survey_step", args=[campaign.slug, "organisation"]),
                         {"name": "Ville de Montclair", "country": "FR", "website": "not a url"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'value="Ville de Montclair"' in html
    assert "There is a problem" in html and "Choose the type of body" in html
    assert "Enter a valid URL" in html
    assert not Organisation.objects.exists()


def test_steps_save_the_draft_and_lead_to_the_next(client, user, campaign):
    client.force_login(user)
    answer = client.post(reverse("survey_step", args=[campaign.slug, "organisation"]),
                         {"name": "Stadt Lindenau", "country": "DE", "body_type": "local_authority"})
    assert answer["Location"] == reverse("survey_step", args=[campaign.slug, "contact"])
    answer = client.post(reverse("survey_step", args=[campaign.slug, "interests"]),
                         {"area_hdev": "2", "area_zecs": "1", "area_cc": "0"})
    response = Response.objects.get()
    assert {(i.area.code, i.level) for i in response.interests.select_related("area")} == {("hdev", 2), ("zecs", 1)}
    assert response.steps_done == ["organisation", "interests"]


def test_purchases_add_row_saves_and_shows_a_new_row(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    data = {"purchases-TOTAL_FORMS": "1", "purchases-INITIAL_FORMS": "0", "purchases-0-description": "Electric buses",
            "purchases-0-cpv_code": "34144910-0", "add_row": "1"}
    answer = client.post(reverse("survey_step", args=[campaign.slug, "purchases"]), data)
    assert answer.status_code == 200
    assert response.purchases.get().cpv_code == "34144910-0"
    assert answer.content.decode().count('class="purchase-row"') == 2


def test_bad_cpv_code_gets_a_message_next_to_the_field(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    data = {"purchases-TOTAL_FORMS": "1", "purchases-INITIAL_FORMS": "0", "purchases-0-description": "Buses",
            "purchases-0-cpv_code": "3414"}
    answer = client.post(reverse("survey_step", args=[campaign.slug, "purchases"]), data)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Choose one of the CPV codes listed below the field" in page
    assert 'value="34140000-0"' in page  # the codes that start with 3414, to choose from
    assert not response.purchases.exists()


def test_post_after_the_deadline_is_refused_and_keeps_draft_and_typed_text(client):
    campaign = CampaignFactory(deadline=timezone.now() - dt.timedelta(minutes=1))
    response = ResponseFactory(campaign=campaign, recommendations="my draft")
    client.force_login(response.respondents.get().user)
    answer = client.post(reverse("survey_step", args=[campaign.slug, "recommendations"]),
                         {"recommendations": "typed after the deadline"})
    assert answer.status_code == 403
    assert "typed after the deadline" in answer.content.decode()
    assert "late expression of interest" in answer.content.decode()
    response.refresh_from_db()
    assert response.recommendations == "my draft"
    assert client.get(reverse("survey_step", args=[campaign.slug, "recommendations"]))["Location"].endswith("/closed/")


def test_closed_page_shows_the_draft_and_takes_a_late_request(client, committed, settings):
    campaign = CampaignFactory(deadline=timezone.now() - dt.timedelta(days=1))
    response = ResponseFactory(campaign=campaign, recommendations="my draft")
    client.force_login(response.respondents.get().user)
    page = client.get(reverse("survey_closed", args=[campaign.slug]))
    assert "my draft" in page.content.decode()
    empty = client.post(reverse("survey_closed", args=[campaign.slug]), {"motivation": ""})
    assert empty.status_code == 400
    with committed():
        client.post(reverse("survey_closed", args=[campaign.slug]), {"motivation": "Our fleet tender starts in May"})
    assert response.late_request.motivation == "Our fleet tender starts in May"
    assert mail.outbox[-1].to == [settings.SECRETARIAT_EMAIL]


def test_script_in_answers_is_shown_escaped(client, campaign):
    response = ResponseFactory(campaign=campaign, recommendations="<script>alert('x')</script>",
                               steps_done=list(STEP_SLUGS))
    client.force_login(response.respondents.get().user)
    html = client.get(reverse("survey_review", args=[campaign.slug])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_over_long_text_is_refused_with_a_message(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    answer = client.post(reverse("survey_step", args=[campaign.slug, "recommendations"]), {"recommendations": "x" * 6000})
    assert answer.status_code == 400 and "at most 5000 characters" in answer.content.decode()


def test_a_person_only_ever_sees_their_own_response(client, campaign):
    mine = ResponseFactory(campaign=campaign, contact_name="Mine")
    theirs = ResponseFactory(campaign=campaign, contact_name="Theirs")
    Response.objects.filter(pk__in=[mine.pk, theirs.pk]).update(steps_done=list(STEP_SLUGS))
    client.force_login(mine.respondents.get().user)
    html = client.get(reverse("survey_review", args=[campaign.slug])).content.decode()
    assert "Mine" in html and "Theirs" not in html
    # Asking for access to another response is the only thing one can do with its id.
    assert client.get(reverse("survey_request_access", args=[campaign.slug, theirs.pk])).status_code == 405


def test_double_submit_creates_one_confirmation(client, campaign, committed):
    response = ResponseFactory(campaign=campaign, steps_done=list(STEP_SLUGS))
    interest(response, "hdev")
    client.force_login(response.respondents.get().user)
    url = reverse("survey_submit", args=[campaign.slug])
    with committed():
        first = client.post(url, {"revision": response.revision})
        second = client.post(url, {"revision": response.revision})
    assert first["Location"] == second["Location"] == reverse("survey_done", args=[campaign.slug])
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("rows", [1, 25])
def test_review_page_makes_a_fixed_number_of_queries(client, campaign, django_assert_num_queries, rows):
    response = ResponseFactory(campaign=campaign, steps_done=list(STEP_SLUGS))
    for code in ("hdev", "zecs", "cc"):
        interest(response, code)
    for n in range(rows):
        response.purchases.create(description=f"Purchase {n}", area=campaign.areas.first())
    client.force_login(response.respondents.get().user)
    # The same whatever the rows; the response is read once, its answers read onto it (it was read again before).
    with django_assert_num_queries(10):
        assert client.get(reverse("survey_review", args=[campaign.slug])).status_code == 200


@pytest.mark.parametrize("campaigns", [1, 20])
def test_home_page_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries, campaigns):
    CampaignFactory.create_batch(campaigns)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("home")).status_code == 200


def test_healthz_reports_database_and_redis(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_says_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["redis"] == "down"


def test_countries_are_named_and_sorted_in_the_language_of_the_request(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    url = reverse("survey_step", args=[campaign.slug, "organisation"])
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="DE">Deutschland</option>' in german and '<option value="DE">Germany</option>' in english
    # Sorted by the German names: Ägypten comes before Albanien, as Egypt comes after Albania in English.
    assert german.index('value="EG"') < german.index('value="AL"')
    assert english.index('value="AL"') < english.index('value="EG"')


def test_the_saved_country_stays_chosen_and_a_bad_one_is_refused_next_to_the_field(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    url = reverse("survey_step", args=[campaign.slug, "organisation"])
    code = response.organisation.country.code
    assert f'<option value="{code}" selected>' in client.get(url).content.decode()
    answer = client.post(url, {"name": "Ville de Lyon", "country": "XX", "body_type": "local_authority"})
    html = answer.content.decode()
    assert answer.status_code == 400 and "Choose a country from the list." in html
    assert 'value="Ville de Lyon"' in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize("step", STEP_SLUGS)
def test_each_step_reads_only_what_it_shows(client, campaign, django_assert_num_queries, step):
    # The user, the campaign's content version (the process keeps its row, areas and questionnaire while the
    # version stands; the session comes from the cache) and the person's response with the organisation; the
    # interests, purchases and challenges steps read their own rows, the challenges step the areas chosen.
    response = ResponseFactory(campaign=campaign, steps_done=list(STEP_SLUGS))
    interest(response, "hdev")
    client.force_login(response.respondents.get().user)
    url = reverse("survey_step", args=[campaign.slug, step])
    client.get(url)  # the process reads the campaign once
    expected = {"interests": 4, "purchases": 4, "challenges": 5}.get(step, 3)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_a_respondent_willing_to_be_interviewed_finds_the_interview_page(client, campaign):
    response = ResponseFactory(campaign=campaign, steps_done=list(STEP_SLUGS), interview_willing=True)
    client.force_login(response.respondents.get().user)
    link = reverse("interview_mine", args=[campaign.slug])
    assert link not in client.get(reverse("campaign_detail", args=[campaign.slug])).content.decode()  # a draft
    Response.objects.filter(pk=response.pk).update(status="submitted", submitted_at=timezone.now())
    assert link in client.get(reverse("campaign_detail", args=[campaign.slug])).content.decode()
    assert link in client.get(reverse("survey_done", args=[campaign.slug])).content.decode()
    Response.objects.filter(pk=response.pk).update(interview_willing=False)
    assert link not in client.get(reverse("campaign_detail", args=[campaign.slug])).content.decode()


def test_the_campaign_page_offers_to_continue_a_draft_and_to_change_submitted_answers(client, campaign):
    response = ResponseFactory(campaign=campaign, steps_done=list(STEP_SLUGS))
    client.force_login(response.respondents.get().user)
    page = client.get(reverse("campaign_detail", args=[campaign.slug])).content.decode()
    assert "Continue the survey" in page and "See or change your answers" not in page
    Response.objects.filter(pk=response.pk).update(status="submitted", submitted_at=timezone.now())
    page = client.get(reverse("campaign_detail", args=[campaign.slug])).content.decode()
    assert "See or change your answers" in page and "Continue the survey" not in page


def test_interview_availability_is_shown_in_the_language_of_the_request(client, campaign):
    response = ResponseFactory(campaign=campaign, steps_done=list(STEP_SLUGS))
    client.force_login(response.respondents.get().user)
    url = reverse("survey_step", args=[campaign.slug, "interview"])
    assert "Monday morning" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Lundi matin" in french and "Monday" not in french


@pytest.mark.parametrize(("total", "initial"), [("-5", "99999999999"), ("-1", "0"), ("1", "2"), ("0", "-3")])
def test_a_tampered_purchases_formset_is_refused_and_the_saved_rows_stay(client, campaign, total, initial):
    response = ResponseFactory(campaign=campaign)
    PlannedPurchase.objects.create(response=response, description="Electric buses", cpv_code="34144910-0")
    client.force_login(response.respondents.get().user)
    answer = client.post(reverse("survey_step", args=[campaign.slug, "purchases"]),
                         {"purchases-TOTAL_FORMS": total, "purchases-INITIAL_FORMS": initial})
    assert answer.status_code == 400
    assert list(response.purchases.values_list("description", flat=True)) == ["Electric buses"]


def test_the_campaign_page_names_the_groups_and_countries_it_covers(client):
    campaign = CampaignFactory(eligible_country_groups=["EU", "EEA"])
    page = client.get(reverse("campaign_detail", args=[campaign.slug])).content.decode()
    assert "This campaign covers EU-27, EEA: 30 countries." in page
    assert "Austria, Belgium, Bulgaria, Croatia, Cyprus, Czechia, Denmark," in page and "Iceland, Ireland, Italy" in page
    assert "Liechtenstein" in page and "Norway" in page
    # A Swiss buyer learns it here, before the organisation step, and why.
    assert "Bodies from these countries cannot take part in this campaign:" in page
    assert "<li>Switzerland is in EFTA, but not in the EEA or the EU.</li>" in page
    everyone = CampaignFactory(eligible_country_groups=["EU", "EEA", "EFTA"])
    page = client.get(reverse("campaign_detail", args=[everyone.slug])).content.decode()
    assert "This campaign covers EU-27, EEA, EFTA: 31 countries." in page and "Switzerland" in page
    assert "cannot take part in this campaign" not in page
    french = client.get(reverse("campaign_detail", args=[campaign.slug]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Suisse" in french and "Islande" in french


def test_the_home_page_marks_closed_campaigns_with_their_date_and_results(client):
    CampaignFactory(slug="open-one", name="Working Together – open survey")
    closed = CampaignFactory(slug="closed-one", name="Big Buyers 2023", deadline=timezone.now() - dt.timedelta(days=40))
    for _ in range(3):
        ResponseFactory(campaign=closed, status="submitted", submitted_at=timezone.now() - dt.timedelta(days=50))
    ResponseFactory(campaign=closed)  # a draft does not count
    page = client.get(reverse("home")).content.decode()
    opened, closed_part = page.split("Closed surveys")
    assert "Working Together – open survey" in opened and "Big Buyers 2023" not in opened
    assert "Big Buyers 2023" in closed_part and "Closed since" in closed_part
    assert "Results: 3 public buyers answered." in closed_part
    assert 'href="/communities/about/"' in page


def test_the_favicon_is_served(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(answer.streaming_content).startswith(b"\x00\x00\x01\x00")
    assert '<link rel="icon" href="/favicon.ico"' in client.get(reverse("home")).content.decode()
