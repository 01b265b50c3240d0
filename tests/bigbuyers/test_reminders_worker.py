"""Reminders with a real Celery worker on the real Redis: sent once however often the task is delivered,
at the right time on a controlled clock, and not lost while the broker is away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bigbuyers import queueing, reminders
from bigbuyers.models import EmailStatus, OutgoingEmail
from bigbuyers.tasks import drain_outbox, send_due_reminders, send_outgoing_email
from groups.services import interviews as interview_services
from surveys.models import Response, ResponseStatus
from tests.conftest import wait_for
from tests.factories import (
    CampaignFactory,
    InterviewSlotFactory,
    ResponseFactory,
    StaffFactory,
    UserFactory,
    response_by,
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _draft_due_for_its_7_day_reminder(email: str) -> Response:
    """A draft in a campaign that closes in a little under seven days: its 7-day reminder is due now."""
    campaign = CampaignFactory(deadline=timezone.now() + dt.timedelta(days=7) - dt.timedelta(hours=1))
    response = response_by(campaign, email, country="IT")
    Response.objects.filter(pk=response.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    return response


def _sent_reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(key__contains="reminder", status=EmailStatus.SENT))


def test_reminder_task_delivered_twice_sends_once(worker, finished):
    _draft_due_for_its_7_day_reminder("giulia@comune.example")
    first = send_due_reminders.delay()
    second = send_due_reminders.delay()  # a redelivery, or a second beat process
    assert first.id != second.id
    # Both deliveries done, and the send task of every message they queued (one per outbox row) done too.
    wait_for(lambda: finished.count("bigbuyers.send_due_reminders") == 2
             and finished.count("bigbuyers.send_outgoing_email") == OutgoingEmail.objects.count())
    assert [m.to for m in mail.outbox] == [["giulia@comune.example"]]
    assert "(Europe/Rome)" in mail.outbox[0].body


class Clock:
    """A controllable `timezone.now`, seen by the test and by the worker's thread alike."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


def test_interview_reminder_goes_out_at_its_time(worker, finished, monkeypatch):
    campaign = CampaignFactory()
    start = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    slot = InterviewSlotFactory(campaign=campaign, starts_at=start,
                                interviewer=StaffFactory(email="ines@secretariat.example"))
    response = ResponseFactory(campaign=campaign, respondent=UserFactory(email="eva@ville.example"),
                               status=ResponseStatus.SUBMITTED, submitted_at=timezone.now())
    interview_services.book_interview(response, slot=slot)
    wait_for(lambda: len(mail.outbox) == 2)  # the invitations, sent by the worker after the commit
    mail.outbox.clear()

    clock = Clock(start - dt.timedelta(hours=24, minutes=5))
    monkeypatch.setattr(timezone, "now", clock)
    send_due_reminders.delay()
    wait_for(lambda: finished.count("bigbuyers.send_due_reminders") == 1)
    assert mail.outbox == [] and not OutgoingEmail.objects.filter(key__startswith="interview-reminder").exists()

    clock.moment = start - dt.timedelta(hours=23, minutes=59)
    send_due_reminders.delay()
    wait_for(lambda: len(_sent_reminders()) == 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["eva@ville.example", "ines@secretariat.example"]
    assert all(e.sent_at == clock.moment for e in _sent_reminders())


def test_reminders_are_not_lost_while_the_broker_is_away(worker, finished, monkeypatch):
    _draft_due_for_its_7_day_reminder("giulia@comune.example")

    def broker_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Redis is away")

    # Beat cannot publish the periodic task: nothing is computed, and nothing is lost either.
    monkeypatch.setattr(send_due_reminders, "delay", broker_down)
    with pytest.raises(ConnectionError):
        send_due_reminders.delay()
    assert not OutgoingEmail.objects.exists()

    # The reminders are computed (here in-process) but the send tasks cannot be published: they wait.
    monkeypatch.setattr(send_outgoing_email, "apply_async", broker_down)
    assert reminders.send_due_reminders() == 1
    (pending,) = OutgoingEmail.objects.all()
    assert pending.status == EmailStatus.PENDING and mail.outbox == []
    monkeypatch.undo()
    queueing.broker.succeeded()  # the broker is back (else the circuit skips it for a few seconds)

    # The broker is back: the next periodic runs send what waited, and queue nothing twice.
    send_due_reminders.delay()
    drain_outbox.delay()
    wait_for(lambda: len(_sent_reminders()) == 1 and "bigbuyers.drain_outbox" in finished)
    assert [m.to for m in mail.outbox] == [["giulia@comune.example"]]
    assert OutgoingEmail.objects.count() == 1
