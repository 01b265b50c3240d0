"""Rate limits kept in the shared cache (Redis), so that every web process counts together.

A fixed window per key, aligned on the clock (the window of 600 s that contains now): simple, cheap (one
INCR), good enough against a script that hammers the sign-in form, and it tells the client exactly how
long to wait (``Retry-After``: the rest of the window). The limits are settings (``RATELIMIT_*``,
"count/seconds", read at start-up by ``bigbuyers.env.env_rate``).

When Redis does not answer (bigbuyers/cache.py raises CacheUnavailable for a counter), each web process
counts in its own memory with the same limits until Redis is back: sign-in and submitting keep working,
and a script is still slowed down, at most WEB_CONCURRENCY times the limit overall. Neither refusing
everyone (sign-in would be down with Redis) nor counting nothing (no limit at all) was acceptable.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bigbuyers.cache import CacheUnavailable
from bigbuyers.env import Rate

# Used only while Redis does not answer; bounded (LocMemCache culls beyond MAX_ENTRIES).
_in_process = LocMemCache("bigbuyers-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


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


def _count(store: BaseCache, key: str, timeout: int) -> int:
    store.add(key, 0, timeout=timeout)
    try:
        return store.incr(key)
    except ValueError:  # the key expired between add and incr
        store.set(key, 1, timeout=timeout)
        return 1


def hit(scope: str, identity: str, *, rate: Rate, now: float | None = None) -> int | None:
    """Count one attempt of `identity` in `scope`.

    Returns None while at most `rate.count` attempts were made in the current window, else the seconds
    until that window ends (when trying again can work).
    """
    now = time.time() if now is None else now
    window, elapsed = divmod(now, rate.seconds)
    remaining = max(1, math.ceil(rate.seconds - elapsed))
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{int(window)}"
    try:
        count = _count(cache, key, remaining + 1)
    except CacheUnavailable:
        count = _count(_in_process, key, remaining + 1)
    return None if count <= rate.count else remaining


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """The 429 page, saying how long to wait (rounded up to the minute), with a matching Retry-After."""
    response = render(request, "429.html", {"wait_minutes": math.ceil(retry_after / 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit_posts(scope: str, *, per_ip: str, per_field: tuple[str, str] | None = None) -> Callable[..., Any]:
    """Limit POSTs to a view per client address, and optionally per value of a form field.

    `per_ip` and the second item of `per_field` name settings holding a Rate (read at start-up by
    env_rate); a name that is not one stops the process when the view is imported, not at the first POST.
    """
    for name in (per_ip, *(per_field[1:] if per_field else ())):
        if not isinstance(getattr(settings, name, None), Rate):
            raise ImproperlyConfigured(f"{name} is not a rate setting (bigbuyers/settings.py, env_rate).")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                waits = [hit(f"{scope}:ip", client_ip(request), rate=getattr(settings, per_ip))]
                if per_field and request.POST.get(per_field[0]):
                    waits.append(hit(f"{scope}:{per_field[0]}", request.POST[per_field[0]],
                                     rate=getattr(settings, per_field[1])))
                if exceeded := [wait for wait in waits if wait is not None]:
                    return too_many_requests(request, retry_after=max(exceeded))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
