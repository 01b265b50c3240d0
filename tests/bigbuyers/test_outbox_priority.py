"""E-mails a person waits for at the screen go ahead of bulk mail, with a real Celery worker on Redis."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from bigbuyers import outbox
from bigbuyers.models import EmailStatus, OutgoingEmail
from tests.conftest import wait_for
from tests.services import celery_broker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
BATCH = 300


def test_a_sign_in_link_goes_out_before_a_waiting_bulk_batch(request, client):
    with celery_broker(settings.CELERY_BROKER_URL):  # tasks go to Redis, not run in-process
        with transaction.atomic():  # a batch of reminders or e-mails to many people, queued first
            for n in range(BATCH):
                outbox.queue_email(key=f"bulk-test:{n}", to=f"buyer{n}@city.example", template="bulk",
                                   context={"subject": "News", "body": "The next campaign opens soon."})
        answer = client.post(reverse("signin"), {"email": "eva@city.example"})  # then someone asks for a link
        assert answer.status_code == 302

        request.getfixturevalue("worker")  # the worker starts with the whole batch waiting before the link
        wait_for(lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == BATCH + 1, 120)

    order = list(OutgoingEmail.objects.order_by("sent_at", "pk").values_list("key", flat=True))
    link = next(i for i, key in enumerate(order) if key.startswith("signin:"))
    # The worker holds at most one message ahead (prefetch 1): the link is the first or second sent.
    assert link <= 1, f"the sign-in link went out in position {link + 1} of {len(order)}"
    assert OutgoingEmail.objects.get(key__startswith="signin:").interactive
