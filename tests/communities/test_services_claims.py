"""communities/services/claims.py: who may claim travel costs, claims with receipts, and their status."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.models import Registration, TravelClaim
from communities.services.claims import claim_refusal, set_claim_status, submit_claim
from communities.services.common import NotAllowed
from tests.factories import (
    PDF_BYTES,
    CampaignFactory,
    CommunityFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    past_study_visit,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("country", "reimbursed_groups", "allowed"), [
    ("FR", ["EU"], True),
    ("NO", ["EU"], False),  # an EEA country under a policy that reimburses the EU only (2020-21)
    ("NO", ["EU", "EEA"], True),  # 2023: EU and EEA
    ("CH", ["EU", "EEA"], False),  # not eligible, so never reimbursed
])
def test_who_may_claim_follows_the_campaigns_policy(country, reimbursed_groups, allowed):
    campaign = CampaignFactory(eligible_country_groups=["EU", "EEA"], reimbursed_country_groups=reimbursed_groups)
    community = CommunityFactory(campaign=campaign)
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country=country))
    event = past_study_visit(community)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    refusal = claim_refusal(membership, event)
    assert (refusal is None) == allowed, refusal


def test_claims_need_an_in_person_event_attended_a_policy_and_an_organisation():
    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    online = EventFactory(community=community, starts_at=timezone.now() - dt.timedelta(days=1))
    assert "in-person" in claim_refusal(membership, online)
    event = past_study_visit(community)
    assert "registered" in claim_refusal(membership, event)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    assert claim_refusal(membership, event) is None
    membership.organisation = None
    assert "organisation" in claim_refusal(membership, event)
    community.campaign = None
    assert "policy" in claim_refusal(membership, event)


def test_claim_with_receipts_then_status_changes_need_a_reason_and_tell_the_member(committed):
    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    event = past_study_visit(community)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    with committed():
        claim = submit_claim(event, membership=membership,
                             amounts={"travel": Decimal("180.50"), "accommodation": Decimal("95")},
                             receipts=[(io.BytesIO(PDF_BYTES), "train.pdf", len(PDF_BYTES))])
    assert claim.total == Decimal("275.50") and claim.receipts.get().content_type == "application/pdf"
    assert mail.outbox[-1].to == ["big.buyers@example.eu"]
    with pytest.raises(NotAllowed):
        submit_claim(event, membership=membership, amounts={"travel": Decimal("1")})
    staff = StaffFactory()
    with pytest.raises(ValueError):
        set_claim_status(claim, status="approved", reason="  ", by=staff)
    with pytest.raises(ValueError):
        set_claim_status(claim, status="paid", reason="Paid too early", by=staff)
    with committed():
        assert set_claim_status(claim, status="approved", reason="Within the ceilings.", by=staff)
        assert set_claim_status(claim, status="paid", reason="Transfer 2026-118", by=staff)
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.status_reason == "Transfer 2026-118"
    told = [m for m in mail.outbox if m.to == [membership.user.email]]
    assert len(told) == 2 and "Within the ceilings." in told[0].body


def test_a_refused_receipt_leaves_no_claim():
    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    event = past_study_visit(community)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    with pytest.raises(ValidationError):
        submit_claim(event, membership=membership, amounts={"travel": Decimal("10")},
                     receipts=[(io.BytesIO(b"MZ"), "ticket.exe", 2)])
    assert not TravelClaim.objects.exists()
