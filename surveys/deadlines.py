"""When a respondent may still change answers: the campaign's deadline, or a personal one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from surveys.models import Campaign, Response


def deadline_for(campaign: Campaign, response: Response | None = None) -> dt.datetime:
    """The moment after which `response` (or a new response) can no longer be changed.

    A personal deadline (an individual extension or an accepted late expression of interest) only
    ever moves the deadline later, never earlier than the campaign's.
    """
    if response is not None and response.personal_deadline and response.personal_deadline > campaign.deadline:
        return response.personal_deadline
    return campaign.deadline


def is_open_for(campaign: Campaign, response: Response | None = None, *, now: dt.datetime | None = None) -> bool:
    """Whether answers may be saved now: after the campaign opens and before the applicable deadline."""
    now = now or timezone.now()
    return campaign.opens_at <= now < deadline_for(campaign, response)
