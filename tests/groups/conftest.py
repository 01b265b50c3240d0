"""Fixtures of the groups tests."""

from __future__ import annotations

import pytest

from tests.factories import InterviewSlotFactory
from tests.groups.booking import paris_time


@pytest.fixture
def slot(campaign):  # type: ignore[no-untyped-def]
    """An open interview slot of `campaign`, at ten in Paris on a weekday four days or more ahead."""
    return InterviewSlotFactory(campaign=campaign, starts_at=paris_time(4, 10))
