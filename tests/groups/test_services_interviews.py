"""Interview services: booking once (even at the same moment), moving, cancelling, inviting, assigning."""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.db import connection, transaction
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from groups.models import Interview, InterviewSlot, InterviewSource, InterviewStatus
from groups.selectors.interviews import open_slots
from groups.services import interviews as services
from tests.conftest import wait_for
from tests.factories import CampaignFactory, InterviewSlotFactory, StaffFactory, interviewee, response_by

pytestmark = pytest.mark.django_db


def _willing(campaign, *, email: str, country: str = "FR", availability=("tue_am",), mode: str = "video", **extra):  # type: ignore[no-untyped-def]
    return interviewee(campaign, email, country=country, interview_mode=mode, interview_availability=list(availability),
                       contact_phone="+33 1 23 45 67 89", **extra)


def _ics(message) -> str:  # type: ignore[no-untyped-def]
    (filename, content, _mimetype), = message.attachments
    assert filename.endswith(".ics")
    return content


@pytest.fixture
def slot(campaign):  # type: ignore[no-untyped-def]
    return InterviewSlotFactory(campaign=campaign, interviewer=StaffFactory(email="ines@secretariat.example",
                                                                            full_name="Inès Moreau"))


def test_booking_creates_the_interview_and_sends_both_sides_an_invitation(campaign, slot, committed):
    response = _willing(campaign, email="eva@ville.example")
    with committed():
        interview = services.book_interview(response, slot=slot)
    assert interview.status == InterviewStatus.BOOKED and interview.sequence == 0
    assert interview.time_zone == "Europe/Paris", "the zone of the organisation's country"
    assert sorted(m.to[0] for m in mail.outbox) == ["eva@ville.example", "ines@secretariat.example"]
    for message in mail.outbox:
        assert "METHOD:REQUEST" in _ics(message)
    to_respondent = next(m for m in mail.outbox if m.to == ["eva@ville.example"])
    assert "(Europe/Paris)" in to_respondent.body and "(Europe/Brussels)" in to_respondent.body, "theirs and the campaign's"
    assert "/interviews/" in to_respondent.body, "a link to move or cancel"
    to_interviewer = next(m for m in mail.outbox if m.to == ["ines@secretariat.example"])
    assert "+33 1 23 45 67 89" not in to_interviewer.body, "video call: no phone needed"
    assert "/admin/groups/interview/" in to_interviewer.body
    assert "(Europe/Paris)" not in to_interviewer.body, "the interviewer reads the campaign's time"
    assert slot not in open_slots(campaign)


def test_booking_the_same_slot_twice_is_one_booking(campaign, slot, committed):
    response = _willing(campaign, email="eva@ville.example")
    with committed():
        first = services.book_interview(response, slot=slot)
        again = services.book_interview(response, slot=slot)  # a double click
    assert first.pk == again.pk and Interview.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_booked_slot_cannot_be_booked_by_someone_else(campaign, slot):
    services.book_interview(_willing(campaign, email="eva@ville.example"), slot=slot)
    with pytest.raises(services.SlotTaken):
        services.book_interview(_willing(campaign, email="jan@gemeente.example", country="NL"), slot=slot)
    assert Interview.objects.filter(slot=slot, status=InterviewStatus.BOOKED).count() == 1


def test_slots_too_soon_or_of_another_campaign_cannot_be_booked(campaign, slot):
    response = _willing(campaign, email="eva@ville.example")
    with pytest.raises(services.SlotUnavailable):
        services.book_interview(response, slot=InterviewSlotFactory(campaign=CampaignFactory()))
    soon = InterviewSlotFactory(campaign=campaign, starts_at=timezone.now() + dt.timedelta(minutes=30))
    with pytest.raises(services.SlotUnavailable):
        services.book_interview(response, slot=soon)


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_the_same_moment_get_it_once():
    """Two transactions insert at once: the second waits on the first's row, then is told the slot is taken.

    The first transaction stays open until the test has seen the second one wait on a lock (PostgreSQL's
    pg_stat_activity), or finish without waiting: no pause whose length is a guess."""
    campaign = CampaignFactory()
    slot = InterviewSlotFactory(campaign=campaign)
    eva, jan = _willing(campaign, email="eva@ville.example"), _willing(campaign, email="jan@gemeente.example")
    first_inserted, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                services.book_interview(eva, slot=slot)
                first_inserted.set()
                release.wait(15)  # still uncommitted while the second person presses "Book"
            outcomes["eva"] = "booked"
        finally:
            connection.close()

    def second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcomes["jan_pid"] = cursor.fetchone()[0]
            first_inserted.wait(5)
            try:
                services.book_interview(jan, slot=slot)
                outcomes["jan"] = "booked"
            except services.SlotTaken:
                outcomes["jan"] = "taken"
        finally:
            connection.close()

    def jan_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [outcomes.get("jan_pid")])
            row = cursor.fetchone()
        return row is not None and row[0] == "Lock"

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        assert first_inserted.wait(5)
        wait_for(lambda: "jan" in outcomes or jan_waits_on_a_lock())
        outcomes["jan_waited"] = "jan" not in outcomes
    finally:
        release.set()
        for thread in threads:
            thread.join(15)
    assert outcomes["eva"] == "booked" and outcomes["jan"] == "taken"
    assert outcomes["jan_waited"], "the second insert waited for the first transaction"
    assert list(Interview.objects.values_list("response_id", flat=True)) == [eva.pk]


