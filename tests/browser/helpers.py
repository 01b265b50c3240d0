"""Browser-test helpers: sign a user in, read the e-mails the portal sent."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import mail
from django.test import Client

from bigbuyers import outbox
from bigbuyers.models import OutgoingEmail


def sign_in(context, user, live_server, *, code_given: bool = False,
            password: bool | None = None) -> None:
    """Give the browser context a session of `user`: as the e-mailed link would, or, for staff (or with
    `password`), as the admin's password sign-in would; with `code_given`, a session that has also given
    the two-factor code of the user's authenticator app."""
    from tests.signin import sign_in_with_link, sign_in_with_password

    client = Client()
    if user.is_staff if password is None else password:
        sign_in_with_password(client, user)
    else:
        sign_in_with_link(client, user)
    if code_given:
        from django_otp import DEVICE_ID_SESSION_KEY

        from bigbuyers.two_factor.services import confirmed_device

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()
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


def staff_with_app(email: str = "two-factor@bigbuyers.example"):
    """A staff member with a confirmed authenticator app (two-factor authentication on)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import StaffFactory

    staff = StaffFactory(email=email)
    TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)
    return staff
