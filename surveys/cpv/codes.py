"""Pure helpers over CPV code strings: no database, no Django.

A CPV code is eight digits, a hyphen and a check digit (``34144910-0``). Its first two digits are its
*division* (``34000000-7`` Transport equipment), the first three its *group* (``34100000-8`` Motor
vehicles); a parent is found by replacing trailing digits with zeros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE = re.compile(r"^(\d{8})-(\d)$")
# What a person may type for a code: eight digits, optionally a hyphen (or spaces) and the check digit,
# optionally followed by the label (pasted from a list), e.g. "34144910 - 0 Electric buses".
TYPED_CODE = re.compile(r"^\s*(\d{8})(?:\s*-\s*(\d)(?!\d))?(?:(?:\s+|\s*[–:]\s*)\D.*)?\s*$", re.DOTALL)
# A number prefix: the first digits of a code (a division "34", a group "341"...).
TYPED_PREFIX = re.compile(r"^\s*(\d{2,7})\s*$")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY = 100
MAX_WORDS = 6


@dataclass(frozen=True)
class Typed:
    """What a person typed in a code field, read as: an exact code, a number prefix, words, or nothing."""

    digits: str = ""  # eight digits of an exact code
    check_digit: str = ""  # given with it, or "" when only the eight digits were typed
    prefix: str = ""  # the first digits of codes (2 to 7)
    words: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.digits or self.prefix or self.words)


def read_typed(text: str) -> Typed:
    """Read what a person typed in a code field or a search box."""
    text = (text or "")[:MAX_QUERY]
    if match := TYPED_CODE.match(text):
        return Typed(digits=match.group(1), check_digit=match.group(2) or "")
    if match := TYPED_PREFIX.match(text):
        return Typed(prefix=match.group(1))
    words = tuple(w.lower() for w in WORD.findall(text))[:MAX_WORDS]
    if words and all(w.isdigit() for w in words):
        # "34 14" or "3414-": read the digits as one prefix.
        digits = "".join(words)
        if len(digits) == 8:
            return Typed(digits=digits)
        if 2 <= len(digits) < 8:
            return Typed(prefix=digits)
    return Typed(words=words)


def split_code(code: str) -> tuple[str, str] | None:
    """("34144910", "0") for "34144910-0"; None for anything that is not a well-formed code."""
    match = CODE.match(code or "")
    return (match.group(1), match.group(2)) if match else None
