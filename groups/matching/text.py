"""Sentences of the solver in the reader's language once Django is set up; plain English without it.

The solver runs on its own too (JSON in, JSON out), so it does not require Django: translation is looked
up the first time a sentence is written and only used when Django's settings are configured.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

_gettext: Callable[[str], str] | None = None
_ngettext: Callable[[str, str, int], str] | None = None
_pgettext: Callable[[str, str], str] | None = None


def _load() -> None:
    global _gettext, _ngettext, _pgettext
    if _gettext is None and "django.conf" in sys.modules:  # cheap test first: called once per sentence
        from django.conf import settings

        if settings.configured:
            from django.utils.translation import gettext, ngettext, pgettext

            _gettext, _ngettext, _pgettext = gettext, ngettext, pgettext


def _(message: str) -> str:
    _load()
    return message if _gettext is None else _gettext(message)


def pgettext(context: str, message: str) -> str:
    """A message whose English text alone is ambiguous (punctuation, short words): the context tells translators."""
    _load()
    return message if _pgettext is None else _pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    _load()
    if _ngettext is None:
        return singular if n == 1 else plural
    return _ngettext(singular, plural, n)
