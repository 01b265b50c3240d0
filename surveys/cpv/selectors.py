"""Reads of the CPV vocabulary: labels of codes (one query for any number), and the search.

The search finds codes by number (a prefix of the eight digits: "3414", or the whole code) and by
words ("electric bus", "solar panels"). On PostgreSQL the words go through the full-text index with
English stemming ("buses" and "bus" meet), the last word as a prefix so that suggestions follow the
typing, and through the trigram index when nothing matches (a typing mistake: "elektric"). SQLite
(``make run``) gets a plain fallback: every word, roughly singular, somewhere in the label.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, F, FloatField, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _

from surveys.cpv.codes import Typed, read_typed, split_code
from surveys.cpv.models import CpvCode

SEARCH_LIMIT = 10
MIN_WORD = 2
TYPO_THRESHOLD = 0.5


@dataclass(frozen=True)
class CpvEntry:
    code: str
    label: str


def label_of(field: str = "cpv_code") -> Subquery:
    """An annotation: the label of the code held in the outer row's `field`, None when that is empty or not
    a code of the vocabulary (a look-up by primary key per row, inside the row's own query)."""
    return Subquery(CpvCode.objects.filter(digits=Substr(OuterRef(field), 1, 8),
                                           check_digit=Substr(OuterRef(field), 10, 1)).values("label")[:1])


def code_and_label(code: str, label: str | None) -> str:
    """How a planned purchase's code is shown: "34144910-0 – Electric buses"; a code the vocabulary does not
    have is shown as it was entered, and said so; no code, nothing."""
    if not code:
        return ""
    if label:
        return f"{code} – {label}"
    return _("%(code)s (not in the CPV vocabulary)") % {"code": code}


def labels_for(codes: Iterable[str]) -> dict[str, str]:
    """Code ("34144910-0") -> English label, for the given codes that are in the vocabulary (one query,
    none when no code is well formed). A code with a wrong check digit is not in the vocabulary."""
    wanted = {parts[0]: code for code in set(codes) if (parts := split_code(code))}
    if not wanted:
        return {}
    return {entry.code: entry.label for entry in CpvCode.objects.filter(digits__in=wanted)
            if entry.code in wanted.values()}


def entries_by_digits(digits: Iterable[str]) -> dict[str, CpvEntry]:
    """Eight digits -> the vocabulary's entry, for those of `digits` that are codes of it (one query, none
    for no digits): what a form needs to check and label every code it shows."""
    wanted = {d for d in digits if d}
    if not wanted:
        return {}
    return {row.digits: CpvEntry(row.code, row.label) for row in CpvCode.objects.filter(digits__in=wanted)}


def search(text: str, *, limit: int = SEARCH_LIMIT) -> list[CpvEntry]:
    """The codes that match what was typed, the best first (one or two queries)."""
    return search_typed(read_typed(text), limit=limit)


def search_typed(typed: Typed, *, limit: int = SEARCH_LIMIT) -> list[CpvEntry]:
    if typed.digits:
        rows: QuerySet[CpvCode] | list[CpvCode] = CpvCode.objects.filter(digits=typed.digits)
    elif typed.prefix:
        rows = CpvCode.objects.filter(digits__startswith=typed.prefix).order_by("digits")[:limit]
    else:
        words = [w for w in typed.words if len(w) >= MIN_WORD and not w.isdigit()]
        if not words:
            return []
        rows = _by_words_postgresql(words, limit) if connection.vendor == "postgresql" else _by_words(words, limit)
    return [CpvEntry(row.code, row.label) for row in rows]


def _fts(expression: Any) -> Func:
    """``to_tsvector('english', …)``, the expression the full-text index is built on (migration 0009)."""
    return Func(expression, function="to_tsvector", template="%(function)s('english'::regconfig, %(expressions)s)",
                output_field=SearchVectorField())


def _tsquery(text: str) -> Func:
    return Func(Value(text), function="to_tsquery", template="%(function)s('english'::regconfig, %(expressions)s)",
                output_field=SearchQueryField())


def _by_words_postgresql(words: list[str], limit: int) -> list[CpvCode]:
    # Words are letters and digits only (codes.WORD), so they are safe inside a tsquery (and go as parameters).
    typing = " & ".join([*words[:-1], f"{words[-1]}:*"])
    exact = " & ".join(words)
    matches = Func(_fts(F("label")), _tsquery(typing), template="(%(expressions)s)", arg_joiner=" @@ ",
                   output_field=BooleanField())
    rank = Func(_fts(F("label")), _tsquery(exact), function="ts_rank", output_field=FloatField())
    found: list[CpvCode] = list(CpvCode.objects.filter(matches).annotate(rank=rank, length=Length("label"))
                 .order_by("-rank", "length", "digits")[:limit])
    if found:
        return found
    # Nothing for these words: perhaps a typing mistake. Trigrams ("<%": word similarity above the
    # threshold, through the trigram index) find the labels with the closest words; pg_trgm's default
    # threshold (0.6) misses one wrong letter in a short word ("elektric bus": 0.56).
    phrase = Value(" ".join(words))
    similar = Func(phrase, F("label"), template="(%(expressions)s)", arg_joiner=" <%% ", output_field=BooleanField())
    closeness = Func(phrase, F("label"), function="word_similarity", output_field=FloatField())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [TYPO_THRESHOLD])
        # The planner prices the trigram index above reading the 9,454 labels (65 ms); the index takes 1.5 ms.
        cursor.execute("SET LOCAL enable_seqscan = off")
        return list(CpvCode.objects.filter(similar).annotate(closeness=closeness, length=Length("label"))
                    .order_by("-closeness", "length", "digits")[:limit])


