"""groups/admin/interviews.py with the test client: the secretariat's slots, series, invitations and interviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Interview, InterviewOutcome, InterviewSlot, InterviewStatus
from groups.services import interviews as services
from tests.factories import InterviewSlotFactory, StaffFactory
from tests.groups.booking import paris_time, ready_to_book

pytestmark = pytest.mark.django_db


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

    services.book_interview(ready_to_book(campaign), slot=InterviewSlotFactory(campaign=campaign))
    one = counts()
    for index in range(8):
        slot = InterviewSlotFactory(campaign=campaign, starts_at=paris_time(3 + index, 10),
                                    interviewer=StaffFactory(email=f"i{index}@secretariat.example"))
        services.book_interview(ready_to_book(campaign, email=f"r{index}@ville.example"), slot=slot)
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
    response = ready_to_book(campaign)
    slot = InterviewSlotFactory(campaign=campaign, starts_at=paris_time(1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_client.post(reverse("admin:groups_interviewslot_invite"), {"campaign": campaign.pk},
                                   follow=True)
    assert b"1 invitation to book an interview is on its way." in answer.content
    assert [m.to for m in mail.outbox] == [["eva@ville.example"]]
    answer = staff_client.post(reverse("admin:groups_interviewslot_assign"), {"campaign": campaign.pk}, follow=True)
    assert Interview.objects.get(response=response, status=InterviewStatus.BOOKED).slot == slot
    assert b"1 interviews booked for 1 respondents" in answer.content


def test_interviewer_records_notes_and_outcome(staff_client, campaign, slot):
    interview = services.book_interview(ready_to_book(campaign, contact_name="Eva Martin"), slot=slot)
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
    interview = services.book_interview(ready_to_book(campaign), slot=slot)
    other = InterviewSlotFactory(campaign=campaign, starts_at=paris_time(6, 15), interviewer=slot.interviewer)
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
    services.book_interview(ready_to_book(campaign), slot=slot)
    page = staff_client.get(reverse("admin:groups_interviewslot_change", args=[slot.pk]))
    assert page.status_code == 200 and b'name="starts_at_0"' not in page.content
    free = InterviewSlotFactory(campaign=campaign, starts_at=paris_time(9, 9), interviewer=StaffFactory())
    assert b'name="starts_at_0"' in staff_client.get(
        reverse("admin:groups_interviewslot_change", args=[free.pk])).content
