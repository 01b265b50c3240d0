"""What a respondent does in a browser: book an interview from the e-mailed link; a second person who
tries the same time at nearly the same moment is told it is taken and books another."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from groups.models import Interview, InterviewStatus
from groups.services import interviews as services
from tests.browser.helpers import link_in_last_email
from tests.factories import CampaignFactory, InterviewSlotFactory, StaffFactory, interviewee, weekday_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _willing(campaign, email: str, country: str):  # type: ignore[no-untyped-def]
    return interviewee(campaign, email, country=country, interview_mode="video", interview_availability=["tue_am"])


def _next_weekday_at(hour: int, zone: str) -> dt.datetime:
    return weekday_at(3, hour, zone)


def test_respondent_books_from_the_link_and_a_second_person_finds_it_taken(page, browser, live_server):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(slug="bbwt", name="Big Buyers Working Together", time_zone="Europe/Brussels")
    interviewer = StaffFactory(email="ines@secretariat.example", full_name="Inès Moreau")
    ten = _next_weekday_at(10, "Europe/Paris")
    InterviewSlotFactory(campaign=campaign, interviewer=interviewer, starts_at=ten)
    InterviewSlotFactory(campaign=campaign, interviewer=interviewer, starts_at=ten + dt.timedelta(hours=1))
    eva = _willing(campaign, "eva.martin@ville-rivesaltes.example", "FR")
    jan = _willing(campaign, "jan.devries@westerhaven.example", "NL")
    services.invite_to_book(campaign)
    eva_link = link_in_last_email("eva.martin@ville-rivesaltes.example")
    jan_link = link_in_last_email("jan.devries@westerhaven.example")

    # Jan opens his invitation first, in his own browser, and sees the same ten o'clock.
    jans_browser = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    jan_page = jans_browser.new_page()
    jan_page.goto(jan_link)
    jan_page.get_by_label(re.compile(r"^10:00–10:30 \(Europe/Amsterdam\)")).check()

    # Eva books ten o'clock, without signing in: the link is enough.
    page.goto(eva_link)
    page.get_by_role("heading", name="Your follow-up interview").wait_for()
    page.get_by_label(re.compile(r"^10:00–10:30 \(Europe/Paris\)")).check()
    page.get_by_role("button", name="Book this time").click()
    page.get_by_role("heading", name="Your interview is booked").wait_for()
    assert "A calendar invitation is on its way" in page.locator(".messages").inner_text()
    assert "(Europe/Paris)" in page.locator("section").inner_text()
    to_eva = [m for m in mail.outbox if m.to == ["eva.martin@ville-rivesaltes.example"]]
    assert "Interview booked" in to_eva[-1].subject and to_eva[-1].attachments[0][0] == "invite.ics"

    # Jan presses "Book" on the time he chose a moment ago: he is told it is taken, and books the next one.
    jan_page.get_by_role("button", name="Book this time").click()
    jan_page.get_by_role("heading", name="There is a problem").wait_for()
    assert "someone has just booked this time" in jan_page.locator(".error-summary").inner_text()
    assert jan_page.get_by_label(re.compile(r"^10:00–10:30")).count() == 0, "the taken time is no longer offered"
    jan_page.get_by_label(re.compile(r"^11:00–11:30 \(Europe/Amsterdam\)")).check()
    jan_page.get_by_role("button", name="Book this time").click()
    jan_page.get_by_role("heading", name="Your interview is booked").wait_for()
    jans_browser.close()

    booked = dict(Interview.objects.filter(status=InterviewStatus.BOOKED).values_list("response_id", "slot__starts_at"))
    assert booked == {eva.pk: ten, jan.pk: ten + dt.timedelta(hours=1)}


def test_respondent_cancels_from_the_page(page, live_server):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(slug="bbwt")
    slot = InterviewSlotFactory(campaign=campaign, starts_at=_next_weekday_at(9, "Europe/Lisbon"))
    response = _willing(campaign, "ana@camara-lisboa.example", "PT")
    services.book_interview(response, slot=slot)
    page.goto(link_in_last_email("ana@camara-lisboa.example"))
    assert "09:00 (Europe/Lisbon)" in page.locator("section").inner_text()
    page.get_by_role("button", name="Cancel the interview").click()
    page.get_by_text("Your interview is cancelled").wait_for()
    assert page.get_by_role("heading", name="Choose a time").is_visible()
    assert "Interview cancelled" in mail.outbox[-1].subject
