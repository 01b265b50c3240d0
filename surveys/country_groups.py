"""The country groups a campaign's eligibility policy is made of, kept as data with their sources.

Codes are ISO 3166-1 alpha-2, as django-countries stores them. EU documents use their own codes for
two countries: "EL" for Greece (ISO "GR") and "UK" for the United Kingdom (ISO "GB"); only the ISO
codes are stored here (``EU_CODE_ALIASES`` maps the EU ones for data imported from EU sources).

Each group says where its membership comes from and from which date the list is true, so that a
change (an accession, a withdrawal) is a reviewed edit of this file, not a silent one. The module
needs no Django settings: it checks its codes against django-countries' ISO table at import, and the
group names are lazy translations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.data import COUNTRIES as ISO_3166_1

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The keys an EligibilityPolicy refers to (and Campaign stores), in the order they are shown.
EU = "EU"
EEA = "EEA"
EFTA = "EFTA"


@dataclass(frozen=True)
class CountryGroup:
    """A named set of countries, the legal text it comes from, and the date from which it is true."""

    key: str
    label: StrOrPromise  # lazy: rendered in the viewer's language
    codes: frozenset[str]
    source: str
    valid_from: dt.date

    def __contains__(self, code: object) -> bool:
        return code in self.codes


EU_27 = CountryGroup(
    key=EU,
    label=_("EU-27"),
    codes=frozenset(
        {
            "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
            "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        }
    ),
    source=(
        "Treaty on European Union, art. 52(1) (the Member States), as amended by the withdrawal of the "
        "United Kingdom on 31 January 2020 (Withdrawal Agreement, OJ L 29, 31.1.2020, p. 7); "
        "https://european-union.europa.eu/principles-countries-history/eu-countries_en"
    ),
    valid_from=dt.date(2020, 2, 1),
)

EEA_30 = CountryGroup(
    key=EEA,
    label=_("EEA"),
    codes=EU_27.codes | {"IS", "LI", "NO"},
    source=(
        "Agreement on the European Economic Area, OJ L 1, 3.1.1994, p. 3 (contracting parties: the EU "
        "Member States and Iceland, Liechtenstein, Norway; Croatia's enlargement agreement applied "
        "provisionally since 12 April 2014; the United Kingdom left with the EU on 31 January 2020); "
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:21994A0103(01)"
    ),
    valid_from=dt.date(2020, 2, 1),
)

EFTA_4 = CountryGroup(
    key=EFTA,
    label=_("EFTA"),
    codes=frozenset({"CH", "IS", "LI", "NO"}),
    source=(
        "Convention establishing the European Free Trade Association (Stockholm 1960, consolidated by the "
        "Vaduz Convention of 21 June 2001); members since Austria, Finland and Sweden left on "
        "1 January 1995; https://www.efta.int"
    ),
    valid_from=dt.date(1995, 1, 1),
)

COUNTRY_GROUPS: Mapping[str, CountryGroup] = MappingProxyType({group.key: group for group in (EU_27, EEA_30, EFTA_4)})

# Codes used in EU publications (Interinstitutional Style Guide) that differ from ISO 3166-1.
EU_CODE_ALIASES: Mapping[str, str] = MappingProxyType({"EL": "GR", "UK": "GB"})


def countries_of(group_keys: frozenset[str] | set[str]) -> frozenset[str]:
    """The union of the countries of the given groups (keys of ``COUNTRY_GROUPS``); unknown keys raise KeyError."""
    return frozenset().union(*(COUNTRY_GROUPS[key].codes for key in group_keys))


def groups_containing(code: str) -> tuple[CountryGroup, ...]:
    """The groups a country belongs to, in display order (EU, EEA, EFTA)."""
    return tuple(group for group in COUNTRY_GROUPS.values() if code in group.codes)


# What a country's memberships mean for these groups, said plainly: an EEA country outside the EU is also
# in EFTA; Switzerland is in EFTA but not in the EEA (its own bilateral agreements with the EU instead).
# EU members need no sentence: "EU-27, EEA" says it. Keyed by the groups a country is in, in display order.
_MEMBERSHIP: Mapping[tuple[str, ...], StrOrPromise] = MappingProxyType({
    (EEA, EFTA): _("{country} is in the EEA and in EFTA, but not in the EU."),
    (EFTA,): _("{country} is in EFTA, but not in the EEA or the EU."),
    (): _("{country} is not in the EU, the EEA or EFTA."),
})


def membership(code: str, country_name: StrOrPromise) -> StrOrPromise | None:
    """A lazy sentence that says which of the groups `code` belongs to, or None for an EU member."""
    sentence = _MEMBERSHIP.get(tuple(group.key for group in groups_containing(code)))
    return None if sentence is None else format_lazy(sentence, country=country_name)


def with_membership(code: str, country_name: StrOrPromise, reason: StrOrPromise) -> StrOrPromise:
    """`reason` (lazy), followed by the sentence on the country's memberships when it has one."""
    sentence = membership(code, country_name)
    return reason if sentence is None else format_lazy("{} {}", reason, sentence)


@dataclass(frozen=True)
class Coverage:
    """The countries a policy's groups cover, and those of the other groups that it leaves out."""

    groups: tuple[CountryGroup, ...]
    codes: frozenset[str]
    left_out: frozenset[str]


def coverage(group_keys: Iterable[str]) -> Coverage:
    """What a campaign's eligible groups (keys of ``COUNTRY_GROUPS``) cover; unknown keys are ignored."""
    keys = {key for key in group_keys if key in COUNTRY_GROUPS}
    covered = countries_of(keys)
    everyone = countries_of(set(COUNTRY_GROUPS))
    return Coverage(groups=tuple(g for k, g in COUNTRY_GROUPS.items() if k in keys), codes=covered,
                    left_out=everyone - covered)


def _check_codes() -> None:
    """Fail at import, not at a respondent's submit, if a code is mistyped or a group changes size unreviewed."""
    for group in COUNTRY_GROUPS.values():
        unknown = sorted(group.codes - ISO_3166_1.keys())
        if unknown:
            raise ValueError(f"Country group {group.key} has codes that are not ISO 3166-1 alpha-2: {unknown}")
    if len(EU_27.codes) != 27 or len(EEA_30.codes) != 30 or len(EFTA_4.codes) != 4:
        raise ValueError("Country groups do not have 27 (EU), 30 (EEA) and 4 (EFTA) members.")


_check_codes()
