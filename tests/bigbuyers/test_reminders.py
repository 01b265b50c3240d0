"""Reminders: the mechanism (sources, once per key), deadline reminders and interview reminders, with a
controlled clock (`now` passed to the services)."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.db.models import F
from django.utils import timezone

from bigbuyers import reminders
from bigbuyers.models import OutgoingEmail
from bigbuyers.reminders import Reminder
from groups.services import interviews as interview_services
from surveys.models import DeadlineChange, Respondent, Response, ResponseStatus
from surveys.reminders import reminder_step
from surveys.services.deadlines import extend_deadline, extend_personal_deadline
from tests.factories import (
    CampaignFactory,
    InterviewSlotFactory,
    ResponseFactory,
    StaffFactory,
    UserFactory,
    interviewee,
    response_by,
)

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


def _fake_source(reminders_to_yield: list[Reminder]):  # type: ignore[no-untyped-def]
    return lambda now: iter(reminders_to_yield)


def _reminder(key: str, due_at: dt.datetime, to: str = "eva@ville.example") -> Reminder:
    return Reminder(key=key, to=to, template="signin_link", context={"url": "https://x.example/", "hours": 1},
                    due_at=due_at)


def _use_sources(monkeypatch, *sources) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reminders, "reminder_sources", lambda: [(f"source{i}", s) for i, s in enumerate(sources)])


# --- The mechanism ----------------------------------------------------------------------------------

def test_due_reminders_are_queued_once_and_future_ones_wait(monkeypatch, django_capture_on_commit_callbacks):
    now = timezone.now()
    _use_sources(monkeypatch, _fake_source([_reminder("r:1", now - MINUTE), _reminder("r:2", now + MINUTE)]))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=now) == 1
        assert reminders.send_due_reminders(now=now) == 0, "the same reminder is never queued twice"
    assert list(OutgoingEmail.objects.values_list("key", flat=True)) == ["r:1"]
    assert len(mail.outbox) == 1
    assert reminders.send_due_reminders(now=now + 2 * MINUTE) == 1, "r:2 when its time comes"


def test_a_failing_source_does_not_stop_the_others(monkeypatch, caplog):
    def broken(now: dt.datetime):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in one app")

    now = timezone.now()
    _use_sources(monkeypatch, broken, _fake_source([_reminder("r:ok", now)]))
    assert reminders.send_due_reminders(now=now) == 1
    assert "failed" in caplog.text and OutgoingEmail.objects.filter(key="r:ok").exists()


def test_every_kind_of_reminder_goes_through_the_one_mechanism():
    paths = {path for path, _source in reminders.reminder_sources()}
    assert paths >= {"surveys.reminders.deadline_reminders", "groups.reminders.interview_reminders",
                     "communities.reminders.event_reminders"}


def test_exclude_queued_drops_rows_whose_key_is_in_the_outbox():
    first, second = UserFactory(email="a@x.example"), UserFactory(email="b@x.example")
    OutgoingEmail.objects.create(key=f"k:user={first.pk}", to="a@x.example", subject="s", body_text="t", body_html="t")
    from bigbuyers.models import User

    rest = reminders.exclude_queued(User.objects.filter(pk__in=[first.pk, second.pk]), "k:user=", F("pk"))
    assert list(rest) == [second]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_queue_each_reminder_once(monkeypatch):
    """Two beat processes (or a retried task) running together: the outbox's unique key decides."""
    now = timezone.now()
    _use_sources(monkeypatch, _fake_source([_reminder(f"race:{i}", now, to=f"p{i}@x.example") for i in range(30)]))
    start = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        try:
            start.wait(5)
            counts.append(reminders.send_due_reminders(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(counts) == 30 and OutgoingEmail.objects.count() == 30
    assert len(mail.outbox) == 30, "each sent once"


@pytest.mark.django_db(transaction=True)
def test_a_run_that_starts_while_another_is_going_stops_at_once(monkeypatch, caplog):
    """The second of two deliveries does not render every reminder again only to find its key taken."""
    import logging
    import zlib

    now = timezone.now()
    _use_sources(monkeypatch, _fake_source([_reminder("alone:1", now)]))
    holding, release = threading.Event(), threading.Event()

    def other_run() -> None:  # holds the run's lock on its own connection, as a run in another worker would
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [zlib.crc32(b"bigbuyers.send_due_reminders")])
            holding.set()
            release.wait(10)
        finally:
            connection.close()  # the lock goes with the connection

    thread = threading.Thread(target=other_run)
    thread.start()
    assert holding.wait(10)
    with caplog.at_level(logging.INFO, logger="bigbuyers.reminders"):
        assert reminders.send_due_reminders(now=now) == 0
    assert "another run" in caplog.text and not OutgoingEmail.objects.exists()
    release.set()
    thread.join(10)
    assert reminders.send_due_reminders(now=now) == 1


# --- Deadline reminders ----------------------------------------------------------------------------

def test_reminder_step_picks_the_latest_reminder_due():
    deadline = dt.datetime(2030, 6, 12, 15, tzinfo=dt.UTC)
    assert reminder_step(deadline, [7, 1], deadline - 8 * DAY) is None
    assert reminder_step(deadline, [1, 7], deadline - 7 * DAY) == (7, deadline - 7 * DAY)
    assert reminder_step(deadline, [7, 1], deadline - 2 * DAY) == (7, deadline - 7 * DAY)
    assert reminder_step(deadline, [7, 1], deadline - DAY + MINUTE) == (1, deadline - DAY)
    assert reminder_step(deadline, [7, 1], deadline) is None


@pytest.fixture
def campaign_in_20_days(db):  # type: ignore[no-untyped-def]
    return CampaignFactory(slug="bbwt", name="Big Buyers Working Together", time_zone="Europe/Brussels",
                           deadline=(timezone.now() + 20 * DAY).replace(microsecond=0))


def _draft(campaign, email: str, country: str = "PT") -> Response:  # type: ignore[no-untyped-def]
    return response_by(campaign, email, country=country)


def _run(now: dt.datetime, capture) -> list:  # type: ignore[no-untyped-def]
    before = len(mail.outbox)
    with capture(execute=True):
        reminders.send_due_reminders(now=now)
    return mail.outbox[before:]


def test_deadline_reminders_go_to_drafts_at_each_offset_once(campaign_in_20_days, django_capture_on_commit_callbacks):
    campaign, capture = campaign_in_20_days, django_capture_on_commit_callbacks
    deadline = campaign.deadline
    _draft(campaign, "ana@camara.example", country="PT")
    submitted = _draft(campaign, "done@ville.example")
    Response.objects.filter(pk=submitted.pk).update(status=ResponseStatus.SUBMITTED, submitted_at=timezone.now())

    assert _run(deadline - 7 * DAY - MINUTE, capture) == [], "not yet"
    sent = _run(deadline - 7 * DAY + MINUTE, capture)
    assert [m.to for m in sent] == [["ana@camara.example"]], "drafts only"
    assert "6 days, 23 hours left" in sent[0].subject.replace("\xa0", " ")
    local = deadline.astimezone(ZoneInfo("Europe/Lisbon"))
    assert f"{local:%H:%M} (Europe/Lisbon)" in sent[0].body, "the deadline in the respondent's zone"
    assert "(Europe/Brussels)" in sent[0].body, "and in the campaign's"
    assert "/campaigns/bbwt/start/" in sent[0].body
    assert _run(deadline - 3 * DAY, capture) == [], "the 7-day reminder went already"
    sent = _run(deadline - DAY + 5 * MINUTE, capture)
    assert [m.to for m in sent] == [["ana@camara.example"]] and "23 hours" in sent[0].subject
    assert _run(deadline - 2 * MINUTE, capture) == []
    assert _run(deadline + MINUTE, capture) == [], "closed"


def test_a_draft_started_after_a_reminders_moment_does_not_get_it(campaign_in_20_days, django_capture_on_commit_callbacks):
    campaign = campaign_in_20_days
    late = _draft(campaign, "late@ville.example")
    Response.objects.filter(pk=late.pk).update(created_at=campaign.deadline - 3 * DAY)
    assert _run(campaign.deadline - 2 * DAY, django_capture_on_commit_callbacks) == []
    assert len(_run(campaign.deadline - DAY + MINUTE, django_capture_on_commit_callbacks)) == 1


def test_an_extension_moves_the_reminders(campaign_in_20_days, staff, django_capture_on_commit_callbacks):
    campaign, capture = campaign_in_20_days, django_capture_on_commit_callbacks
    old = campaign.deadline
    _draft(campaign, "ana@camara.example")
    assert len(_run(old - 7 * DAY + MINUTE, capture)) == 1
    with capture(execute=True):
        extend_deadline(campaign, new_deadline=old + 10 * DAY, by=staff, reason="Summer holidays")
    assert "extended" in mail.outbox[-1].subject, "the notice to drafts is still sent"
    new = old + 10 * DAY

    assert _run(old - DAY + MINUTE, capture) == [], "the old deadline's reminders are gone"
    sent = _run(new - 7 * DAY + MINUTE, capture)
    assert len(sent) == 1 and "6 days, 23 hours" in sent[0].subject.replace("\xa0", " ")
    assert len(_run(new - DAY + MINUTE, capture)) == 1
    keys = list(OutgoingEmail.objects.filter(key__startswith="deadline-reminder").values_list("key", flat=True))
    assert len(keys) == 3 and len({k.split(":deadline=")[1].split(":")[0] for k in keys}) == 2


def test_no_reminder_whose_moment_passed_before_an_extension(campaign_in_20_days, staff,
                                                            django_capture_on_commit_callbacks):
    campaign = campaign_in_20_days
    _draft(campaign, "ana@camara.example")
    new = campaign.deadline + 3 * DAY
    extend_deadline(campaign, new_deadline=new, by=staff, reason="A holiday")
    # The extension was decided two days before the old deadline: the new 7-day moment had passed then.
    DeadlineChange.objects.update(changed_at=new - 5 * DAY)
    assert _run(new - 5 * DAY + MINUTE, django_capture_on_commit_callbacks) == []
    assert len(_run(new - DAY + MINUTE, django_capture_on_commit_callbacks)) == 1


def test_a_personal_deadline_has_its_own_reminders(campaign_in_20_days, django_capture_on_commit_callbacks):
    campaign = campaign_in_20_days
    response = _draft(campaign, "ana@camara.example")
    personal = campaign.deadline + 5 * DAY
    extend_personal_deadline(response, until=personal)
    sent = _run(campaign.deadline - DAY + MINUTE, django_capture_on_commit_callbacks)
    assert len(sent) == 1 and "5 days, 23 hours left" in sent[0].subject.replace("\xa0", " "), \
        "not the campaign's 1-day reminder: the 7-day one of their own deadline"
    sent = _run(personal - DAY + MINUTE, django_capture_on_commit_callbacks)
    assert [m.to for m in sent] == [["ana@camara.example"]] and "23 hours" in sent[0].subject


def test_every_respondent_of_a_draft_is_reminded_but_inactive_ones(campaign_in_20_days,
                                                                   django_capture_on_commit_callbacks):
    campaign = campaign_in_20_days
    response = _draft(campaign, "ana@camara.example")
    colleague = UserFactory(email="rui@camara.example")
    Respondent.objects.create(response=response, user=colleague, campaign=campaign)
    Respondent.objects.create(response=response, user=UserFactory(email="gone@camara.example", is_active=False),
                              campaign=campaign)
    sent = _run(campaign.deadline - DAY + MINUTE, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in sent) == ["ana@camara.example", "rui@camara.example"]


# --- Interview reminders ---------------------------------------------------------------------------

@pytest.fixture
def booked(campaign, committed):  # type: ignore[no-untyped-def]
    slot = InterviewSlotFactory(campaign=campaign, interviewer=StaffFactory(email="ines@secretariat.example"),
                                starts_at=(timezone.now() + 10 * DAY).replace(second=0, microsecond=0))
    response = interviewee(campaign, "eva@ville.example")
    with committed():
        interview = interview_services.book_interview(response, slot=slot)
    mail.outbox.clear()
    return interview


def test_interview_reminder_goes_to_both_sides_the_day_before(booked, django_capture_on_commit_callbacks):
    start = booked.slot.starts_at
    assert _run(start - DAY - MINUTE, django_capture_on_commit_callbacks) == []
    sent = _run(start - DAY + MINUTE, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in sent) == ["eva@ville.example", "ines@secretariat.example"]
    assert all("Reminder" in m.subject for m in sent)
    to_eva = next(m for m in sent if m.to == ["eva@ville.example"])
    assert "(Europe/Paris)" in to_eva.body and "/interviews/" in to_eva.body
    assert _run(start - 2 * MINUTE, django_capture_on_commit_callbacks) == [], "once"
    assert _run(start + MINUTE, django_capture_on_commit_callbacks) == []


def test_a_moved_interview_is_reminded_of_its_new_time(booked, campaign, committed,
                                                       django_capture_on_commit_callbacks):
    start = booked.slot.starts_at
    later = InterviewSlotFactory(campaign=campaign, interviewer=booked.slot.interviewer, starts_at=start + 2 * DAY)
    with committed():
        interview_services.reschedule_interview(booked, slot=later)
    assert _run(start - DAY + MINUTE, django_capture_on_commit_callbacks) == [], "not at the old time"
    assert len(_run(later.starts_at - DAY + MINUTE, django_capture_on_commit_callbacks)) == 2


def test_a_cancelled_interview_is_not_reminded(booked, django_capture_on_commit_callbacks):
    interview_services.cancel_interview(booked)
    assert _run(booked.slot.starts_at - DAY + MINUTE, django_capture_on_commit_callbacks) == []


def test_an_interview_booked_the_day_before_gets_no_reminder(campaign, django_capture_on_commit_callbacks):
    slot = InterviewSlotFactory(campaign=campaign, starts_at=timezone.now() + 10 * DAY)
    response = ResponseFactory(campaign=campaign, status=ResponseStatus.SUBMITTED, submitted_at=timezone.now())
    interview_services.book_interview(response, slot=slot, now=slot.starts_at - 10 * dt.timedelta(hours=1))
    assert _run(slot.starts_at - 9 * dt.timedelta(hours=1), django_capture_on_commit_callbacks) == []
