"""The outbox: record e-mails inside the caller's transaction, send them after it commits, once.

Once, as far as the portal can know: a message is claimed by a conditional update before it is sent and
marked sent after the SMTP server accepted it. A worker killed between those two moments leaves a claim
that is retried after ``STALE_CLAIM``, so that message goes out a second time: delivery is at least once.
Each message keeps one Message-ID however often it is tried (:func:`message_id`), so mail systems that
drop repeated Message-IDs (and mail clients, which show one conversation entry) drop the duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bigbuyers.languages import language_of
from bigbuyers.models import EmailStatus, OutgoingEmail
from bigbuyers.queueing import INTERACTIVE, enqueue

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SUBJECT_MAX: int = OutgoingEmail._meta.get_field("subject").max_length  # type: ignore[assignment]  # a CharField's: set
ELLIPSIS = "…"
# A claim older than this belongs to a worker that died mid-send; the message may be tried again.
STALE_CLAIM = dt.timedelta(minutes=10)


def render_email(template: str, context: Mapping[str, Any], *, language: str | None = None) -> tuple[str, str, str]:
    """Render ``emails/<template>_subject.txt``, ``_body.txt`` and ``_body.html`` in `language`."""
    context = {"SITE_URL": settings.SITE_URL, "SECRETARIAT_EMAIL": settings.SECRETARIAT_EMAIL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        # The HTML part's <html lang> names the language it is written in (no request, no context processor).
        context = {**context, "LANGUAGE_CODE": translation.get_language()}
        subject = shorten_subject(" ".join(render_to_string(f"emails/{template}_subject.txt", context).split()))
        text = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    return subject, text, html


def shorten_subject(subject: str, limit: int | None = None) -> str:
    """`subject` within `limit` characters (the outbox column's size): cut at the last word that fits, with an
    ellipsis. Subjects name organisations, campaigns and communities as long as their forms accept, so every
    e-mail passes here rather than each template counting."""
    limit = limit or SUBJECT_MAX
    if len(subject) <= limit:
        return subject
    cut = subject[:limit - len(ELLIPSIS)]
    # Back to a space when one is near the end, then drop the separators that would dangle before the ellipsis.
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" –-:,;") + ELLIPSIS


def queue_email(
    *,
    key: str,
    to: str,
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    not_before: dt.datetime | None = None,
    attachments: list[dict[str, str]] | None = None,
    interactive: bool = False,
) -> OutgoingEmail | None:
    """Record an e-mail under `key` and send it once the current transaction commits.

    Returns None when a message with the same key exists already: it was (or will be) sent, and
    must not go out twice. `attachments` are dicts with filename, content (text) and mimetype.
    `language` defaults to the one the recipient last used the portal in (the portal's default for
    an address without an account). `interactive`: a person waits for this message at the screen
    (a sign-in link, a confirmation of what they just did): it goes ahead of bulk mail.
    """
    if language is None:  # not written for the person at hand: in the recipient's own language
        language = language_of(to)
    subject, text, html = render_email(template, context, language=language)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                key=key, to=to, subject=subject, body_text=text, body_html=html,
                attachments=attachments or [], not_before=not_before or timezone.now(), interactive=interactive,
            )
    except IntegrityError:
        return None
    if email.not_before <= timezone.now():
        transaction.on_commit(lambda: _enqueue(email.pk, interactive=interactive))
    return email


def _enqueue(email_id: int, *, interactive: bool) -> None:
    from bigbuyers.tasks import send_outgoing_email

    if enqueue(send_outgoing_email, queue=INTERACTIVE if interactive else None, email_id=email_id):
        return
    # Redis is away. A person waits for this one (a sign-in link): send it from this request, so that
    # signing in keeps working; the claim keeps it single. Others wait for the periodic drain.
    if interactive:
        send_email_now(email_id)


def message_id(email: OutgoingEmail) -> str:
    """The message's Message-ID: made from the outbox row, so the same on every attempt."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "bigbuyers.invalid"
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:16]
    return f"<outbox.{email.pk}.{digest}@{domain}>"


def _due(now: dt.datetime) -> Q:
    """The messages that may be claimed at `now`: pending, failed and due for a retry, or claimed by a worker
    that died mid-send (a claim older than STALE_CLAIM)."""
    return Q(status__in=[EmailStatus.PENDING, EmailStatus.FAILED], not_before__lte=now) | Q(
        status=EmailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    )


def send_email_now(email_id: int) -> bool:
    """Claim the message and send it; True if it was sent by this call.

    The claim is a conditional update, so two workers (or a redelivered task) cannot both send it.
    On an error the message goes back to the outbox with a later `not_before` (back-off).
    """
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(_due(now), pk=email_id).update(status=EmailStatus.SENDING, claimed_at=now)
    if not claimed:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to],
                                     headers={"Message-ID": message_id(email)})
    message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        message.send()
    except Exception as error:  # any failure of the mail server is retried
        attempts = email.attempts + 1
        status = EmailStatus.ABANDONED if attempts >= MAX_ATTEMPTS else EmailStatus.FAILED
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=status, attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000],
            not_before=timezone.now() + dt.timedelta(seconds=30 * 2**attempts), claimed_at=None,
        )
        log.warning("Sending e-mail %s failed (attempt %s)", email_id, attempts, exc_info=True)
        return False
    _mark_sent(email)
    return True


def _mark_sent(email: OutgoingEmail) -> None:
    # Until this update commits, the message counts as not sent (see the module's docstring).
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), attempts=email.attempts + 1, last_error=""
    )


def due_email_ids(limit: int = 500) -> list[int]:
    """The messages that should be sent now: pending, failed and due for a retry, or stale claims."""
    return list(
        OutgoingEmail.objects.filter(_due(timezone.now()))
        .order_by("-interactive", "not_before")  # what a person waits for first
        .values_list("pk", flat=True)[:limit]
    )
