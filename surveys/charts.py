"""Charts drawn on the server as SVG: no script, nothing from elsewhere, and printable.

A chart is a picture of a :class:`~surveys.dashboard.Table` that the page also shows as a table, so it is
an image with a name (``role="img"``, ``aria-label`` and ``<title>``) rather than something a screen
reader walks through. Colours keep 3:1 contrast against white (WCAG 1.4.11); series are told apart by
the legend's words, not by colour alone.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from surveys.dashboard import Table

COLOURS = ("#003a8c", "#a35200", "#1e6b34")
WIDTH = 640
TEXT = 'font-size="12" fill="#1b1b1b" font-family="system-ui, sans-serif"'


def _join(parts: list[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _legend(table: Table, y: int) -> SafeString:
    parts: list[SafeString] = []
    x = 0
    if len(table.columns) < 2:
        return _join(parts)
    for index, name in enumerate(table.columns):
        parts.append(format_html('<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
                                 f'<text x="{{}}" y="{{}}" {TEXT}>{{}}</text>',
                                 x, y, COLOURS[index % len(COLOURS)], x + 16, y + 10, name))
        x += 28 + 8 * len(name)  # room for the widest letters of the label
    return _join(parts)


def _frame(table: Table, height: int, body: SafeString) -> SafeString:
    label = _("%(title)s: chart. The table beside it gives the same figures.") % {"title": table.title}
    return format_html('<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
                       'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
                       label, WIDTH, height, table.title, body)


def bar_chart(table: Table) -> SafeString:
    """A horizontal bar per row and series, the row's label above its bars, the figure after each bar."""
    series = len(table.columns)
    top = 22 if series > 1 else 0
    row_height = 18 + 14 * series + 8
    largest = max([cell.value for row in table.rows for cell in row.cells] + [1])
    usable = WIDTH - 60
    parts = [_legend(table, 0)]
    for index, row in enumerate(table.rows):
        y = top + index * row_height
        parts.append(format_html(f'<text x="0" y="{{}}" {TEXT}>{{}}</text>', y + 13, row.label))
        for s, cell in enumerate(row.cells):
            length = round(usable * cell.value / largest) if cell.value else 0
            by = y + 18 + 14 * s
            parts.append(format_html('<rect x="0" y="{}" width="{}" height="11" fill="{}"></rect>'
                                     f'<text x="{{}}" y="{{}}" {TEXT}>{{}}</text>',
                                     by, max(length, 1), COLOURS[s % len(COLOURS)], length + 4, by + 10, cell.value))
    return _frame(table, top + max(len(table.rows), 1) * row_height, _join(parts))


def column_chart(table: Table) -> SafeString:
    """A time series: a group of vertical bars per period, a few period labels along the bottom."""
    series = len(table.columns)
    height, bottom, left, top = 240, 200, 36, 26
    largest = max([cell.value for row in table.rows for cell in row.cells] + [1])
    count = max(len(table.rows), 1)
    slot = (WIDTH - left) / count
    bar = max(slot * 0.8 / series, 1)
    parts = [_legend(table, 0),
             format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1b1b1b"></line>', left, bottom, WIDTH, bottom),
             format_html(f'<text x="0" y="{{}}" {TEXT}>{{}}</text><text x="0" y="{{}}" {TEXT}>0</text>',
                         top + 10, largest, bottom)]
    # Four period labels at most, each about 7 px a character: "week of 2026-11-23" must not run into the next.
    every = max(1, -(-count // 4))
    for index, row in enumerate(table.rows):
        x = left + index * slot
        for s, cell in enumerate(row.cells):
            length = (bottom - top) * cell.value / largest
            parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                                     f"{x + s * bar:.1f}", f"{bottom - length:.1f}", f"{bar:.1f}", f"{length:.1f}",
                                     COLOURS[s % len(COLOURS)]))
        if index % every == 0 and x + 7 * len(str(row.label)) <= WIDTH:
            parts.append(format_html(f'<text x="{{}}" y="{{}}" {TEXT}>{{}}</text>', f"{x:.1f}", bottom + 16, row.label))
    return _frame(table, height, _join(parts))


def chart_for(table: Table) -> SafeString | str:
    """The table's chart, or nothing for a table without one (or without rows)."""
    if table.is_empty or table.chart is None:
        return ""
    return column_chart(table) if table.chart == "columns" else bar_chart(table)
