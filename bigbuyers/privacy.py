"""Personal data across the portal: what is held about a person, erasure, and retention.

Each app registers a `PrivacyProvider` in its AppConfig.ready(); this module knows none of their
models, so data keeps flowing one way (surveys -> groups -> communities) and a new app adds its
personal data by registering, without changing the mechanism.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from bigbuyers.models import EmailStatus, OutgoingEmail, User


@dataclass(frozen=True)
class PrivacyProvider:
    """How one app reports, erases and expires the personal data it holds."""

    name: str
    export: Callable[[User], Any]  # JSON-serialisable data about the person
    erase: Callable[[User], None]  # remove or anonymise it, keeping anonymous statistics
    expire: Callable[[dt.datetime], int] | None = None  # erase what belongs to campaigns closed before the date


_providers: dict[str, PrivacyProvider] = {}


def register(provider: PrivacyProvider) -> None:
    _providers[provider.name] = provider


def providers() -> list[PrivacyProvider]:
    return list(_providers.values())


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, as JSON-ready data (GDPR art. 15 and 20)."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {"email": user.email, "full_name": user.full_name, "language": user.language,
                    "date_joined": user.date_joined.isoformat(),
                    "last_login": user.last_login.isoformat() if user.last_login else None},
        "emails_sent_to_you": [
            {"subject": e.subject, "sent_at": e.sent_at.isoformat() if e.sent_at else None, "status": e.status}
            for e in OutgoingEmail.objects.filter(to__iexact=user.email).order_by("created_at")
        ],
    }
    for provider in providers():
        data[provider.name] = provider.export(user)
    return data


@transaction.atomic
def erase_personal_data(user: User) -> None:
    """Erase `user`'s personal data everywhere (GDPR art. 17); anonymous statistics stay.

    Each app erases its part; then the account itself is anonymised and closed (kept as a row so
    that counts and the history of decisions still add up), and the e-mails to the address go.
    """
    for provider in providers():
        provider.erase(user)
    OutgoingEmail.objects.filter(to__iexact=user.email).exclude(status=EmailStatus.SENDING).delete()
    User.objects.filter(pk=user.pk).update(
        email=f"erased-{user.pk}@erased.invalid", full_name="", language="", is_active=False, password="!", last_login=None  # noqa: S106 - unusable
    )


def expire_personal_data(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Erase personal data of campaigns closed for longer than `older_than`; returns rows changed."""
    cutoff = (now or timezone.now()) - older_than
    return sum(p.expire(cutoff) for p in providers() if p.expire is not None)
