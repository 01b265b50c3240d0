"""Template filters of the dashboard and the report: a table's chart."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from surveys.charts import chart_for
from surveys.dashboard import Table

register = template.Library()


@register.filter
def chart(table: Table) -> SafeString | str:
    """``{{ table|chart }}``: the table's SVG chart (nothing for a table without one)."""
    return chart_for(table)
