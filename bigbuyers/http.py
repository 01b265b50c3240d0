"""The request of a view behind a sign-in check, typed so that `request.user` is a User (for mypy)."""

from __future__ import annotations

from django.http import HttpRequest

from bigbuyers.models import User


class SignedInRequest(HttpRequest):
    """A request that login_required, the admin's staff check or an app's access helper let through.

    Only a type: Django builds plain HttpRequests. A view may take it only behind such a check.
    """

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that a sign-in check let through, where the signature stays HttpRequest
    (ModelAdmin methods, helpers shared with public pages)."""
    user = request.user
    assert isinstance(user, User), "reached only behind a sign-in check"
    return user
