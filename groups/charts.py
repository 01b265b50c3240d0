"""Server-rendered bar charts: the geometry of horizontal (stacked) bars, drawn as SVG by a template.

Pure Python over plain numbers, so the admin needs no third-party script (the CSP allows none) and the
chart is readable without JavaScript. Every chart is drawn with a <title> and <desc>, role="img" and an
aria-label (templates/admin/groups/_bar_chart.html), and each page shows the same figures in a table beside
it, which is what a screen reader user reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# Fills with at least 3:1 contrast against white (WCAG 1.4.11) and distinct from each other.
PALETTE = ("#1d4f91", "#c2410c", "#047857", "#6d28d9", "#9f1239")
LABEL_WIDTH = 300
BAR_AREA = 380
VALUE_WIDTH = 60
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 8
LABEL_CHARACTERS = 36


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: float
    series: str
    fill: str


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    y: float
    text_y: float
    total: float
    total_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class LegendItem:
    label: str
    fill: str


@dataclass
class BarChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    bars: list[Bar] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(*, chart_id: str, title: str, description: str, rows: Sequence[tuple[str, Sequence[float]]],
              series: Sequence[str]) -> BarChart:
    """A horizontal bar chart, one bar per row, stacked by series; bars scaled to the largest total."""
    totals = [sum(values) for _label, values in rows]
    largest = max(totals, default=0) or 1
    chart = BarChart(chart_id=chart_id, title=title, description=description,
                     width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height=TOP * 2 + ROW_HEIGHT * max(len(rows), 1),
                     label_width=LABEL_WIDTH,
                     legend=[LegendItem(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(series)])
    for index, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        y = TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        x = float(LABEL_WIDTH)
        segments = []
        for position, value in enumerate(values):
            width = BAR_AREA * value / largest
            if value > 0:
                segments.append(Segment(round(x, 2), round(width, 2), value,
                                        series[position] if position < len(series) else "",
                                        PALETTE[position % len(PALETTE)]))
            x += width
        chart.bars.append(Bar(label=_short(label), full_label=label, y=round(y, 2),
                              text_y=round(y + BAR_HEIGHT * 0.75, 2), total=total, total_x=round(x + 6, 2),
                              segments=tuple(segments)))
    return chart
