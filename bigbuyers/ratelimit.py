"""Rate limits kept in the shared cache (Redis), so that every web process counts together.

A fixed window per key: simple, cheap (one INCR), and good enough against a script that hammers
the sign-in form; the limits are settings so that operators can tune them.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind TRUSTED_PROXY_COUNT proxies, the X-Forwarded-For entry that many places
    from the right, which the proxy facing the client appended; else the peer's address (REMOTE_ADDR).

    Each proxy appends the address it received the request from, so the entries left of the trusted ones
    are whatever the client wrote: never read them. django-axes uses this function too
    (AXES_CLIENT_IP_CALLABLE), so that its lockouts and the rate limits see the same address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if count <= 0 or not forwarded:
        return remote
    # Fewer entries than trusted proxies: every entry was written by one of them, the left-most first.
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a misconfigured proxy chain: count the peer rather than free text
        return remote


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt of `identity` in `scope`; False once more than `limit` were made in `window` s."""
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def too_many_requests(request: HttpRequest) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "600"
    return response


def limit_posts(scope: str, *, per_ip: str, per_field: tuple[str, str] | None = None) -> Callable[..., Any]:
    """Limit POSTs to a view per client address, and optionally per value of a form field.

    `per_ip` and the second item of `per_field` name settings holding "count/seconds".
    """

    def parse(setting: str) -> tuple[int, int]:
        count, seconds = getattr(settings, setting).split("/")
        return int(count), int(seconds)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                count, seconds = parse(per_ip)
                allowed = hit(f"{scope}:ip", client_ip(request), limit=count, window=seconds)
                if per_field and request.POST.get(per_field[0]):
                    count, seconds = parse(per_field[1])
                    allowed = hit(f"{scope}:{per_field[0]}", request.POST[per_field[0]], limit=count, window=seconds) and allowed
                if not allowed:
                    return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
