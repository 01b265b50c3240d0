"""Interview pages with the test client: the booking page from its link, and the secretariat's admin."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Interview, InterviewOutcome, InterviewSlot, InterviewStatus
from groups.services import interviews as services
from tests.factories import CampaignFactory, InterviewSlotFactory, StaffFactory, UserFactory, interviewee, weekday_at

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _response(campaign, email: str = "eva@ville.example", **extra):  # type: ignore[no-untyped-def]
    return interviewee(campaign, email, **{"interview_mode": "video",
                                           "interview_availability": ["mon_am", "tue_am", "wed_am", "thu_am", "fri_am"],
                                           **extra})


def _start(days: int, hour: int) -> dt.datetime:
    """`hour` o'clock in Paris, on the first weekday at least `days` days ahead."""
    return weekday_at(days, hour, PARIS)


def _url(response, **query) -> str:  # type: ignore[no-untyped-def]
    url = reverse("interview_booking", args=[services.booking_token(response)])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def slot(campaign):  # type: ignore[no-untyped-def]
    return InterviewSlotFactory(campaign=campaign, starts_at=_start(4, 10))


def test_booking_page_shows_open_times_in_the_respondents_zone(client, campaign, slot):
    page = client.get(_url(_response(campaign)))
    assert page.status_code == 200
    text = page.content.decode()
    assert "10:00–10:30 (Europe/Paris)" in text, "the zone of the organisation's country"
    assert "Book this time" in text and "Video call" in text
    helsinki = client.get(_url(_response(campaign, email="jan@ville.example"), tz="Europe/Helsinki")).content.decode()
    assert "11:00–11:30 (Europe/Helsinki)" in helsinki and "10:00 campaign time" in helsinki
    unknown = client.get(_url(_response(campaign, email="ana@ville.example"), tz="Mars/Olympus")).content.decode()
    assert "(Europe/Paris)" in unknown


def test_a_forged_or_broken_link_gets_a_clear_page(client):
    page = client.get(reverse("interview_booking", args=["MTIz:forged:signature"]))
    assert page.status_code == 404 and b"This link does not work" in page.content


def test_booking_from_the_page(client, campaign, slot, django_capture_on_commit_callbacks):
    response = _response(campaign)
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
    services.book_interview(_response(campaign, email="first@ville.example"), slot=slot)
    answer = client.post(_url(_response(campaign)), {"slot": slot.pk})
    assert answer.status_code == 409
    assert "someone has just booked this time" in answer.content.decode()


def test_booking_without_a_time_says_what_to_do(client, campaign, slot):
    answer = client.post(_url(_response(campaign)), {})
    assert answer.status_code == 400 and "Choose a time for your interview." in answer.content.decode()
    assert 'href="#id_slot_0"' in answer.content.decode(), "the error summary links to the first time"


def test_moving_and_cancelling_from_the_page(client, campaign, slot):
    response = _response(campaign)
    later = InterviewSlotFactory(campaign=campaign, starts_at=_start(5, 14))
    client.post(_url(response), {"slot": slot.pk})
    answer = client.post(_url(response), {"slot": later.pk}, follow=True)
    assert "Your interview is moved" in answer.content.decode()
    assert Interview.objects.get(response=response).slot == later
    assert client.get(reverse("interview_cancel", args=[services.booking_token(response)])).status_code == 405
    answer = client.post(reverse("interview_cancel", args=[services.booking_token(response)]), follow=True)
    assert "Your interview is cancelled" in answer.content.decode()
    assert Interview.objects.get(response=response).status == InterviewStatus.CANCELLED


def test_signed_in_respondent_reaches_the_page_from_the_campaign(client, campaign):
    response = _response(campaign)
    mine = reverse("interview_mine", args=[campaign.slug])
    assert client.get(mine)["Location"].startswith(reverse("signin"))
    client.force_login(response.respondents.get().user)
    answer = client.get(mine)
    assert answer.status_code == 302
    assert services.response_for_token(answer["Location"].split("/interviews/")[1].strip("/")) == response
    client.force_login(UserFactory(email="nobody@ville.example"))
    assert client.get(mine).status_code == 404


