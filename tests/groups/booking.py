"""What the interview page and admin tests build: a respondent ready to book, and times in Paris."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from surveys.models import Campaign, Response
from tests.factories import interviewee, weekday_at

PARIS = ZoneInfo("Europe/Paris")


def ready_to_book(campaign: Campaign, email: str = "eva@ville.example", **extra: object) -> Response:
    """A submitted response willing to be interviewed by video, free every weekday morning."""
    return interviewee(campaign, email, **{"interview_mode": "video",
                                           "interview_availability": ["mon_am", "tue_am", "wed_am", "thu_am", "fri_am"],
                                           **extra})


def paris_time(days: int, hour: int) -> dt.datetime:
    """`hour` o'clock in Paris, on the first weekday at least `days` days ahead."""
    return weekday_at(days, hour, PARIS)
