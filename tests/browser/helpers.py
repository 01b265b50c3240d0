"""Browser-test helpers: sign a user in, read the e-mails the portal sent."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import mail
from django.test import Client

from bigbuyers import outbox
from bigbuyers.models import OutgoingEmail


def sign_in(context, user, live_server) -> None:  # type: ignore[no-untyped-def]
    """Give the browser context a session of `user` (as the e-mailed link would)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def link_in_last_email(to: str) -> str:
    """The first portal link in the last message sent to `to`, made relative to the live server."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no e-mail was sent to {to}"
    url = re.search(rf"{re.escape(settings.SITE_URL)}(\S+)", messages[-1].body)
    assert url, messages[-1].body
    return url.group(1)


def flush_outbox() -> None:
    """Send whatever the outbox holds (tasks run in-process in tests, this catches the rest)."""
    for email_id in OutgoingEmail.objects.values_list("pk", flat=True):
        outbox.send_email_now(email_id)
