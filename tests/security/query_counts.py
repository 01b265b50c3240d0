"""Count the SQL queries of one page for one person, and say what differs between two counts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bigbuyers.models import User


@dataclass
class Visit:
    status: int
    queries: list[str]


def visit(user: User | None, url: str, *, follow: bool = False) -> Visit:
    """The page's status and queries, after a first visit that settles what a first visit changes
    (the member's last visit, cached lists, the session)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(url, follow=follow)
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, follow=follow)
        if answer.streaming:
            b"".join(answer.streaming_content)
    return Visit(answer.status_code, [q["sql"] for q in captured.captured_queries])


def _shape(sql: str) -> str:
    """The query without its values, so that the same query with other ids counts as the same."""
    return re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "'…'", sql))


def difference(small: Visit, large: Visit, *, label: str) -> str | None:
    """None when both visits answered 200 with as many queries; else a line, with the extra queries."""
    if small.status == large.status == 200 and len(small.queries) == len(large.queries):
        return None
    extra = Counter(map(_shape, large.queries)) - Counter(map(_shape, small.queries))
    lines = [f"{label}: status {small.status} → {large.status}, {len(small.queries)} → {len(large.queries)} queries"]
    lines += [f"    {count}× {sql[:400]}" for sql, count in extra.most_common(5)]
    return "\n".join(lines)