def _stem(word: str) -> str:
    """Roughly singular, so that "buses" finds "bus" and "panels" finds "panel" (SQLite's fallback only)."""
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _by_words(words: list[str], limit: int) -> list[CpvCode]:
    condition = Q()
    for word in words:
        condition &= Q(label__icontains=_stem(word))
    return list(CpvCode.objects.filter(condition).annotate(length=Length("label")).order_by("length", "digits")[:limit])


@dataclass
class CpvBranch:
    """Planned purchases under one CPV division ("34") or group ("341"): how many bodies planned some, and
    how many purchases; a division holds its groups."""

    prefix: str
    label: str
    bodies: int
    purchases: int
    groups: list[CpvBranch] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.prefix} – {self.label}" if self.label else self.prefix


def by_division_and_group(purchases: QuerySet[Any]) -> list[CpvBranch]:
    """`purchases` (planned purchases) with a code, counted by CPV division and, inside each, by group: the
    divisions with the most bodies first (three queries whatever the number of purchases).

    Bodies are distinct responses. A code the vocabulary does not have still counts under its first digits;
    its division or group is then named by those digits alone when the vocabulary has none such."""
    coded = purchases.exclude(cpv_code="").order_by()

    def counts(length: int) -> list[dict[str, Any]]:
        return list(coded.annotate(prefix=Substr("cpv_code", 1, length)).values("prefix")
                    .annotate(bodies=Count("response", distinct=True), n=Count("pk")).order_by("-bodies", "-n", "prefix"))

    divisions, groups = counts(2), counts(3)
    labels = dict(CpvCode.objects.filter(digits__in=[row["prefix"].ljust(8, "0") for row in divisions + groups])
                  .values_list("digits", "label"))
    tree = {row["prefix"]: CpvBranch(row["prefix"], labels.get(row["prefix"].ljust(8, "0"), ""), row["bodies"], row["n"])
            for row in divisions}
    for row in groups:
        if division := tree.get(row["prefix"][:2]):
            division.groups.append(CpvBranch(row["prefix"], labels.get(row["prefix"].ljust(8, "0"), ""),
                                             row["bodies"], row["n"]))
    return list(tree.values())


def not_in_vocabulary(purchases: QuerySet[Any]) -> QuerySet[Any]:
    """Those of `purchases` whose code is not one of the vocabulary (old answers, codes since removed)."""
    known = CpvCode.objects.filter(digits=Substr(OuterRef("cpv_code"), 1, 8), check_digit=Substr(OuterRef("cpv_code"), 10, 1))
    return purchases.exclude(cpv_code="").exclude(Exists(known))
