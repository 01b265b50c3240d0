"""The time zone a body most likely works in, from its country: a small table over the stdlib's zoneinfo.

A country with several zones (Portugal with the Azores, Spain with the Canaries, France with its
outermost regions) gets its capital's zone; pages that show times let the person choose another.
Countries outside the table fall back to the zone the caller gives (usually the campaign's).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

COUNTRY_ZONES: dict[str, str] = {
    # EU-27
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia", "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague", "DE": "Europe/Berlin", "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid", "FI": "Europe/Helsinki", "FR": "Europe/Paris", "GR": "Europe/Athens",
    "HR": "Europe/Zagreb", "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IT": "Europe/Rome",
    "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg", "LV": "Europe/Riga", "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon", "RO": "Europe/Bucharest",
    "SE": "Europe/Stockholm", "SI": "Europe/Ljubljana", "SK": "Europe/Bratislava",
    # EEA and EFTA
    "IS": "Atlantic/Reykjavik", "LI": "Europe/Vaduz", "NO": "Europe/Oslo", "CH": "Europe/Zurich",
    # Neighbours whose bodies may follow the initiative as observers
    "AL": "Europe/Tirane", "BA": "Europe/Sarajevo", "GB": "Europe/London", "MD": "Europe/Chisinau",
    "ME": "Europe/Podgorica", "MK": "Europe/Skopje", "RS": "Europe/Belgrade", "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
}


def zone_for_country(country_code: str, default: str) -> str:
    """The IANA zone of `country_code` (ISO 3166 alpha-2), or `default` when the table does not know it."""
    return COUNTRY_ZONES.get((country_code or "").upper(), default)


def valid_zone(name: str | None) -> str | None:
    """`name` if it is a zone the database knows, else None (for zones taken from a request or a row)."""
    if not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
