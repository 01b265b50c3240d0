"""Text that a person wrote, quoted in an e-mail to somebody else, so that it cannot pass for ours.

Mail clients turn addresses into links in plain text as well as in HTML (``https://…``, ``www.…``, a bare
``evil.example/login``, ``someone@evil.example``). Text a requester typed is shown with those addresses
broken on purpose ("defanged", as security teams write them: ``https[:]//evil[.]example``), so that no
client makes them clickable, and each line is quoted ("> ") under a line naming its author. Escaping for
HTML stays the template's work (autoescape).
"""

from __future__ import annotations

import re

_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]*):(//)", re.IGNORECASE)
_WWW = re.compile(r"\bwww\.", re.IGNORECASE)
# A host name: labels joined by dots, ending in a label of letters (a top-level domain); or an IPv4 address.
_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}\b|\b\d{1,3}(?:\.\d{1,3}){3}\b")


def defang(text: str) -> str:
    """`text` with every web address, host name and e-mail domain broken so that mail clients leave it as
    text: ``https://evil.example/x`` becomes ``https[:]//evil[.]example/x``."""
    text = _SCHEME.sub(r"\1[:]\2", text)
    text = _WWW.sub("www[.]", text)
    return _HOST.sub(lambda match: match.group(0).replace(".", "[.]"), text)


def quoted_lines(text: str) -> list[str]:
    """The lines of `text`, defanged, for a template to quote one by one (blank lines kept, ends trimmed)."""
    return [defang(line.rstrip()) for line in text.strip().splitlines()]