def test_booking_page_queries_do_not_grow_with_the_slots(client, campaign):
    response = _response(campaign)
    InterviewSlotFactory(campaign=campaign, starts_at=_start(3, 9))
    url = _url(response)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for day in range(3, 8):
        for hour in (10, 11, 14, 15):
            InterviewSlotFactory(campaign=campaign, starts_at=_start(day, hour),
                                 interviewer=StaffFactory(email=f"i{day}{hour}@secretariat.example"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)


# --- The secretariat's admin -------------------------------------------------------------------------

def test_slot_list_offers_the_series_invitations_and_assignment(staff_client, slot):
    page = staff_client.get(reverse("admin:groups_interviewslot_changelist"))
    assert page.status_code == 200
    for label in (b"Open a series of slots", b"Invite respondents to book", b"Assign slots automatically"):
        assert label in page.content


def test_slot_lists_queries_do_not_grow_with_the_rows(staff_client, campaign):
    urls = [reverse("admin:groups_interviewslot_changelist"), reverse("admin:groups_interview_changelist")]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert staff_client.get(url).status_code == 200
            result.append(len(queries))
        return result

    services.book_interview(_response(campaign), slot=InterviewSlotFactory(campaign=campaign))
    one = counts()
    for index in range(8):
        slot = InterviewSlotFactory(campaign=campaign, starts_at=_start(3 + index, 10),
                                    interviewer=StaffFactory(email=f"i{index}@secretariat.example"))
        services.book_interview(_response(campaign, email=f"r{index}@ville.example"), slot=slot)
    assert counts() == one


def test_series_form_opens_slots_in_the_campaigns_zone(staff_client, campaign, staff):
    monday = timezone.now().date() + dt.timedelta(days=7 - timezone.now().weekday())
    answer = staff_client.post(reverse("admin:groups_interviewslot_series"), {
        "campaign": campaign.pk, "interviewer": staff.pk, "first_day": monday.isoformat(),
        "last_day": (monday + dt.timedelta(days=6)).isoformat(), "weekdays": ["1", "3"], "day_start": "09:00",
        "day_end": "11:00", "duration": "45", "pause": "15", "mode": "video", "video_link": "https://meet.example/x",
    })
    assert answer.status_code == 302
    starts = sorted(s.starts_at.astimezone(campaign.zone) for s in InterviewSlot.objects.all())
    assert [(s.strftime("%a %H:%M")) for s in starts] == ["Tue 09:00", "Tue 10:00", "Thu 09:00", "Thu 10:00"]
    wrong = staff_client.post(reverse("admin:groups_interviewslot_series"), {
        "campaign": campaign.pk, "interviewer": staff.pk, "first_day": monday.isoformat(),
        "last_day": monday.isoformat(), "weekdays": ["0"], "day_start": "09:00", "day_end": "11:00",
        "duration": "45", "pause": "0", "mode": "video"})
    assert wrong.status_code == 400 and b"A video call needs its link." in wrong.content


def test_invite_and_assign_from_the_admin(staff_client, campaign, django_capture_on_commit_callbacks):
    response = _response(campaign)
    slot = InterviewSlotFactory(campaign=campaign, starts_at=_start(1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_client.post(reverse("admin:groups_interviewslot_invite"), {"campaign": campaign.pk},
                                   follow=True)
    assert b"1 invitation to book an interview is on its way." in answer.content
    assert [m.to for m in mail.outbox] == [["eva@ville.example"]]
    answer = staff_client.post(reverse("admin:groups_interviewslot_assign"), {"campaign": campaign.pk}, follow=True)
    assert Interview.objects.get(response=response, status=InterviewStatus.BOOKED).slot == slot
    assert b"1 interviews booked for 1 respondents" in answer.content


def test_interviewer_records_notes_and_outcome(staff_client, campaign, slot):
    interview = services.book_interview(_response(campaign, contact_name="Eva Martin"), slot=slot)
    url = reverse("admin:groups_interview_change", args=[interview.pk])
    page = staff_client.get(url)
    assert page.status_code == 200 and b"Eva Martin" in page.content and b"Move to another slot" in page.content
    answer = staff_client.post(url, {"outcome": InterviewOutcome.HELD, "notes": "Needs charging at depots.",
                                     "_save": "Save"})
    assert answer.status_code == 302
    interview.refresh_from_db()
    assert interview.outcome == InterviewOutcome.HELD and interview.notes == "Needs charging at depots."
    assert interview.slot == slot and interview.status == InterviewStatus.BOOKED, "the rest cannot be typed in"


def test_secretariat_moves_and_cancels_an_interview(staff_client, campaign, slot, django_capture_on_commit_callbacks):
    interview = services.book_interview(_response(campaign), slot=slot)
    other = InterviewSlotFactory(campaign=campaign, starts_at=_start(6, 15), interviewer=slot.interviewer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_client.post(reverse("admin:groups_interview_reschedule", args=[interview.pk]),
                                   {"slot": other.pk})
    assert answer.status_code == 302
    interview.refresh_from_db()
    assert interview.slot == other and interview.sequence == 1 and len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:groups_interview_changelist"),
                          {"action": "cancel_interviews", "_selected_action": [interview.pk]})
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED and len(mail.outbox) == 4


def test_a_booked_slot_cannot_be_edited_in_place(staff_client, campaign, slot):
    services.book_interview(_response(campaign), slot=slot)
    page = staff_client.get(reverse("admin:groups_interviewslot_change", args=[slot.pk]))
    assert page.status_code == 200 and b'name="starts_at_0"' not in page.content
    free = InterviewSlotFactory(campaign=campaign, starts_at=_start(9, 9), interviewer=StaffFactory())
    assert b'name="starts_at_0"' in staff_client.get(
        reverse("admin:groups_interviewslot_change", args=[free.pk])).content


def test_other_campaign_slots_are_not_offered(client, slot):
    other = CampaignFactory()
    page = client.get(_url(_response(other)))
    assert page.status_code == 200 and "No other time is open" in page.content.decode()
