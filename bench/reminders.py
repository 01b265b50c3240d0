"""Deadline reminders at scale: 10,000 drafts reminded through a real Celery worker into a local SMTP sink.

Recreates a scratch PostgreSQL database `bench_reminders` with one campaign whose 7-day reminder is due
and --drafts draft responses (each with its respondent), starts an SMTP sink on loopback (aiosmtpd) and a
real Celery worker in its own process (prefork, --concurrency) against Redis database 9 (flushed), then:

- the portal's way: the reminders task is delivered twice at the same moment (as two beat processes
  would), the worker queues each reminder in the outbox and sends it; timed from the first delivery to
  the last message received by the sink;
- the baseline, in the same run: the same number of messages rendered from the same template and sent
  by one plain loop straight to the sink (no outbox, no queue, no claim), as a script would.

It prints both throughputs, their ratio, and the number of duplicates the sink received (messages to an
address that had one already), which must be 0.

    .venv/bin/python bench/reminders.py [--drafts 10000] [--concurrency 2]

Needs PostgreSQL on 127.0.0.1 (user postgres) and Redis. A benchmark prints figures and never fails on a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import recreate_database  # noqa: E402 - after the path
from bench.stack import Sink, celery_worker, stop  # noqa: E402

DB = "bench_reminders"
REDIS = "redis://127.0.0.1:6379/9"
SMTP_PORT = 8825
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "REDIS_URL": REDIS,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": str(SMTP_PORT),
    "CELERY_TASK_ALWAYS_EAGER": "0",
}
os.environ.update(ENV)


def seed(drafts: int) -> None:
    """One campaign closing in 6 days and 23 hours (its 7-day reminder due) and `drafts` drafts started before."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from bigbuyers.models import User
    from surveys.models import Campaign, Organisation, Respondent, Response

    call_command("migrate", verbosity=0)
    now = timezone.now()
    campaign = Campaign.objects.create(
        slug="bench", name="Benchmark campaign", summary="", introduction="", opens_at=now - dt.timedelta(days=30),
        deadline=now + dt.timedelta(days=7) - dt.timedelta(hours=1), eligible_country_groups=["EU"],
        reimbursed_country_groups=["EU"])
    countries = ["FR", "DE", "IT", "ES", "NL", "PL", "BE", "AT", "SE", "PT"]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench body {n}", country=countries[n % len(countries)], body_type="local_authority")
        for n in range(drafts))
    users = User.objects.bulk_create(User(email=f"buyer{n}@bench.example", password="!") for n in range(drafts))
    responses = Response.objects.bulk_create(Response(campaign=campaign, organisation=o) for o in organisations)
    Respondent.objects.bulk_create(Respondent(response=r, user=u, campaign=campaign, is_owner=True)
                                   for r, u in zip(responses, users, strict=True))
    Response.objects.filter(campaign=campaign).update(created_at=now - dt.timedelta(days=10))


def start_worker(concurrency: int) -> subprocess.Popen[bytes]:
    return celery_worker(env=ENV, concurrency=concurrency,
                         options=("--without-gossip", "--without-mingle", "--without-heartbeat"))


def wait_until_quiet(sink: Sink, expected: int, *, timeout: float) -> float:
    """Wait for `expected` messages, then for a quiet second (late duplicates); the time of the last one."""
    started = time.perf_counter()
    while sink.received() < expected and time.perf_counter() - started < timeout:
        time.sleep(0.05)
    time.sleep(1.0)
    return sink.last_at


def portal_run(sink: Sink, drafts: int, concurrency: int) -> tuple[float, int]:
    """Both deliveries of the reminders task through the worker; (seconds, messages the outbox sent)."""
    import redis

    from bigbuyers.models import EmailStatus, OutgoingEmail
    from bigbuyers.tasks import send_due_reminders

    redis.Redis.from_url(REDIS).flushdb()
    worker = start_worker(concurrency)
    try:
        from bigbuyers.celery import app

        for _ in range(100):  # until the worker answers
            if app.control.ping(timeout=0.5):
                break
        sink.reset()
        started = time.perf_counter()
        send_due_reminders.delay()
        send_due_reminders.delay()  # delivered twice, as from two beat processes
        last = wait_until_quiet(sink, drafts, timeout=600)
        return last - started, OutgoingEmail.objects.filter(status=EmailStatus.SENT).count()
    finally:
        stop(worker)


def baseline_run(sink: Sink, drafts: int) -> float:
    """The same number of messages, rendered and sent by a plain loop: one SMTP connection per message."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.utils import timezone

    from bigbuyers.outbox import render_email
    from surveys.models import Campaign

    campaign = Campaign.objects.get(slug="bench")
    now = timezone.now()
    sink.reset()
    started = time.perf_counter()
    for n in range(drafts):
        subject, text, html = render_email("deadline_reminder", {
            "campaign": campaign, "deadline": campaign.deadline, "now": now, "organisation": {"name": f"Body {n}"},
            "zone": "Europe/Paris", "campaign_zone": campaign.time_zone, "survey_url": "http://127.0.0.1/"})
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [f"plain{n}@bench.example"])
        message.attach_alternative(html, "text/html")
        message.send()
    return wait_until_quiet(sink, drafts, timeout=600) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork)")
    options = parser.parse_args()

    recreate_database(DB)
    seed(options.drafts)
    sink = Sink(SMTP_PORT)
    sink.start()
    try:
        portal_seconds, sent = portal_run(sink, options.drafts, options.concurrency)
        received = sink.received()
        duplicates = sum(count - 1 for count in sink.recipients.values() if count > 1)  # one message per address
        missing = options.drafts - len(sink.recipients)
        baseline_seconds = baseline_run(sink, options.drafts)
    finally:
        sink.stop()

    portal_rate, baseline_rate = options.drafts / portal_seconds, options.drafts / baseline_seconds
    print(f"{options.drafts:,} drafts due for their 7-day reminder; the reminders task delivered twice;"
          f" worker: prefork, {options.concurrency} processes")
    print(f"{'run':<52}{'seconds':>9}{'msg/s':>9}{'ratio':>8}")
    print(f"{'plain loop: render and send each (baseline)':<52}{baseline_seconds:>9.1f}{baseline_rate:>9.0f}{1:>8.2f}")
    print(f"{'portal: outbox + Celery worker, exactly once':<52}{portal_seconds:>9.1f}{portal_rate:>9.0f}"
          f"{portal_rate / baseline_rate:>8.2f}")
    print(f"received by the sink: {received:,}; sent according to the outbox: {sent:,};"
          f" addresses never reached: {missing}; duplicates: {duplicates}")


if __name__ == "__main__":
    main()
