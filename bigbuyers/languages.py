"""The language each person uses the portal in, kept so that e-mails sent without a request speak it too.

A reminder or an invitation is written by a Celery task, where no browser says which language it wants:
the outbox then writes in the language the person last used (signing in, or the switcher in the header).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views import i18n

from bigbuyers.models import User


def remember_on_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in: the page's language (browser, cookie or switcher) becomes the person's."""
    if request is not None:
        user.remember_language(translation.get_language())


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher, which also keeps a signed-in person's choice for their e-mails."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        request.user.remember_language(request.POST.get("language"))
    return response


def language_of(email: str) -> str:
    """The language to write to `email` in when no request says: the person's, else the portal's default."""
    language = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE
