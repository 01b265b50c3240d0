"""The dashboard's server-drawn charts: labels that do not run into each other or off the picture."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from surveys.charts import WIDTH, column_chart
from surveys.dashboard import Cell, Row, Table


def _weeks(count: int) -> Table:
    start = dt.date(2023, 5, 15)
    rows = [Row(f"semaine du {start + dt.timedelta(weeks=n)}", (Cell(n % 7), Cell(n % 3))) for n in range(count)]
    return Table(key="weeks", title="Réponses au fil du temps", label_heading="Semaine",
                 columns=("Commencées", "Première soumission"), rows=rows, chart="columns")


def test_a_long_time_series_shows_a_few_period_labels_that_do_not_overlap() -> None:
    for count in (3, 12, 60, 180):
        svg = str(column_chart(_weeks(count)))
        labels = [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)" y="216"[^>]*>([^<]+)</text>', svg)]
        assert 1 <= len(labels) <= 4, (count, labels)
        for (x, text), (next_x, _next) in itertools.pairwise(labels):
            assert x + 7 * len(text) < next_x, (count, text)
        assert all(x + 7 * len(text) <= WIDTH for x, text in labels), "no label runs off the right edge"


def test_legend_entries_leave_room_for_their_words() -> None:
    svg = str(column_chart(_weeks(3)))
    labels = re.findall(r'<text x="([\d.]+)" y="10"[^>]*>([^<]+)</text>', svg)
    [(first_x, first), (second_x, _)] = [(float(x), t) for x, t in labels]
    assert second_x - 16 >= first_x + 7 * len(first), "the second swatch starts after the first label ends"
