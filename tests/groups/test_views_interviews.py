"""groups/views/interviews.py with the test client: the booking page reached from its link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Interview, InterviewStatus
from groups.services import interviews as services
from tests.factories import CampaignFactory, InterviewSlotFactory, StaffFactory, UserFactory
from tests.groups.booking import paris_time, ready_to_book

pytestmark = pytest.mark.django_db


def _url(response, **query) -> str:  # type: ignore[no-untyped-def]
    url = reverse("interview_booking", args=[services.booking_token(response)])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_booking_page_shows_open_times_in_the_respondents_zone(client, campaign, slot):
    page = client.get(_url(ready_to_book(campaign)))
    assert page.status_code == 200
    text = page.content.decode()
    assert "10:00–10:30 (Europe/Paris)" in text, "the zone of the organisation's country"
    assert "Book this time" in text and "Video call" in text
    helsinki = client.get(_url(ready_to_book(campaign, email="jan@ville.example"), tz="Europe/Helsinki")).content.decode()
    assert "11:00–11:30 (Europe/Helsinki)" in helsinki and "10:00 campaign time" in helsinki
    unknown = client.get(_url(ready_to_book(campaign, email="ana@ville.example"), tz="Mars/Olympus")).content.decode()
    assert "(Europe/Paris)" in unknown


def test_a_forged_or_broken_link_gets_a_clear_page(client):
    page = client.get(reverse("interview_booking", args=["MTIz:forged:signature"]))
    assert page.status_code == 404 and b"This link does not work" in page.content


def test_booking_from_the_page(client, campaign, slot, django_capture_on_commit_callbacks):
    response = ready_to_book(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(_url(response), {"slot": slot.pk, "tz": "Europe/Lisbon"})
    assert answer.status_code == 302 and answer["Location"].endswith("?tz=Europe%2FLisbon")
    interview = Interview.objects.get(response=response)
    assert interview.slot == slot and interview.time_zone == "Europe/Lisbon", "e-mails in the zone they chose"
    assert len(mail.outbox) == 2
    page = client.get(answer["Location"]).content.decode()
    assert "Your interview is booked" in page and "09:00 (Europe/Lisbon)" in page
    assert "Cancel the interview" in page and "Choose another time" in page


def test_a_taken_time_is_refused_with_a_clear_message(client, campaign, slot):
    services.book_interview(ready_to_book(campaign, email="first@ville.example"), slot=slot)
    answer = client.post(_url(ready_to_book(campaign)), {"slot": slot.pk})
    assert answer.status_code == 409
    assert "someone has just booked this time" in answer.content.decode()


def test_booking_without_a_time_says_what_to_do(client, campaign, slot):
    answer = client.post(_url(ready_to_book(campaign)), {})
    assert answer.status_code == 400 and "Choose a time for your interview." in answer.content.decode()
    assert 'href="#id_slot_0"' in answer.content.decode(), "the error summary links to the first time"


def test_moving_and_cancelling_from_the_page(client, campaign, slot):
    response = ready_to_book(campaign)
    later = InterviewSlotFactory(campaign=campaign, starts_at=paris_time(5, 14))
    client.post(_url(response), {"slot": slot.pk})
    answer = client.post(_url(response), {"slot": later.pk}, follow=True)
    assert "Your interview is moved" in answer.content.decode()
    assert Interview.objects.get(response=response).slot == later
    assert client.get(reverse("interview_cancel", args=[services.booking_token(response)])).status_code == 405
    answer = client.post(reverse("interview_cancel", args=[services.booking_token(response)]), follow=True)
    assert "Your interview is cancelled" in answer.content.decode()
    assert Interview.objects.get(response=response).status == InterviewStatus.CANCELLED


def test_signed_in_respondent_reaches_the_page_from_the_campaign(client, campaign):
    response = ready_to_book(campaign)
    mine = reverse("interview_mine", args=[campaign.slug])
    assert client.get(mine)["Location"].startswith(reverse("signin"))
    client.force_login(response.respondents.get().user)
    answer = client.get(mine)
    assert answer.status_code == 302
    assert services.response_for_token(answer["Location"].split("/interviews/")[1].strip("/")) == response
    client.force_login(UserFactory(email="nobody@ville.example"))
    assert client.get(mine).status_code == 404


def test_booking_page_queries_do_not_grow_with_the_slots(client, campaign):
    response = ready_to_book(campaign)
    InterviewSlotFactory(campaign=campaign, starts_at=paris_time(3, 9))
    url = _url(response)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for day in range(3, 8):
        for hour in (10, 11, 14, 15):
            InterviewSlotFactory(campaign=campaign, starts_at=paris_time(day, hour),
                                 interviewer=StaffFactory(email=f"i{day}{hour}@secretariat.example"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)


def test_other_campaign_slots_are_not_offered(client, slot):
    other = CampaignFactory()
    page = client.get(_url(ready_to_book(other)))
    assert page.status_code == 200 and "No other time is open" in page.content.decode()