def test_moving_keeps_the_uid_raises_the_sequence_and_frees_the_old_slot(campaign, slot, committed):
    response = _willing(campaign, email="eva@ville.example")
    later = InterviewSlotFactory(campaign=campaign, interviewer=slot.interviewer,
                                 starts_at=slot.starts_at + dt.timedelta(hours=2))
    with committed():
        interview = services.book_interview(response, slot=slot)
    mail.outbox.clear()
    with committed():
        moved = services.book_interview(response, slot=later)
    assert moved.pk == interview.pk and moved.slot == later and moved.sequence == 1
    assert slot in open_slots(campaign) and later not in open_slots(campaign)
    assert len(mail.outbox) == 2 and all("moved" in m.subject for m in mail.outbox)
    for message in mail.outbox:
        text = _ics(message)
        assert f"UID:{interview.uid}" in text and "SEQUENCE:1" in text and "METHOD:REQUEST" in text


def test_moving_to_another_interviewer_cancels_it_in_the_first_ones_calendar(campaign, slot, committed):
    response = _willing(campaign, email="eva@ville.example")
    other = InterviewSlotFactory(campaign=campaign, interviewer=StaffFactory(email="piet@secretariat.example"))
    services.book_interview(response, slot=slot)
    with committed():
        services.book_interview(response, slot=other)
    by_person = {m.to[0]: _ics(m) for m in mail.outbox if "SEQUENCE:1" in _ics(m)}
    assert "METHOD:CANCEL" in by_person["ines@secretariat.example"]
    assert "METHOD:REQUEST" in by_person["piet@secretariat.example"]
    assert "METHOD:REQUEST" in by_person["eva@ville.example"]


def test_moving_into_a_taken_slot_fails_and_keeps_the_interview(campaign, slot):
    response = _willing(campaign, email="eva@ville.example")
    taken = InterviewSlotFactory(campaign=campaign)
    services.book_interview(_willing(campaign, email="jan@gemeente.example"), slot=taken)
    interview = services.book_interview(response, slot=slot)
    with pytest.raises(services.SlotTaken):
        services.reschedule_interview(interview, slot=taken)
    interview.refresh_from_db()
    assert interview.slot == slot and interview.sequence == 0


def test_cancelling_sends_a_cancellation_and_frees_the_slot(campaign, slot, committed):
    response = _willing(campaign, email="eva@ville.example")
    interview = services.book_interview(response, slot=slot)
    mail.outbox.clear()
    with committed():
        assert services.cancel_interview(interview) is True
        assert services.cancel_interview(interview) is False, "once"
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED and interview.cancelled_at and interview.sequence == 1
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = _ics(message)
        assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text and f"UID:{interview.uid}" in text
    assert slot in open_slots(campaign)
    again = services.book_interview(response, slot=slot)
    assert again.pk != interview.pk, "a new booking is a new calendar event"


