"""Figures written in the active language's notation: 1,234.5 in English, 1 234,5 in French."""

from __future__ import annotations

from django.utils.formats import number_format

NONE = "—"


def number(value: float | None, decimals: int | None = None) -> str:
    """`value` with `decimals` places (as many as it has when None; a whole number without any)."""
    if value is None:
        return NONE
    if decimals is None and float(value).is_integer():
        value = int(value)
    return number_format(value, decimal_pos=decimals, use_l10n=True)


def percent(fraction: float | None, decimals: int | None = None) -> str:
    """A fraction (0.125) as a percentage ("12.5 %")."""
    return NONE if fraction is None else f"{number(fraction * 100, decimals)}\u00a0%"
