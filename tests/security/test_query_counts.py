"""Every page does a fixed number of queries whatever the size of the data.

Driven by the access matrix: every GET address of the resolver, for every person who gets 200 there, is
visited in a small world and again once the world holds many more rows of everything (tests/security/
growth.py); the query counts must be equal. A new page gets a row in the matrix, and so is counted here.
The admin's pages are counted in tests/backoffice/test_admin_lists.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from tests.security import matrix
from tests.security.growth import furnish, grow
from tests.security.query_counts import difference, visit
from tests.security.test_access_matrix import portal_world

pytestmark = pytest.mark.django_db

LARGE = 30


def pages(world: Any) -> Iterator[tuple[str, str, str]]:
    """(URL name, person, address) of every GET page that answers the person 200."""
    for name, row in sorted(matrix.rows().items()):
        if row.method != "get":
            continue
        url = reverse(name, args=row.args(world)) + row.query
        for person in matrix.PEOPLE:
            if row.expected[person] == 200:
                yield name, person, url


def test_every_page_makes_as_many_queries_with_many_rows_as_with_few():
    world = portal_world()
    furnish(world)
    grow(world, size=1, tag="small")
    small = {(name, person): visit(world.people[person], url) for name, person, url in pages(world)}
    grow(world, size=LARGE, tag="large")
    problems = []
    for name, person, url in pages(world):
        problem = difference(small[name, person], visit(world.people[person], url), label=f"{url} ({name}) as {person}")
        if problem:
            problems.append(problem)
    assert len(small) > 50, "the matrix gave too few pages: is it still read?"
    assert not problems, "\n".join(problems)
