"""The portal's error pages: 400, 403 (and the form that expired), 404, 500 and 503.

They are written in the portal's layout (templates/errors/page.html) and in the visitor's language (the one
LocaleMiddleware chose), and rendered with no request context: no context processor, no session, no user,
no database and no cache, so that they show even when the error is that one of these is down.

A database that does not answer (a connection or statement timeout, a connection refused or lost) is not
a bug of the page: the visitor gets the 503 page ("try again in a minute", with ``Retry-After``) rather
than the 500 one. The error is logged either way (Django logs every 5xx response).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RETRY_AFTER = 60  # seconds: what the 503 page asks (in words) and says (in its header)


@dataclass(frozen=True)
class ErrorPage:
    title: StrOrPromise
    text: StrOrPromise
    home_link: bool = True


BAD_REQUEST = ErrorPage(_("Request not understood"), _(
    "The portal could not understand what your browser sent. Go back, reload the page and try again."))
FORBIDDEN = ErrorPage(_("Access refused"), _(
    "This page is not open to you. If you think it should be, sign in with the address you were invited with, "
    "or ask the secretariat."))
FORM_EXPIRED = ErrorPage(_("The form has expired"), _(
    "For your security, a form can only be sent from a page the portal showed you recently, and with cookies "
    "allowed for this site. Go back, reload the page and send the form again: what you typed is often still "
    "there when you go back."), home_link=False)
NOT_FOUND = ErrorPage(_("Page not found"), _(
    "There is no page at this address, or it is not open to you. Check the address, or start again from the "
    "list of campaigns."))
SERVER_ERROR = ErrorPage(_("Something went wrong"), _(
    "An error occurred on our side. It has been recorded and will be looked into. Please try again in a minute."))
UNAVAILABLE = ErrorPage(_("The portal is unavailable for a moment"), _(
    "The portal cannot answer right now: a service it depends on does not respond. Please try again in a "
    "minute."), home_link=False)


def _render(request: HttpRequest, page: ErrorPage, status: int) -> HttpResponse:
    match = getattr(request, "resolver_match", None)
    context = {
        "page": page,
        "SECRETARIAT_EMAIL": settings.SECRETARIAT_EMAIL,
        # The survey's pages say that the steps saved are kept.
        "in_survey": bool(match and (match.url_name or "").startswith("survey_")),
    }
    return HttpResponse(loader.get_template("errors/page.html").render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, BAD_REQUEST, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, FORBIDDEN, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or expired CSRF token (settings.CSRF_FAILURE_VIEW)."""
    return _render(request, FORM_EXPIRED, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, NOT_FOUND, 404)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    response = _render(request, UNAVAILABLE, 503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500; it is called while the exception is being handled, so it can look at it."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    return _render(request, SERVER_ERROR, 500)
