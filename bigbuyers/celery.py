"""The Celery application; every periodic task of the portal is scheduled here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigbuyers.settings")

app = Celery("bigbuyers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every worker writes a heartbeat while it consumes (beat writes its own: settings.CELERY_BEAT_SCHEDULER).
app.steps["consumer"].add("bigbuyers.heartbeats:HeartbeatStep")

app.conf.beat_schedule = {
    "drain-outbox": {"task": "bigbuyers.drain_outbox", "schedule": 60.0},
    # Work recorded in PostgreSQL whose task never reached Redis (it was down) is queued again.
    "requeue-bulk-emails": {"task": "bigbuyers.requeue_bulk_emails", "schedule": 120.0},
    "requeue-stranded-work": {"task": "groups.requeue_stranded_work", "schedule": 120.0},
    # Reminders are computed from the data on each run, so a missed run is made up by the next one.
    "send-due-reminders": {"task": "bigbuyers.send_due_reminders", "schedule": 300.0},
    "community-digests": {"task": "communities.send_daily_digests", "schedule": crontab(hour=6, minute=0)},
    "expire-personal-data": {"task": "bigbuyers.expire_personal_data", "schedule": crontab(hour=3, minute=30)},
}
