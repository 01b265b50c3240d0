"""Travel claims: who may claim for an event, filing a claim with its receipts, and the secretariat's decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from communities.models import (
    CLAIM_TRANSITIONS,
    ClaimStatus,
    Event,
    Membership,
    Receipt,
    Registration,
    RegistrationStatus,
    TravelClaim,
)
from communities.services.common import NotAllowed, save_upload, site_url
from surveys import eligibility
from surveys.services.eligibility import policy_of


def claim_refusal(membership: Membership, event: Event, *, now: dt.datetime | None = None) -> str | None:
    """Why `membership` may not claim travel costs for `event`, or None when it may.

    The campaign's policy decides by the country of the member's organisation
    (surveys.eligibility.travel_reimbursement); the event must be in person, started, and the member
    registered for it.
    """
    now = now or timezone.now()
    if not event.in_person:
        return _("Only travel to in-person events is reimbursed.")
    if event.starts_at > now:
        return _("A claim can be made once the event has started.")
    if not Registration.objects.filter(event=event, user_id=membership.user_id,
                                       status=RegistrationStatus.REGISTERED).exists():
        return _("Only people registered for the event can claim their travel costs.")
    campaign = membership.community.campaign
    if campaign is None:
        return _("This community has no travel policy: ask the secretariat.")
    if membership.organisation is None:
        return _("Your membership does not name your organisation: ask the secretariat to add it.")
    if not eligibility.travel_reimbursement(membership.organisation.country.code, policy_of(campaign)):
        return _("Travel is not reimbursed for organisations from %(country)s in this campaign.") % {
            "country": membership.organisation.country.name}
    return None


@transaction.atomic
def submit_claim(event: Event, *, membership: Membership, amounts: Mapping[str, Decimal], notes: str = "",
                 receipts: Iterable[tuple[IO[bytes], str, int]] = ()) -> TravelClaim:
    """File a travel claim with its receipts `(file, name, size)`; raises NotAllowed when the policy says no,
    ValidationError when a receipt is refused. The secretariat is told by e-mail."""
    refusal = claim_refusal(membership, event)
    if refusal:
        raise NotAllowed(refusal)
    if TravelClaim.objects.filter(event=event, membership=membership).exists():
        raise NotAllowed(_("You have claimed your costs for this event already."))
    claim = TravelClaim.objects.create(event=event, membership=membership, notes=notes,
                                       **{k: amounts.get(k, Decimal("0")) for k in ("travel", "accommodation",
                                                                                   "subsistence", "other")})
    saved: list[Receipt] = []
    try:
        for upload, name, size in receipts:
            receipt = Receipt(claim=claim)
            save_upload(receipt, upload, name=name, size=size)
            receipt.save()
            saved.append(receipt)
    except ValidationError:
        for receipt in saved:
            receipt.file.delete(save=False)
        raise
    queue_email(
        key=f"claim-submitted:{claim.pk}", to=settings.SECRETARIAT_EMAIL, template="community_claim_submitted",
        context={"claim": claim, "event": event, "member": membership.user,
                 "url": settings.SITE_URL + reverse("admin:communities_travelclaim_change", args=[claim.pk])},
    )
    return claim


@transaction.atomic
def set_claim_status(claim: TravelClaim, *, status: str, reason: str, by: User) -> bool:
    """The secretariat approves, rejects or pays a claim, with a written reason; the member is told by e-mail.

    Only the transitions of CLAIM_TRANSITIONS are allowed (ValueError otherwise, or for a blank reason).
    Returns False when the claim changed meanwhile and nothing was done.
    """
    status = ClaimStatus(status)
    reason = reason.strip()
    if not reason:
        raise ValueError("A status change needs a written reason.")
    allowed_from = [source for source, targets in CLAIM_TRANSITIONS.items() if status in targets]
    if claim.status not in allowed_from:
        raise ValueError(f"A {claim.status} claim cannot become {status}.")
    changed = TravelClaim.objects.filter(pk=claim.pk, status=claim.status).update(
        status=status, status_reason=reason, decided_by=by, decided_at=timezone.now())
    if not changed:
        return False
    claim.refresh_from_db()
    membership = claim.membership
    queue_email(
        key=f"claim-status:{claim.pk}:{status}", to=membership.user.email, template="community_claim_decided",
        context={"claim": claim, "event": claim.event, "reason": reason,
                 "url": site_url("claim", membership.community.slug, claim.pk)},
    )
    return True
