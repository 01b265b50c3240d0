"""The communities' part of personal data (registered with bigbuyers.privacy in CommunitiesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from bigbuyers.models import User
from bigbuyers.privacy import PrivacyProvider
from communities.models import (
    GuestInvitation,
    JoinRequest,
    Membership,
    Registration,
    RegistrationStatus,
    Reply,
    Thread,
    TravelClaim,
)
from communities.services.events import cancel_registration


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def export(user: User) -> dict[str, Any]:
    return {
        "memberships": [
            {"community": m.community.name, "role": m.role, "organisation": m.organisation.name if m.organisation else None,
             "e-mails": m.notify, "joined_at": _iso(m.joined_at), "last_visit_at": _iso(m.last_visit_at)}
            for m in Membership.objects.filter(user=user).select_related("community", "organisation")
        ],
        "requests_to_join": [
            {"community": r.community.name, "message": r.message, "status": r.status,
             "decision_message": r.decision_message, "sent_at": _iso(r.created_at)}
            for r in JoinRequest.objects.filter(user=user).select_related("community")
        ],
        "threads": [{"community": t.community.name, "title": t.title, "message": t.body, "posted_at": _iso(t.created_at)}
                    for t in Thread.objects.filter(author=user).select_related("community")],
        "replies": [{"thread": r.thread.title, "message": r.body, "posted_at": _iso(r.created_at)}
                    for r in Reply.objects.filter(author=user).select_related("thread")],
        "event_registrations": [
            {"event": r.event.title, "starts_at": _iso(r.event.starts_at), "status": r.status, "guest": r.is_guest}
            for r in Registration.objects.filter(user=user).select_related("event")
        ],
        "travel_claims": [
            {"event": c.event.title, "travel": str(c.travel), "accommodation": str(c.accommodation),
             "subsistence": str(c.subsistence), "other": str(c.other), "status": c.status, "reason": c.status_reason,
             "receipts": [r.original_name for r in c.receipts.all()]}
            for c in TravelClaim.objects.filter(membership__user=user).select_related("event").prefetch_related("receipts")
        ],
    }


@transaction.atomic
def erase(user: User) -> None:
    """Remove the person from every community, event and guest list, and the text of their messages.

    Kept: travel claims with their receipts and the membership they hang on (accounting records the
    secretariat must keep; GDPR art. 17(3)(b)), thread titles (so that discussions still read), and
    documents, which belong to the community. The account itself is anonymised by bigbuyers.privacy.
    """
    removed = gettext("(removed at the author's request)")
    for registration in Registration.objects.filter(
        user=user, status=RegistrationStatus.REGISTERED, event__starts_at__gt=timezone.now()
    ).select_related("event"):
        cancel_registration(registration.event, user)  # the place goes to the next person waiting
    Registration.objects.filter(user=user).delete()
    GuestInvitation.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    Thread.objects.filter(author=user).update(body=removed)
    Reply.objects.filter(author=user).update(body=removed)
    Membership.objects.filter(user=user, claims__isnull=True).delete()
    Membership.objects.filter(user=user).update(notify="none", last_visit_at=None)


PROVIDER = PrivacyProvider(name="communities", export=export, erase=erase)
