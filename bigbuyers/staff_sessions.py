"""Which sessions carry staff powers: the one place that decides it.

Staff are public buyers or community members too, and may sign in with an e-mailed link like anyone; but
a link proves only that the person reads that mailbox. So a session opened by a link is a plain person's
session everywhere, whoever signed in: the admin sends them to the password, and no power of the
secretariat (the admin, its custom pages and exports, the secretariat's part in the communities) works in
it. Staff powers need a session opened with the password, plus the code of the person's authenticator
app when they have one (or when STAFF_REQUIRE_TWO_FACTOR asks every staff member for one).

How a session was opened is recorded when it is opened (`record_signin_method`, on `user_logged_in`),
from the authentication backend that let the person in: only Django's password backend counts as the
password. Anything else (the link's backend, any later one) opens a plain session: unknown means plain.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY

from bigbuyers.two_factor.services import second_step_missing

SIGNIN_METHOD_KEY = "bigbuyers_signin_method"
PASSWORD = "password"  # noqa: S105 - the name of a sign-in method, not a secret
LINK = "link"
OTHER = "other"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a backend's path
LINK_BACKEND = "sesame.backends.ModelBackend"


def record_signin_method(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: remember in the session whether it was opened with the password or otherwise.

    Django keeps the session's data when the same person signs in again, so a link used in a session
    that had been opened with the password (and the code) makes it a plain session again: the marker is
    overwritten and a code given earlier no longer counts.
    """
    session = getattr(request, "session", None)
    if session is None:
        return
    backend = session.get(BACKEND_SESSION_KEY)
    method = PASSWORD if backend == PASSWORD_BACKEND else LINK if backend == LINK_BACKEND else OTHER
    session[SIGNIN_METHOD_KEY] = method
    if method != PASSWORD:
        session.pop(DEVICE_ID_SESSION_KEY, None)
        if hasattr(user, "otp_device"):
            user.otp_device = None


def signed_in_with_password(request: HttpRequest) -> bool:
    """True when this session was opened at the admin's sign-in page, with the password."""
    session = getattr(request, "session", None)
    return session is not None and session.get(SIGNIN_METHOD_KEY) == PASSWORD


def code_owed(request: HttpRequest) -> bool:
    """True when staff signed in with the password must still give their code (or enrol an app) first."""
    return signed_in_with_password(request) and second_step_missing(request.user)


def staff_session(request: HttpRequest) -> bool:
    """True when the request's user is active staff in a session that may use staff powers: opened with
    the password, and with the code given when one is owed. The admin site's `has_permission` is this."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return signed_in_with_password(request) and not second_step_missing(user)


def staff_power(request: HttpRequest, permission: str) -> bool:
    """True when the request may use `permission` ("app.codename") as staff: a staff session (above) of a
    person who holds that permission (a superuser holds every one)."""
    return staff_session(request) and request.user.has_perm(permission)
