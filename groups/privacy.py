"""The groups app's part of personal data (bigbuyers/privacy.py): the interviews and group offers of a
person's responses, and their Observer Group subscription.

An interview belongs to the organisation's response, like its answers: erasing a person removes them
from the response (surveys/privacy.py), and the interview's time and notes stay with the organisation.
The person may still see everything that concerns them, notes included, in their export.
"""

from __future__ import annotations

from typing import Any

from bigbuyers.models import User
from bigbuyers.privacy import PrivacyProvider
from groups.models import GroupOffer, Interview, ObserverSubscription


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


def export_formation(user: User) -> dict[str, Any]:
    """The group offers of the person's organisations (and who answered them), and their Observer Group entry."""
    offers = (GroupOffer.objects.filter(response__respondents__user=user)
              .select_related("group__area", "group__campaign", "response__organisation", "responded_by")
              .order_by("created_at", "pk"))
    subscriptions = ObserverSubscription.objects.filter(email__iexact=user.email)
    return {
        "group_offers": [
            {"campaign": o.group.campaign.name, "organisation": o.response.organisation.name,
             "group": o.group.area.name, "status": o.status, "role": o.role, "offered_at": o.created_at.isoformat(),
             "answered_at": o.responded_at.isoformat() if o.responded_at else None,
             "answered_by_you": o.responded_by_id == user.pk}
            for o in offers
        ],
        "observer_group": [
            {"email": s.email, "name": s.name, "organisation": s.organisation_name, "source": s.source,
             "signed_up_at": s.created_at.isoformat(),
             "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
             "unsubscribed_at": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None}
            for s in subscriptions
        ],
    }


def erase_formation(user: User) -> None:
    """The Observer Group entry goes; offers belong to the organisation's response, like its answers."""
    ObserverSubscription.objects.filter(email__iexact=user.email).delete()


FORMATION_PROVIDER = PrivacyProvider(name="group_formation", export=export_formation, erase=erase_formation)