def test_invitations_go_to_willing_respondents_without_an_interview_once(campaign, slot, committed):
    invited = _willing(campaign, email="eva@ville.example")
    booked = _willing(campaign, email="jan@gemeente.example")
    services.book_interview(booked, slot=slot)
    _willing(campaign, email="no@ville.example", interview_willing=False)
    _willing(campaign, email="out@firm.example", eligibility="not_eligible")
    response_by(campaign, "draft@ville.example", interview_willing=True)
    mail.outbox.clear()
    with committed():
        assert services.invite_to_book(campaign) == 1
    assert [m.to for m in mail.outbox] == [["eva@ville.example"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/interviews/" in line)
    assert services.response_for_token(link.rsplit("/interviews/", 1)[1].strip("/")) == invited
    with committed():
        assert services.invite_to_book(campaign) == 0, "nobody is invited twice"
    assert len(mail.outbox) == 1


def test_booking_token_names_its_response_and_nothing_else(campaign, settings, monkeypatch):
    response = _willing(campaign, email="eva@ville.example")
    token = services.booking_token(response)
    assert services.response_for_token(token) == response
    assert services.response_for_token(token[:-2] + "xx") is None
    assert services.response_for_token(signing.dumps(response.pk, salt="another-purpose")) is None
    later = time.time() + 91 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert services.response_for_token(token) is None, "older than INTERVIEW_LINK_MAX_AGE_DAYS"


def test_assignment_books_as_many_as_availability_allows(campaign, committed):
    monday = timezone.now().date() + dt.timedelta(days=(7 - timezone.now().weekday()) % 7 or 7)
    brussels = ZoneInfo("Europe/Brussels")
    interviewer = StaffFactory(email="ines@secretariat.example")
    morning = InterviewSlotFactory(campaign=campaign, interviewer=interviewer,
                                   starts_at=dt.datetime.combine(monday, dt.time(9), brussels))
    afternoon = InterviewSlotFactory(campaign=campaign, interviewer=interviewer,
                                     starts_at=dt.datetime.combine(monday, dt.time(14), brussels))
    phone = InterviewSlotFactory(campaign=campaign, interviewer=interviewer, mode="phone", video_link="",
                                 starts_at=dt.datetime.combine(monday, dt.time(15), brussels))
    anytime = _willing(campaign, email="eva@ville.example", availability=("mon_am", "mon_pm"))
    only_morning = _willing(campaign, email="jan@gemeente.example", country="NL", availability=("mon_am",))
    by_phone = _willing(campaign, email="ana@camara.example", country="PT", availability=("mon_pm",), mode="phone")
    _willing(campaign, email="fri@ville.example", availability=("fri_pm",))  # nothing fits
    _willing(campaign, email="none@ville.example", availability=())  # said nothing
    with committed():
        report = services.assign_interviews(campaign)
    assigned = {i.response_id: i.slot_id for i in report.assigned}
    assert assigned == {only_morning.pk: morning.pk, anytime.pk: afternoon.pk, by_phone.pk: phone.pk}
    assert report.candidates == 4 and report.open_slots == 3
    assert all(i.source == InterviewSource.ASSIGNMENT for i in report.assigned)
    assert len(mail.outbox) == 6, "both sides of three interviews"
    with committed():
        assert services.assign_interviews(campaign).assigned == [], "running again books nothing more"


def test_series_keeps_local_hours_across_a_clock_change():
    starts = services.series_starts(
        first_day=dt.date(2026, 10, 23), last_day=dt.date(2026, 10, 27), weekdays=[0, 1, 2, 3, 4],
        day_start=dt.time(9), day_end=dt.time(10, 30), duration=30, pause=15, zone="Europe/Brussels",
    )
    local = [(s.date().isoformat(), s.strftime("%H:%M")) for s in starts]
    assert local == [("2026-10-23", "09:00"), ("2026-10-23", "09:45"), ("2026-10-26", "09:00"),
                     ("2026-10-26", "09:45"), ("2026-10-27", "09:00"), ("2026-10-27", "09:45")]
    assert starts[0].utcoffset() == dt.timedelta(hours=2) and starts[2].utcoffset() == dt.timedelta(hours=1)


def test_series_skips_what_overlaps_the_interviewers_other_slots(campaign):
    interviewer = StaffFactory(email="ines@secretariat.example")
    brussels = ZoneInfo("Europe/Brussels")
    day = timezone.now().date() + dt.timedelta(days=10)
    InterviewSlotFactory(campaign=CampaignFactory(), interviewer=interviewer,
                         starts_at=dt.datetime.combine(day, dt.time(9, 50), brussels))
    starts = [dt.datetime.combine(day, dt.time(h, m), brussels) for h, m in [(9, 0), (9, 30), (10, 0), (10, 30)]]
    created, skipped = services.create_slot_series(campaign, interviewer=interviewer, starts=starts, duration=30,
                                                   mode="phone")
    assert skipped == 2 and len(created) == 2
    assert sorted(s.starts_at.astimezone(brussels).strftime("%H:%M") for s in created) == ["09:00", "10:30"]
    again, skipped = services.create_slot_series(campaign, interviewer=interviewer, starts=starts, duration=30,
                                                 mode="phone")
    assert again == [] and skipped == 4
    assert InterviewSlot.objects.filter(interviewer=interviewer).count() == 3
    assert not OutgoingEmail.objects.exists(), "opening slots sends nothing"


def test_a_persons_data_export_holds_their_interviews(campaign, slot):
    from bigbuyers.privacy import erase_personal_data, export_personal_data

    response = _willing(campaign, email="eva@ville.example")
    interview = services.book_interview(response, slot=slot)
    Interview.objects.filter(pk=interview.pk).update(notes="Needs charging at depots.")
    person = response.respondents.get().user
    [exported] = export_personal_data(person)["interviews"]
    assert exported["starts_at"] == slot.starts_at.isoformat() and exported["notes"] == "Needs charging at depots."
    erase_personal_data(person)
    assert export_personal_data(person)["interviews"] == []
    assert Interview.objects.filter(pk=interview.pk).exists(), "the organisation's interview stays"
