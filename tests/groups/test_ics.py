"""Calendar invitations: a stable UID, a rising SEQUENCE, REQUEST then CANCEL, times in UTC."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from icalendar import Calendar

from groups import ics
from groups.services import interviews as services
from surveys.models import ResponseStatus
from tests.factories import InterviewSlotFactory, OrganisationFactory, ResponseFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 3, 12, 9, 30, tzinfo=dt.UTC)


def _event(text: str):  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def interview(campaign, committed):  # type: ignore[no-untyped-def]
    slot = InterviewSlotFactory(campaign=campaign, starts_at=START, duration=45,
                                interviewer=StaffFactory(email="ines@secretariat.example", full_name="Inès Moreau"))
    response = ResponseFactory(campaign=campaign, respondent=UserFactory(email="eva@ville.example"),
                               organisation=OrganisationFactory(name="Ville de Rivesaltes", country="FR"),
                               status=ResponseStatus.SUBMITTED, submitted_at=START - dt.timedelta(days=30),
                               interview_willing=True)
    with committed():
        return services.book_interview(response, slot=slot, now=START - dt.timedelta(days=5))


def _sent_calendars(to: str) -> list[str]:
    return [content for m in mail.outbox if m.to == [to] for _name, content, _type in m.attachments]


def test_invitation_content(interview):
    text = ics.interview_calendar(interview, method=ics.REQUEST,
                                  attendees=[("eva@ville.example", "Eva"), ("ines@secretariat.example", "Inès Moreau")])
    calendar, event = _event(text)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert str(event["UID"]) == interview.uid and interview.uid.startswith(f"interview-{interview.pk}@")
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    assert "DTSTART:20300312T093000Z" in text.replace("\r\n", "\n"), "UTC, written with Z"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=45)
    assert event["LOCATION"] == "https://meet.example/bigbuyers-interview"
    assert "Ville de Rivesaltes" in str(event["SUMMARY"])
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == ["mailto:eva@ville.example", "mailto:ines@secretariat.example"]
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_uid_stays_and_sequence_rises_through_move_and_cancel(interview, campaign, committed):
    later = InterviewSlotFactory(campaign=campaign, interviewer=interview.slot.interviewer,
                                 starts_at=START + dt.timedelta(days=1))
    with committed():
        services.reschedule_interview(interview, slot=later, now=START - dt.timedelta(days=4))
    interview.refresh_from_db()
    with committed():
        services.cancel_interview(interview, now=START - dt.timedelta(days=3))

    sent = [_event(text) for text in _sent_calendars("eva@ville.example")]
    assert [(c["METHOD"], e["SEQUENCE"], str(e["STATUS"])) for c, e in sent] == [
        ("REQUEST", 0, "CONFIRMED"), ("REQUEST", 1, "CONFIRMED"), ("CANCEL", 2, "CANCELLED")]
    assert {str(e["UID"]) for _c, e in sent} == {interview.uid}
    assert sent[1][1].decoded("DTSTART") == START + dt.timedelta(days=1)
    assert _sent_calendars("ines@secretariat.example") == _sent_calendars("eva@ville.example"), "both sides alike"


def test_calendar_travels_as_text_calendar_with_its_method(interview):
    message = next(m for m in mail.outbox if m.to == ["eva@ville.example"]).message()
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get_param("method") == "REQUEST"
    assert parts[0].get_filename() == "invite.ics"
    assert b"BEGIN:VCALENDAR" in parts[0].get_payload(decode=True)


def test_unknown_method_is_refused(interview):
    with pytest.raises(ValueError):
        ics.interview_calendar(interview, method="PUBLISH", attendees=[])
