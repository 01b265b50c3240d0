"""Signing a test client in the way a person does: with the e-mailed link, or with the password.

How a session was opened decides what it may do (bigbuyers/staff_sessions.py): a session opened by a
link is a plain person's, whoever the person is. `force_login` records the backend it is given, as a
real sign-in does, so these helpers give exactly the session each way in gives. Without a backend,
`force_login` takes the first one that can fetch a user: Django's password backend (django-axes' comes
first and cannot), so a plain `client.force_login(staff)` is a password session.
"""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
LINK_BACKEND = "sesame.backends.ModelBackend"
STAFF_PASSWORD = "staff-password-123"  # StaffFactory's


def sign_in_with_password(client: Client, user: Any) -> None:
    """A session opened with the password at the admin's sign-in page (before any second step)."""
    client.force_login(user, backend=PASSWORD_BACKEND)


def sign_in_with_link(client: Client, user: Any) -> None:
    """A session opened with an e-mailed sign-in link."""
    client.force_login(user, backend=LINK_BACKEND)


def sign_in(client: Client, user: Any, how: str) -> None:
    """Sign `user` in `how` ("password" or "link")."""
    {"password": sign_in_with_password, "link": sign_in_with_link}[how](client, user)


def request_and_open_link(client: Client, email: str, committed: Any, *, next_path: str = "/") -> Any:
    """Ask for a sign-in link at /signin/ and open it, as a person does; returns the last answer."""
    with committed():
        asked = client.post(reverse("signin"), {"email": email, "next": next_path})
    assert asked.status_code == 302, asked.status_code
    message = [m for m in mail.outbox if email in m.to][-1]
    token = re.search(r"token=([^&\s]+)", message.body).group(1)
    return client.post(reverse("signin_link"), {"token": token, "next": next_path})


def post_password(client: Client, email: str, password: str = STAFF_PASSWORD, *, next_path: str = "/admin/") -> Any:
    """The admin's sign-in form, filled in and sent."""
    return client.post(f"{reverse('admin:login')}?next={next_path}", {"username": email, "password": password})
