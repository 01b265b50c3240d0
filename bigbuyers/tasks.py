"""Tasks of the outbox (send one message, send whatever is due), of the reminders (queue what is due) and of
e-mails to many people (queue one message per recipient)."""

from celery import shared_task

from bigbuyers import bulk_email, outbox, reminders


@shared_task(name="bigbuyers.send_outgoing_email", acks_late=True)
def send_outgoing_email(*, email_id: int) -> bool:
    return outbox.send_email_now(email_id)


@shared_task(name="bigbuyers.drain_outbox")
def drain_outbox() -> int:
    """Send every due message; returns how many went out."""
    return sum(outbox.send_email_now(email_id) for email_id in outbox.due_email_ids())


@shared_task(name="bigbuyers.send_due_reminders")
def send_due_reminders() -> int:
    """Queue every reminder that is due (deadlines, interviews, ...); returns how many were queued."""
    return reminders.send_due_reminders()


@shared_task(name="bigbuyers.queue_bulk_email", acks_late=True)
def queue_bulk_email(*, bulk_email_id: int) -> int:
    """Queue the messages of a claimed bulk e-mail in the outbox (each recipient once, however often it runs)."""
    return bulk_email.queue_messages(bulk_email_id)


@shared_task(name="bigbuyers.requeue_bulk_emails")
def requeue_bulk_emails() -> int:
    """Queue again the e-mails to many people whose task never reached Redis; returns how many."""
    return bulk_email.requeue_stranded()


@shared_task(name="bigbuyers.expire_personal_data")
def expire_personal_data() -> int:
    """Erase personal data of campaigns closed for longer than the retention period (daily)."""
    import datetime as dt

    from django.conf import settings

    from bigbuyers import privacy

    return privacy.expire_personal_data(older_than=dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS))
