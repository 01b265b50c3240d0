"""The portal's own middleware: the viewer's time zone, and no shared caching of personal responses.

A small static script (static/js/timezone.js) stores the browser's IANA zone in the `tz` cookie,
URL-encoded ("America%2FNew_York": a cookie value is safest without "/"); without it (no script, first
visit) the portal's default zone is used and shown.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control


class ViewerTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = unquote(request.COOKIES.get("tz", ""))
        try:
            zone = ZoneInfo(name) if name and len(name) < 64 else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Mark personal responses `Cache-Control: private, no-store`, so that no shared cache (a proxy, a
    CDN, a city's caching gateway) keeps them and nothing personal stays on disk in the browser.

    Personal is: every response to a signed-in person (pages, downloads, the admin, errors alike); every
    response that read a session holding data (such as the address a sign-in link went to); every page
    reached by a signed link (a `token` in the address), which is personal to whoever holds the link; and
    every attachment (data export, calendar file, document, export). Public pages seen anonymously stay
    cacheable; static files never reach this middleware (WhiteNoise answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: dict[str, Any]) -> None:
        request.signed_link = "token" in kwargs or "token" in request.GET  # type: ignore[attr-defined]  # ours, read below

    @staticmethod
    def _personal(request: HttpRequest, response: HttpResponse) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        if session is not None and len(session.keys()) > 0:
            return True
        if getattr(request, "signed_link", False):
            return True
        return response.get("Content-Disposition", "").startswith("attachment")


class ReportingEndpointsMiddleware:
    """Name the endpoint of the policy's `report-to` group (Reporting-Endpoints) where a policy names one
    (VIOLATION_REPORTS_REPORTING_API in the settings).

    The address is absolute, built from the request (the proxy's scheme included), as the Reporting API
    wants a secure URL of the page's own site.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "report-to " in response.get("Content-Security-Policy", ""):
            url = request.build_absolute_uri(settings.VIOLATION_REPORT_PATH)
            response["Reporting-Endpoints"] = f'{settings.VIOLATION_REPORT_GROUP}="{url}"'
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is larger than MAX_REQUEST_BODY_BYTES (413) before anything reads it.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but writes uploaded files to disk whatever
    their size; the community upload limit is checked only once the file is there. The proxy in front
    caps the body too (README); this holds where it does not. Placed after the session and the user are
    known, so that the page is the portal's own, and before any view or CSRF check reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django itself treats a malformed length as an empty body
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return render(request, "413.html", {"upload_limit": settings.COMMUNITY_UPLOAD_MAX_BYTES}, status=413)
        return self.get_response(request)
