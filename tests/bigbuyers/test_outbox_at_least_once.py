"""The one window where the outbox can send a message twice, and what makes the duplicate harmless.

A worker killed after the SMTP server accepted a message and before the outbox row was marked sent
leaves the row claimed; after STALE_CLAIM the message is sent again. Delivery is therefore at least once
(documented in bigbuyers/outbox.py and the README), and both copies carry the same Message-ID, which
lets mail systems and mail clients drop the second.
"""

from __future__ import annotations

import datetime as dt
import email
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from bench.scratch import free_port
from bigbuyers import outbox
from bigbuyers.models import EmailStatus, OutgoingEmail

pytestmark = pytest.mark.django_db


class Sink:
    """An SMTP server on loopback keeping every message it accepted."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's name
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def sink(settings) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    server = Sink()
    server.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.controller.port
    yield server
    server.controller.stop()


def test_a_message_accepted_by_smtp_but_not_marked_sent_goes_again_with_the_same_message_id(sink, monkeypatch):
    queued = OutgoingEmail.objects.create(key="confirmation:response=7:revision=1:user=3", to="eva@city.example",
                                          subject="Your answers", body_text="Thank you.", body_html="<p>Thank you.</p>")

    def worker_killed(email: OutgoingEmail) -> None:  # the process dies before its UPDATE commits
        raise SystemExit("killed")

    monkeypatch.setattr(outbox, "_mark_sent", worker_killed)
    with pytest.raises(SystemExit):
        outbox.send_email_now(queued.pk)
    monkeypatch.undo()
    assert len(sink.messages) == 1  # the SMTP server has it...
    left = OutgoingEmail.objects.get(pk=queued.pk)
    assert left.status == EmailStatus.SENDING  # ...and the outbox does not know
    assert not outbox.send_email_now(queued.pk), "a fresh claim is not taken over"

    later = timezone.now() + outbox.STALE_CLAIM + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert queued.pk in outbox.due_email_ids()  # the periodic drain picks it up...
    assert outbox.send_email_now(queued.pk)  # ...and sends it again: at least once, not exactly once

    first, second = sink.messages
    assert first["Message-ID"] == second["Message-ID"] == outbox.message_id(left)
    assert first["Message-ID"].endswith("@example.eu>")  # the sender's domain (DEFAULT_FROM_EMAIL)
    assert OutgoingEmail.objects.get(pk=queued.pk).status == EmailStatus.SENT


def test_each_message_has_its_own_message_id():
    one = OutgoingEmail.objects.create(key="a", to="a@city.example", subject="s", body_text="t", body_html="t")
    other = OutgoingEmail.objects.create(key="b", to="b@city.example", subject="s", body_text="t", body_html="t")
    assert outbox.message_id(one) != outbox.message_id(other)
