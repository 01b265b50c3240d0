"""Small typed readers for settings taken from environment variables.

Each reader fails loudly, naming the variable, when a value cannot be understood: a typo in a
deployment should stop the process at start-up, not surface as odd behaviour later.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T", int, float)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable as text; without a default, a missing variable is an error."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")


def _number(name: str, default: T, convert: Callable[[str], T], what: str, minimum: T | None, unit: str = "") -> T:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = convert(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not {what}.") from None
    if not math.isfinite(number) or (minimum is not None and number < minimum):
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}{unit}.")
    return number


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the variable as an integer, at least `minimum` when given."""
    return _number(name, default, int, "a whole number", minimum)


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int_list(name: str, default: list[int], *, minimum: int | None = None) -> list[int]:
    """Return a comma-separated variable as a list of integers, each at least `minimum` when given."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        numbers = [int(item) for item in env_list(name, [])]
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a comma-separated list of whole numbers.") from None
    if minimum is not None and any(number < minimum for number in numbers):
        raise ImproperlyConfigured(f"{name}={value!r}: every number must be at least {minimum}.")
    return numbers


def env_time_zone(name: str, default: str) -> str:
    """Return the variable as an IANA time zone name, checked against the zone database."""
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone (e.g. Europe/Brussels).") from None
    return value


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    """Return the variable as a URL whose scheme is one of `schemes`."""
    value = env_str(name, default)
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        starts = ", ".join(s + "://" for s in schemes)
        raise ImproperlyConfigured(f"{name}={value!r} must be a URL starting with one of: {starts}.")
    return value


@dataclass(frozen=True)
class Rate:  # not a NamedTuple: its `count` would hide tuple.count
    """A rate limit: at most `count` requests per window of `seconds`."""

    count: int
    seconds: int


def env_rate(name: str, default: str) -> Rate:
    """Return the variable, written "count/seconds" (``20/600``: 20 per 10 minutes), as a Rate."""
    value = env_str(name, default)
    count, _, seconds = value.partition("/")
    try:
        rate = Rate(int(count), int(seconds))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate: write count/seconds, e.g. 20/600.") from None
    if rate.count < 1 or rate.seconds < 1:
        raise ImproperlyConfigured(f"{name}={value!r}: the count and the seconds must both be at least 1.")
    return rate


def env_seconds(name: str, default: float, *, minimum: float) -> float:
    """Return the variable as a number of seconds (decimals allowed), at least `minimum`."""
    return _number(name, default, float, "a number of seconds", minimum, " seconds")
