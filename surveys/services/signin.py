"""Sign-in links: the single-use link that signs a person in (and creates their account on first use)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from sesame.utils import get_query_string

from bigbuyers.models import User
from bigbuyers.outbox import queue_email


def signin_url(user: User, next_path: str) -> str:
    """An absolute, single-use sign-in link that lands on `next_path`."""
    return f"{settings.SITE_URL}{reverse('signin_link')}{get_query_string(user)}&{urlencode({'next': next_path})}"


def request_signin_link(*, email: str, next_path: str) -> None:
    """Send a single-use sign-in link to `email`, creating the person's account on first use.

    The caller shows the same answer whatever happens here, so the page does not tell whether an
    address is known.
    """
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(email)
        if not user.is_active:
            return
        queue_email(
            # One link per request: a new request is a new message, never a duplicate of the last one.
            key=f"signin:user={user.pk}:{timezone.now().timestamp()}",
            to=user.email,
            template="signin_link",
            context={"url": signin_url(user, next_path), "hours": settings.SESAME_MAX_AGE // 3600},
            language=translation.get_language(), interactive=True,
        )
