"""bigbuyers/outbox.py: a message is recorded once under its key and sent once."""

from __future__ import annotations

import pytest
from django.core import mail

from bigbuyers.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_outbox_message_with_the_same_key_is_sent_once(campaign, committed):
    from bigbuyers.outbox import queue_email

    context = {"url": "https://x.example", "hours": 24}
    with committed():
        assert queue_email(key="k1", to="a@b.example", template="signin_link", context=context) is not None
        assert queue_email(key="k1", to="a@b.example", template="signin_link", context=context) is None
    assert OutgoingEmail.objects.count() == 1 and len(mail.outbox) == 1
