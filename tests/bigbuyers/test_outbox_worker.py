"""The outbox with a real Celery worker on the real Redis: sent once, and nothing lost."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from bigbuyers import outbox, queueing
from bigbuyers.models import EmailStatus, OutgoingEmail
from bigbuyers.tasks import drain_outbox, send_outgoing_email
from tests.conftest import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
CONTEXT = {"url": "https://portal.example/signin/link/?token=t", "hours": 24}


def test_message_queued_in_a_transaction_is_sent_by_the_worker_after_commit(worker):
    with transaction.atomic():
        email = outbox.queue_email(key="welcome:1", to="eva@city.example", template="signin_link", context=CONTEXT)
    wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT)
    assert [m.to for m in mail.outbox] == [["eva@city.example"]]


def test_task_delivered_twice_sends_once(worker, finished):
    email = OutgoingEmail.objects.create(key="twice", to="jan@city.example", subject="s", body_text="t", body_html="<p>t</p>")
    first = send_outgoing_email.delay(email_id=email.pk)
    second = send_outgoing_email.delay(email_id=email.pk)
    wait_for(lambda: finished.count("bigbuyers.send_outgoing_email") == 2)  # both deliveries ran
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT
    assert len(mail.outbox) == 1
    assert first.id != second.id


def test_outbox_is_drained_after_a_broker_outage(worker, monkeypatch):
    def broker_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(send_outgoing_email, "apply_async", broker_down)
    with transaction.atomic():
        email = outbox.queue_email(key="outage", to="giulia@comune.example", template="signin_link", context=CONTEXT)
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.PENDING  # the request did not fail
    monkeypatch.undo()
    queueing.broker.succeeded()  # the broker is back (else the circuit skips it for a few seconds)

    drain_outbox.delay()  # what beat runs every minute once the broker is back
    wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT)
    assert [m.to for m in mail.outbox] == [["giulia@comune.example"]]


def test_failed_send_is_kept_with_its_error_and_retried_later(monkeypatch, db):
    email = OutgoingEmail.objects.create(key="smtp-down", to="a@b.example", subject="s", body_text="t", body_html="t")

    def smtp_down(self, fail_silently=False):  # type: ignore[no-untyped-def]
        raise OSError("Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", smtp_down)
    assert outbox.send_email_now(email.pk) is False
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and "Connection refused" in email.last_error and email.attempts == 1
    assert email.pk not in outbox.due_email_ids(), "backs off before trying again"
