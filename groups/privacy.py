"""The groups app's part of personal data (bigbuyers/privacy.py): the interviews of a person's responses.

An interview belongs to the organisation's response, like its answers: erasing a person removes them
from the response (surveys/privacy.py), and the interview's time and notes stay with the organisation.
The person may still see everything that concerns them, notes included, in their export.
"""

from __future__ import annotations

from typing import Any

from bigbuyers.models import User
from bigbuyers.privacy import PrivacyProvider
from groups.models import Interview


def export(user: User) -> list[dict[str, Any]]:
    interviews = (
        Interview.objects.filter(response__respondents__user=user)
        .select_related("slot__campaign", "response__organisation")
        .order_by("slot__starts_at", "pk")
    )
    return [
        {"campaign": i.slot.campaign.name, "organisation": i.response.organisation.name,
         "starts_at": i.slot.starts_at.isoformat(), "duration_minutes": i.slot.duration, "status": i.status,
         "outcome": i.outcome, "notes": i.notes}
        for i in interviews
    ]


def erase(user: User) -> None:
    """Nothing of the person's own: the link to them is the respondent row, which the surveys app removes."""


PROVIDER = PrivacyProvider(name="interviews", export=export, erase=erase)
