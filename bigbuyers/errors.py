"""The portal's error pages: 400, 403 (and the form that expired), 404, 500 and 503.

They are written in the portal's layout (templates/errors/) and in the visitor's language (the one
LocaleMiddleware chose), and rendered with no request context: no context processor, no session, no user,
no database and no cache, so that they show even when the error is that one of these is down.

A database that does not answer (a connection or statement timeout, a connection refused or lost) is not
a bug of the page: the visitor gets the 503 page ("try again in a minute", with ``Retry-After``) rather
than the 500 one. The error is logged either way (Django logs every 5xx response).
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

RETRY_AFTER = 60  # seconds: what the 503 page asks (in words) and says (in its header)


def _render(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    match = getattr(request, "resolver_match", None)
    context = {
        "SECRETARIAT_EMAIL": settings.SECRETARIAT_EMAIL,
        # The survey's pages say that the steps saved are kept.
        "in_survey": bool(match and (match.url_name or "").startswith("survey_")),
        **context,
    }
    return HttpResponse(loader.get_template(template).render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or expired CSRF token (settings.CSRF_FAILURE_VIEW)."""
    return _render(request, "errors/403_csrf.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/404.html", 404)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    response = _render(request, "errors/503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500; it is called while the exception is being handled, so it can look at it."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    return _render(request, "errors/500.html", 500)
