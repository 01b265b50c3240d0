"""Show dates and times in the viewer's own time zone.

A small static script (static/js/timezone.js) stores the browser's IANA zone in the `tz` cookie,
URL-encoded ("America%2FNew_York": a cookie value is safest without "/"); without it (no script, first
visit) the portal's default zone is used and shown.
"""

from collections.abc import Callable
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


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
